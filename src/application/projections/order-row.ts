/**
 * An order's row in the order list, and the order's state: each from the other. No rule of the
 * order's life is written here: the state is folded by the outbound order's own evolve
 * (src/domain/outbound-order/evolve.ts), so a status rule lives in one place.
 *
 *   orderRowOf(state, moments)  the row: a pure function of the domain's state (status, warehouse,
 *                               lines, push attempts, the person needed, …) and of the moments the
 *                               order's events carry, which the state does not hold;
 *   orderStateOf(row)           the state again, as far as the row knows it: what the row does not
 *                               keep is as a new order has it. That is the memory of what was
 *                               already applied (it recognises redeliveries: a projection decides
 *                               nothing), and what no column comes from and the evolve reads for
 *                               none of them (the consignee, of whom the row keeps the name and
 *                               carries it; batch numbers, the shortage policy, the reservation
 *                               round, the retry clock, the pending cancellation's id, the
 *                               backorders counted).
 *
 * So the row is all the projection keeps of an order (no copy of the state beside it, and rows as
 * small as before), and each event costs one restore, one domain evolve, one new row. The property
 * test (test/application/projections/order-row.properties.test.ts) holds the two together: after
 * every step of any order's life, the row is `orderRowOf` of the decider's own state.
 */
import { type OrderState, outboundOrder } from '../../domain/outbound-order/index.ts';
import type { RecordedEvent, RecordedOf } from '../events/recorded-event.ts';
import { applyLeadTimeMoments } from './lead-time-moments.ts';
import type { OrderListRow, OrderMoments, OrderRowInProgress } from './order-list.ts';
import { lineTotals, orderLinesOf, trackLinesOf } from './order-track.ts';
import type { ProjectionContext } from './projection.ts';

const { initialState } = outboundOrder;

/**
 * The row of an order in this state, at these moments: a new object, every field named in the
 * table's order (rows then share one shape, and a replay that makes a row per event stays on V8's
 * fast paths: a spread over rows of many shapes once made a replay five times slower). `lines`:
 * the state's lines as the row keeps them, when the caller has them already.
 */
export const orderRowOf = (state: OrderState, m: OrderMoments, lines = trackLinesOf(state.lines)): OrderRowInProgress => {
  const [ordered, shipped, backordered, cancelled] = lineTotals(state.lines);
  return {
    orderNo: state.orderNo,
    status: state.status,
    warehouseCode: state.warehouseCode,
    progress: state.progress,
    statusBeforeCancel: state.statusBeforeCancel,
    outboundNo: state.outboundNo,
    lines,
    manualReason: state.manual?.reason ?? null,
    manualDetail: state.manual?.detail ?? null,
    manualSince: m.manualSince,
    attempts: state.push.total,
    lastError: state.push.lastError,
    anomalies: state.anomalies,
    closedAt: state.closedAt,
    priority: state.priority,
    timeRequirement: state.timeRequirement,
    backorderOf: state.backorderOf,
    consignee: state.consignee?.name ?? '',
    placedAt: state.placedAt ?? '',
    placedMs: m.placedMs,
    placedDay: m.placedDay,
    pushedMs: m.pushedMs,
    shippedAt: m.shippedAt,
    shippedMs: m.shippedMs,
    shippedDay: m.shippedDay,
    manualSinceMs: m.manualSinceMs,
    ordered,
    shipped,
    backordered,
    cancelled,
    updatedAt: m.updatedAt,
    revision: m.revision,
  };
};

/** The order's state as far as its row knows it (see above). */
export const orderStateOf = (row: OrderListRow): OrderState => ({
  ...initialState,
  status: row.status,
  orderNo: row.orderNo,
  warehouseCode: row.warehouseCode,
  priority: row.priority,
  timeRequirement: row.timeRequirement,
  backorderOf: row.backorderOf,
  lines: orderLinesOf(row.lines),
  outboundNo: row.outboundNo,
  push: { ...initialState.push, total: row.attempts, lastError: row.lastError },
  progress: row.progress,
  manual: row.manualReason === null ? null : { reason: row.manualReason, detail: row.manualDetail ?? '' },
  statusBeforeCancel: row.statusBeforeCancel,
  anomalies: row.anomalies,
  placedAt: row.placedAt,
  closedAt: row.closedAt,
});

/** The row of an order just placed. */
export const placedRow = (event: RecordedOf<'order', 'OrderPlaced'>, { millisOf, dayOf }: ProjectionContext): OrderListRow => {
  const { placedAt } = event.data;
  return orderRowOf(outboundOrder.evolve(initialState, event), {
    placedMs: millisOf(placedAt),
    placedDay: dayOf(placedAt),
    pushedMs: null,
    shippedAt: null,
    shippedMs: null,
    shippedDay: null,
    manualSince: null,
    manualSinceMs: null,
    updatedAt: event.metadata.recordedAt,
    revision: Number(event.revision),
  });
};

/**
 * The row after one more event of its order (a new object; the given row is left as it was): the
 * state restored from the row and folded by the domain, the moments moved by the event. A person
 * is needed since the moment it was asked for, for as long as the state says one is.
 */
export const advanceOrderRow = (before: OrderListRow, event: RecordedEvent<'order'>, context: ProjectionContext): OrderListRow => {
  const restored = orderStateOf(before);
  const state = outboundOrder.evolve(restored, event);
  const after = orderRowOf(state, before, state.lines === restored.lines ? before.lines : undefined);
  after.consignee = before.consignee; // not restored: carried
  if (state.manual === null) after.manualSince = null;
  else if (event.type === 'ManualInterventionRequired') after.manualSince = event.data.at;
  if (after.manualSince !== before.manualSince) {
    after.manualSinceMs = after.manualSince === null ? null : context.millisOf(after.manualSince);
  }
  applyLeadTimeMoments(after, event, context);
  after.updatedAt = event.metadata.recordedAt;
  after.revision = Number(event.revision);
  return after;
};
