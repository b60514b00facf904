import { reservationReference } from '../../domain/outbound-order/index.ts';
import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { allOf, releaseReservation } from '../outbound/reserve-stock.ts';
import { eventsOf, reaction } from './reaction.ts';

/**
 * Goods that will not ship from a warehouse go back to its available stock (释放预占库存,
 * docs/architecture.md#shortage-policy): everything on cancel and on reroute (a shipment from the
 * warehouse the order had left moves it back: the round of the warehouse it had moved to), the short
 * part when the WMS reports a shortage and the rest is backordered (or owed back to the original, by a
 * backorder), what an earlier round still holds when a new one starts.
 */
export const releaseStockWhenNotShipping = (deps: Dependencies) =>
  reaction({
    name: 'release-stock-when-not-shipping',
    handles: eventsOf('order', ['OrderCancelled', 'OrderRerouted', 'ReservationRequested', 'BackorderCreated', 'OwedToOriginal']),
    handle: async (event) => {
      const orderNo = event.streamId;
      const cause = causedBy(event, deps.clock.now());
      if (event.type === 'OrderCancelled') {
        const reservation = reservationReference(orderNo, event.data.reservationNo);
        await releaseReservation(deps, event.data.warehouseCode, allOf(event.data.skus), reservation, `${reservation}/cancel`, cause);
      } else if (event.type === 'OrderRerouted') {
        const reservation = reservationReference(orderNo, event.data.previousReservationNo);
        await releaseReservation(deps, event.data.fromWarehouse, allOf(event.data.skus), reservation, `${reservation}/reroute`, cause);
      } else if (event.type === 'ReservationRequested' && event.data.supersedes !== null) {
        // after a reroute the superseded round was released already; after a shortage the warehouse reported, it was not
        const reservation = reservationReference(orderNo, event.data.supersedes.reservationNo);
        const { warehouseCode, skus } = event.data.supersedes;
        await releaseReservation(deps, warehouseCode, allOf(skus), reservation, `${reservation}/superseded`, cause);
      } else if (event.type === 'BackorderCreated' && event.data.heldUnderReservation !== null) {
        const reservation = reservationReference(orderNo, event.data.heldUnderReservation);
        await releaseReservation(
          deps,
          event.data.warehouseCode,
          event.data.lines,
          reservation,
          `${reservation}/${event.data.backorderNo}`,
          cause,
        );
      } else if (event.type === 'OwedToOriginal' && event.data.heldUnderReservation !== null) {
        const reservation = reservationReference(orderNo, event.data.heldUnderReservation);
        const reference = `${reservation}/owed-${event.data.owedNo}`;
        await releaseReservation(deps, event.data.warehouseCode, event.data.lines, reservation, reference, cause);
      }
    },
  });
