import type { Instant } from '../kernel/instant.ts';
import { type Line, linesKey } from '../kernel/lines.ts';
import { type PushAttempts, noPushAttempts, retryIsDue } from '../kernel/push-attempts.ts';
import type { Consignee, Placement, Priority, ShortagePolicy, TimeRequirement } from './commands.ts';
import type { ManualReason } from './events.ts';

export type OrderStatus =
  | 'NONE'
  | 'CREATED'
  | 'RESERVED'
  | 'PUSH_FAILED'
  | 'PUSHED_TO_WMS'
  | 'IN_PROGRESS'
  | 'PARTIALLY_SHIPPED'
  | 'CANCEL_REQUESTED'
  | 'MANUAL_INTERVENTION'
  | 'SHIPPED'
  | 'CANCELLED'
  | 'BACKORDERED';

export const terminalStatuses: readonly OrderStatus[] = ['SHIPPED', 'CANCELLED', 'BACKORDERED'];

/** One SKU of the order. open = ordered − shipped − backordered − cancelled, never below zero. */
export type OrderLine = Readonly<{
  sku: string;
  batchNo: string | null;
  ordered: number;
  shipped: number;
  backordered: number;
  cancelled: number;
}>;

export type OrderState = Readonly<{
  status: OrderStatus;
  orderNo: string;
  /** the placement as first accepted, to tell a redelivery from a different order under the same number */
  placementKey: string;
  warehouseCode: string;
  priority: Priority;
  timeRequirement: TimeRequirement;
  consignee: Consignee | null;
  policy: ShortagePolicy;
  backorderOf: string | null;
  lines: readonly OrderLine[];
  reservationNo: number;
  outboundNo: string | null;
  push: PushAttempts;
  /** 0 nothing heard, 1 picking, 2 packed */
  progress: number;
  manual: Readonly<{ reason: ManualReason; detail: string }> | null;
  /** where a cancellation that the WMS refuses returns to */
  statusBeforeCancel: OrderStatus | null;
  pendingCancel: string | null;
  backorders: number;
  anomalies: number;
  /** request ids, waybills, reports already applied: their redelivery decides nothing */
  handled: readonly string[];
  placedAt: Instant | null;
  closedAt: Instant | null;
}>;

export const initialOrderState: OrderState = {
  status: 'NONE',
  orderNo: '',
  placementKey: '',
  warehouseCode: '',
  priority: 'NORMAL',
  timeRequirement: 'STANDARD',
  consignee: null,
  policy: { allowPartialShip: false, allowCancel: false },
  backorderOf: null,
  lines: [],
  reservationNo: 0,
  outboundNo: null,
  push: noPushAttempts,
  progress: 0,
  manual: null,
  statusBeforeCancel: null,
  pendingCancel: null,
  backorders: 0,
  anomalies: 0,
  handled: [],
  placedAt: null,
  closedAt: null,
};

export const isTerminalOrder = (state: OrderState): boolean => terminalStatuses.includes(state.status);

export const openQuantity = (line: OrderLine): number => Math.max(0, line.ordered - line.shipped - line.backordered - line.cancelled);

export const openLines = (state: OrderState): Line[] =>
  state.lines.filter((line) => openQuantity(line) > 0).map((line) => ({ sku: line.sku, quantity: openQuantity(line) }));

export const hasHandled = (state: OrderState, key: string): boolean => state.handled.includes(key);

/** The WMS has (or had) the order: cancelling it means asking the warehouse to intercept. */
export const wmsHoldsOrder = (state: OrderState): boolean =>
  state.outboundNo !== null || state.progress > 0 || state.lines.some((line) => line.shipped > 0);

export const placementKey = (placement: Placement): string =>
  JSON.stringify([
    placement.orderNo,
    placement.warehouseCode,
    placement.priority,
    placement.timeRequirement,
    linesKey(placement.items),
    placement.items.map((item) => `${item.sku}:${item.batchNo ?? ''}`).sort(),
    [placement.consignee.name, placement.consignee.phone, placement.consignee.province],
    [placement.consignee.city, placement.consignee.district, placement.consignee.address],
    [placement.policy.allowPartialShip, placement.policy.allowCancel, placement.backorderOf ?? null],
  ]);

export const shipmentKey = (waybillNo: string): string => `waybill:${waybillNo}`;
export const shipmentContentKey = (waybillNo: string, items: readonly Line[]): string => `waybill:${waybillNo}|${linesKey(items)}`;
export const requestKey = (requestId: string): string => `request:${requestId}`;
export const interceptKey = (cancelRequestId: string): string => `intercept:${cancelRequestId}`;
export const progressKey = (warehouseCode: string, stage: string): string => `progress:${warehouseCode}:${stage}`;
export const pushKey = (attempt: number): string => `push:${attempt}`;
export const backorderNo = (orderNo: string, n: number): string => `${orderNo}-BO${n}`;

/** The outbound instruction should go to the WMS now: stock was just reserved, or a retry has come due. */
export const pushIsDue = (state: OrderState, now: Instant): boolean =>
  state.status === 'RESERVED' || (state.status === 'PUSH_FAILED' && retryIsDue(state.push, now));
