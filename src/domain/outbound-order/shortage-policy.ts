/** What an order does when it is short of stock (docs/architecture.md#shortage-policy). */
import { type Line, totalsBySku } from '../kernel/lines.ts';
import type { OrderEvent } from './events.ts';
import { reservationRound, rerouted } from './reservation-rounds.ts';
import { backorderNo, openLines, type OrderState } from './state.ts';
import { orderCancelled } from './order-cancelled.ts';

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
    const backorder: OrderEvent = {
      type: 'BackorderCreated',
      data: {
        backorderNo: backorderNo(state.orderNo, state.backorders + 1),
        warehouseCode: state.warehouseCode,
        lines: short,
        heldUnderReservation: source === 'WMS' ? state.reservationNo : null,
        createdAt: now,
      },
    };
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
