/**
 * The order list: one row per outbound order, as operators filter and page through it (status,
 * warehouse, priority, when placed, pushed and shipped, quantities, who it goes to, whether a
 * person is needed). It is the one place the reports keep an order's state: the status counts,
 * the lead times, the orders in the manual-intervention queue and the consignee of a backorder
 * are read from it.
 */
import type { OrderEvent, Priority, TimeRequirement } from '../../domain/outbound-order/index.ts';
import { applyLeadTimeMoments } from './lead-time-moments.ts';
import {
  type OrderTrack,
  type TrackInProgress,
  applyToTrack,
  leavesTrackAlone,
  lineTotals,
  newOrderTrack,
  orderTrackColumns,
} from './order-track.ts';
import { type ProjectionContext, table } from './projection.ts';

export type OrderListRow = OrderTrack &
  Readonly<{
    orderNo: string;
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
    ...orderTrackColumns,
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

export type OrderRowInProgress = { -readonly [K in keyof OrderListRow]: OrderListRow[K] } & TrackInProgress;

/**
 * A copy of a row, every field named in the table's order: rows then share one shape, and a
 * replay that copies a row per event stays on V8's fast paths (a spread over rows of many shapes,
 * or one that adds fields, does not: it once made a replay five times slower).
 */
const copyRow = (r: OrderListRow): OrderRowInProgress => ({
  orderNo: r.orderNo,
  status: r.status,
  warehouseCode: r.warehouseCode,
  progress: r.progress,
  statusBeforeCancel: r.statusBeforeCancel,
  outboundNo: r.outboundNo,
  lines: r.lines,
  manualReason: r.manualReason,
  manualDetail: r.manualDetail,
  manualSince: r.manualSince,
  attempts: r.attempts,
  lastError: r.lastError,
  anomalies: r.anomalies,
  closedAt: r.closedAt,
  priority: r.priority,
  timeRequirement: r.timeRequirement,
  backorderOf: r.backorderOf,
  consignee: r.consignee,
  placedAt: r.placedAt,
  placedMs: r.placedMs,
  placedDay: r.placedDay,
  pushedMs: r.pushedMs,
  shippedAt: r.shippedAt,
  shippedMs: r.shippedMs,
  shippedDay: r.shippedDay,
  manualSinceMs: r.manualSinceMs,
  ordered: r.ordered,
  shipped: r.shipped,
  backordered: r.backordered,
  cancelled: r.cancelled,
  updatedAt: r.updatedAt,
  revision: r.revision,
});

/** The row of an order just placed. */
export const placedRow = (
  event: Extract<OrderEvent, { type: 'OrderPlaced' }>,
  updatedAt: string,
  revision: number,
  { millisOf, dayOf }: ProjectionContext,
): OrderListRow => {
  const d = event.data;
  const track = newOrderTrack(d.warehouseCode, d.items);
  const [ordered, shipped, backordered, cancelled] = lineTotals(track.lines);
  return copyRow({
    orderNo: d.orderNo,
    status: track.status,
    warehouseCode: track.warehouseCode,
    progress: track.progress,
    statusBeforeCancel: track.statusBeforeCancel,
    outboundNo: track.outboundNo,
    lines: track.lines,
    manualReason: track.manualReason,
    manualDetail: track.manualDetail,
    manualSince: track.manualSince,
    attempts: track.attempts,
    lastError: track.lastError,
    anomalies: track.anomalies,
    closedAt: track.closedAt,
    priority: d.priority,
    timeRequirement: d.timeRequirement,
    backorderOf: d.backorderOf ?? null,
    consignee: d.consignee.name,
    placedAt: d.placedAt,
    placedMs: millisOf(d.placedAt),
    placedDay: dayOf(d.placedAt),
    pushedMs: null,
    shippedAt: null,
    shippedMs: null,
    shippedDay: null,
    manualSinceMs: null,
    ordered,
    shipped,
    backordered,
    cancelled,
    updatedAt,
    revision,
  });
};

/** The row after one more event of its order (a new object; the given row is left as it was). */
export const advanceOrderRow = (
  before: OrderListRow,
  event: OrderEvent,
  updatedAt: string,
  revision: number,
  context: ProjectionContext,
): OrderListRow => {
  const after = copyRow(before);
  if (!leavesTrackAlone(event)) applyToTrack(after, event);
  after.updatedAt = updatedAt;
  after.revision = revision;
  if (after.lines !== before.lines) [after.ordered, after.shipped, after.backordered, after.cancelled] = lineTotals(after.lines);
  if (after.manualSince !== before.manualSince)
    after.manualSinceMs = after.manualSince === null ? null : context.millisOf(after.manualSince);
  applyLeadTimeMoments(after, event, context);
  return after;
};
