import { type OrderState, outboundOrder } from '../../domain/outbound-order/index.ts';
import type { Line } from '../../domain/kernel/lines.ts';
import type { RecordedEvent } from '../events/recorded-event.ts';

export type OrderView = Readonly<{
  orderNo: string;
  status: OrderState['status'];
  warehouseCode: string;
  priority: OrderState['priority'];
  timeRequirement: OrderState['timeRequirement'];
  allowPartialShip: boolean;
  allowCancel: boolean;
  backorderOf: string | null;
  outboundNo: string | null;
  lines: readonly Readonly<{
    sku: string;
    batchNo: string | null;
    ordered: number;
    shipped: number;
    backordered: number;
    cancelled: number;
  }>[];
  /** where each waybill left from (`warehouseCode`: the warehouse that gave its `outboundNo`) */
  shipments: readonly Readonly<{
    waybillNo: string;
    carrier: string;
    outboundNo: string;
    warehouseCode: string;
    items: readonly Line[];
    shippedAt: string;
  }>[];
  /** the backorders this order numbered: its own shortages', and its backorders' carried over (`carriedFrom`) */
  backorders: readonly Readonly<{ backorderNo: string; lines: readonly Line[]; carriedFrom: string | null; cancelled: boolean }>[];
  push: Readonly<{ attempts: number; nextAttemptAt: string | null; lastError: string | null }>;
  manualIntervention: OrderState['manual'];
  anomalies: number;
  placedAt: string | null;
  closedAt: string | null;
  updatedAt: string | null;
  revision: string | null;
}>;

/**
 * An order as operators and channels see it, folded from its own stream: the decider's state
 * plus what the state does not keep (waybills, the backorders it numbered). Empty stream → null.
 */
export const orderView = (events: readonly RecordedEvent<'order'>[]): OrderView | null => {
  if (events.length === 0) return null;
  let state = outboundOrder.initialState;
  const shipments: OrderView['shipments'][number][] = [];
  const backorders: OrderView['backorders'][number][] = [];
  for (const event of events) {
    state = outboundOrder.evolve(state, event);
    if (event.type === 'ShipmentRecorded') {
      const { waybillNo, carrier, outboundNo, warehouseCode, items, shippedAt } = event.data;
      shipments.push({ waybillNo, carrier, outboundNo, warehouseCode, items, shippedAt });
    } else if (event.type === 'BackorderCreated') {
      backorders.push({ backorderNo: event.data.backorderNo, lines: event.data.lines, carriedFrom: null, cancelled: false });
    } else if (event.type === 'BackorderCarriedOver') {
      backorders.push({
        backorderNo: event.data.backorderNo,
        lines: event.data.lines,
        carriedFrom: event.data.fromOrderNo,
        cancelled: false,
      });
    } else if (event.type === 'BackorderCancelled') {
      const at = backorders.findIndex((backorder) => backorder.backorderNo === event.data.backorderNo);
      const cancelled = backorders[at];
      if (cancelled !== undefined) backorders[at] = { ...cancelled, cancelled: true };
    }
  }
  const last = events.at(-1);
  return {
    orderNo: state.orderNo,
    status: state.status,
    warehouseCode: state.warehouseCode,
    priority: state.priority,
    timeRequirement: state.timeRequirement,
    allowPartialShip: state.policy.allowPartialShip,
    allowCancel: state.policy.allowCancel,
    backorderOf: state.backorderOf,
    outboundNo: state.outboundNo,
    lines: state.lines.map(({ sku, batchNo, ordered, shipped, backordered, cancelled }) => ({
      sku,
      batchNo,
      ordered,
      shipped,
      backordered,
      cancelled,
    })),
    shipments,
    backorders,
    push: { attempts: state.push.total, nextAttemptAt: state.push.nextAttemptAt, lastError: state.push.lastError },
    manualIntervention: state.manual,
    anomalies: state.anomalies,
    placedAt: state.placedAt,
    closedAt: state.closedAt,
    updatedAt: last?.metadata.recordedAt ?? null,
    revision: last === undefined ? null : String(last.revision),
  };
};
