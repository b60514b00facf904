/** What an order does when it is short of stock (docs/architecture.md#shortage-policy). */
import { type Line, totalsBySku } from '../kernel/lines.ts';
import type { OrderEvent } from './events.ts';
import { reservationRound, rerouted } from './reservation-rounds.ts';
import { backorderNo, openLines, type OrderState } from './state.ts';
import { orderCancelled } from './order-cancelled.ts';

/**
 * The warehouse whose WMS reported a backorder's quantities short, or null when the hub's own
 * reservation was short: a warehouse's report leaves them held under the order's round, to be
 * released; a short reservation held nothing.
 */
export const reportedShortBy = (backorder: Readonly<{ warehouseCode: string; heldUnderReservation: number | null }>): string | null =>
  backorder.heldUnderReservation === null ? null : backorder.warehouseCode;

/**
 * The short quantities owed to the customer: an original order numbers its backorder itself; a
 * backorder owes them back to its original, which numbers the next one (docs/architecture.md#backorders).
 */
const owed = (state: OrderState, short: readonly Line[], source: 'RESERVATION' | 'WMS', now: string): OrderEvent => {
  const held = { warehouseCode: state.warehouseCode, heldUnderReservation: source === 'WMS' ? state.reservationNo : null };
  const shortAt = { ...held, lines: short, reportedShortBy: reportedShortBy(held), createdAt: now };
  return state.backorderOf === null
    ? { type: 'BackorderCreated', data: { backorderNo: backorderNo(state.orderNo, state.backorders + 1), ...shortAt } }
    : { type: 'OwedToOriginal', data: { originalOrderNo: state.backorderOf, owedNo: state.backorders + 1, ...shortAt } };
};

/** docs/architecture.md#shortage-policy: partial ship + backorder, else cancel + release, else reroute, else a person. */
export const applyShortagePolicy = (
  state: OrderState,
  short: readonly Line[],
  source: 'RESERVATION' | 'WMS',
  alternativeWarehouse: string | null,
  now: string,
): OrderEvent[] => {
  const detail = `short of ${short.map((line) => `${line.sku}×${line.quantity}`).join(', ')} at ${state.warehouseCode}`;
  if (state.policy.allowPartialShip) {
    const shortBySku = totalsBySku(short);
    const remaining = openLines(state)
      .map((line) => ({ sku: line.sku, quantity: line.quantity - (shortBySku.get(line.sku) ?? 0) }))
      .filter((line) => line.quantity > 0);
    const backorder = owed(state, short, source, now);
    return source === 'RESERVATION' && remaining.length > 0
      ? [backorder, reservationRound(state, state.warehouseCode, remaining)]
      : [backorder];
  }
  if (state.policy.allowCancel) {
    return [orderCancelled(state, null, `OUT_OF_STOCK: ${detail}`, now)];
  }
  const nothingShipped = state.lines.every((line) => line.shipped === 0);
  if (alternativeWarehouse !== null && alternativeWarehouse !== state.warehouseCode && nothingShipped) {
    return rerouted(state, alternativeWarehouse, `OUT_OF_STOCK: ${detail}`, now, null);
  }
  return [{ type: 'ManualInterventionRequired', data: { reason: 'OUT_OF_STOCK', detail, at: now } }];
};
