import type { Line } from '../../domain/kernel/lines.ts';
import { type OrderState, type WmsStage, openLines, orderStreamName } from '../../domain/outbound-order/index.ts';
import { onOrder, orders } from '../commands/aggregates.ts';
import { callbackCause } from '../commands/cause.ts';
import { type Cause, loadState } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';

/**
 * What a warehouse reports about an outbound order (docs/contracts.md#shipment-callback, #progress-callback, #shortage-callback). These are facts:
 * the order records them, and a report that contradicts it becomes an anomaly for a person,
 * never a refusal (the warehouse must be able to stop resending). An order the hub does not know
 * is refused (ORDER_NOT_FOUND); the caller keeps the raw report (keep-unapplied-callback.ts).
 * `callbackId` identifies the HTTP delivery, for the audit trail (a cause instead: a parked callback
 * applied later, caused by what woke it, ../callbacks/parked-callbacks.ts).
 */
type Reported = Promise<Readonly<{ state: OrderState; changed: boolean }>>;

/** The warehouse's own id of its message, when it gives one: the same id twice is one effect (message-ids.ts in the domain). */
type MessageId = Readonly<{ messageId?: string | undefined }>;

export type ShipmentReport = Readonly<{
  orderNo: string;
  outboundNo: string;
  waybillNo: string;
  carrier: string;
  items: readonly Line[];
  shippedAt: string;
  /** the warehouse's last shipment of the order: what stays open is closed short by the order's policy */
  final?: boolean | undefined;
}> &
  MessageId;

export const recordShipment = async (deps: Dependencies, report: ShipmentReport, callbackId: string | Cause): Reported => {
  const { orderNo, ...shipment } = report;
  const now = deps.clock.now();
  const { state, events } = await onOrder(
    deps,
    orderNo,
    { type: 'RecordShipment', data: { ...shipment, now } },
    callbackCause(callbackId, now),
  );
  return { state, changed: events.length > 0 };
};

export const recordProgress = async (
  deps: Dependencies,
  report: Readonly<{ orderNo: string; warehouseCode: string; stage: WmsStage; at: string }> & MessageId,
  callbackId: string | Cause,
): Reported => {
  const now = deps.clock.now();
  const { orderNo, ...progress } = report;
  const { state, events } = await onOrder(
    deps,
    orderNo,
    { type: 'RecordWmsProgress', data: { ...progress, now } },
    callbackCause(callbackId, now),
  );
  return { state, changed: events.length > 0 };
};

/** The warehouse cannot ship some quantities: the order's policy decides; a reroute needs a warehouse that covers what is still open. */
export const recordShortage = async (
  deps: Dependencies,
  report: Readonly<{ orderNo: string; warehouseCode: string; lines: readonly Line[] }> & MessageId,
  callbackId: string | Cause,
): Reported => {
  const { orderNo, ...shortage } = report;
  const now = deps.clock.now();
  const current = await loadState(deps, orders, orderStreamName(orderNo));
  const alternativeWarehouse =
    current.status === 'NONE'
      ? null
      : await deps.inventory.warehouseCovering(openLines(current), [current.warehouseCode, shortage.warehouseCode]);
  const { state, events } = await onOrder(
    deps,
    orderNo,
    { type: 'RecordWmsShortage', data: { ...shortage, alternativeWarehouse, now } },
    callbackCause(callbackId, now),
  );
  return { state, changed: events.length > 0 };
};
