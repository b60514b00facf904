/**
 * The order list: one row per outbound order, as operators filter and page through it (status,
 * warehouse, priority, when placed, pushed and shipped, quantities, who it goes to, whether a
 * person is needed). It is the one place the reports keep an order's state: the status counts,
 * the lead times, the orders in the manual-intervention queue and the consignee of a backorder
 * are read from it.
 *
 * A row is a pure function of the order's state, as the domain's own evolve folds it, and of the
 * moments its events carry (when placed, pushed, shipped, since when a person is needed, when last
 * recorded), which the state does not hold: see ./order-row.ts.
 */
import type { ManualReason, OrderStatus, Priority, TimeRequirement } from '../../domain/outbound-order/index.ts';
import type { TrackLine } from './order-track.ts';
import { table } from './projection.ts';

export type OrderListRow = Readonly<{
  orderNo: string;
  status: OrderStatus;
  warehouseCode: string;
  /** 0 nothing heard from the WMS, 1 picking, 2 packed */
  progress: number;
  statusBeforeCancel: OrderStatus | null;
  outboundNo: string | null;
  lines: readonly TrackLine[];
  manualReason: ManualReason | null;
  manualDetail: string | null;
  /** since when a person is needed (the moment it was asked for) */
  manualSince: string | null;
  /** push attempts over the order's life */
  attempts: number;
  lastError: string | null;
  anomalies: number;
  closedAt: string | null;
  priority: Priority;
  timeRequirement: TimeRequirement;
  backorderOf: string | null;
  /** the consignee's name: to whom the order goes */
  consignee: string;
  placedAt: string;
  placedMs: number;
  placedDay: string;
  /** the WMS took the order (or a person keyed it in) at the warehouse that has it; a reroute starts it again */
  pushedMs: number | null;
  /** when goods of the order first left the warehouse (the warehouse's time) */
  shippedAt: string | null;
  shippedMs: number | null;
  shippedDay: string | null;
  /** `manualSince` as epoch milliseconds, for the manual-intervention queue's order */
  manualSinceMs: number | null;
  ordered: number;
  shipped: number;
  backordered: number;
  cancelled: number;
  /** when the hub recorded the order's latest event, and that event's revision */
  updatedAt: string;
  revision: number;
}>;

export const orderList = table<OrderListRow, 'orderNo'>({
  name: 'order_list',
  columns: {
    orderNo: 'text',
    status: 'text',
    warehouseCode: 'text',
    progress: 'integer',
    statusBeforeCancel: 'text',
    outboundNo: 'text',
    lines: 'json',
    manualReason: 'text',
    manualDetail: 'text',
    manualSince: 'text',
    attempts: 'integer',
    lastError: 'text',
    anomalies: 'integer',
    closedAt: 'text',
    priority: 'text',
    timeRequirement: 'text',
    backorderOf: 'text',
    consignee: 'text',
    placedAt: 'text',
    placedMs: 'integer',
    placedDay: 'text',
    pushedMs: 'integer',
    shippedAt: 'text',
    shippedMs: 'integer',
    shippedDay: 'text',
    manualSinceMs: 'integer',
    ordered: 'integer',
    shipped: 'integer',
    backordered: 'integer',
    cancelled: 'integer',
    updatedAt: 'text',
    revision: 'integer',
  },
  key: ['orderNo'],
  indexes: [
    ['placedMs DESC', 'orderNo'],
    ['status', 'placedMs DESC', 'orderNo'],
    ['warehouseCode', 'placedMs DESC', 'orderNo'],
    ['shippedMs'],
    ['placedDay', 'warehouseCode'],
    ['shippedDay', 'warehouseCode'],
    ['manualSinceMs'],
  ],
});

/** The moments of an order its events carry, and its state does not. */
export type OrderMoments = Pick<
  OrderListRow,
  | 'placedMs'
  | 'placedDay'
  | 'pushedMs'
  | 'shippedAt'
  | 'shippedMs'
  | 'shippedDay'
  | 'manualSince'
  | 'manualSinceMs'
  | 'updatedAt'
  | 'revision'
>;

export type OrderRowInProgress = { -readonly [K in keyof OrderListRow]: OrderListRow[K] };
