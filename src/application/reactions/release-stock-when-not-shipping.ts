import { orderStreamName, outboundOrder, reservationReference } from '../../domain/outbound-order/index.ts';
import type { OrderEvent } from '../../domain/outbound-order/index.ts';
import { causedBy } from '../commands/cause.ts';
import { loadState } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';
import { releaseReservation } from '../outbound/reserve-stock.ts';
import { type Reaction, streamId } from './reaction.ts';

/**
 * Goods that will not ship from a warehouse go back to its available stock (article §5.1,
 * 释放预占库存): everything on cancel and on reroute, the short part when the WMS reports a
 * shortage and the rest is backordered, what an earlier round still holds when a new one starts.
 */
export const releaseStockWhenNotShipping = (deps: Dependencies): Reaction => ({
  name: 'release-stock-when-not-shipping',
  category: 'order',
  handle: async (stored) => {
    const event = stored as unknown as OrderEvent;
    const orderNo = streamId(stored.stream);
    const cause = causedBy(stored, deps.clock.now());
    const skus = async () =>
      (await loadState(deps, outboundOrder, orderStreamName(orderNo))).lines.map((l) => ({ sku: l.sku, quantity: l.ordered }));
    if (event.type === 'OrderCancelled') {
      const reservation = reservationReference(orderNo, event.data.reservationNo);
      await releaseReservation(deps, event.data.warehouseCode, await skus(), reservation, `${reservation}/cancel`, cause);
    } else if (event.type === 'OrderRerouted') {
      const reservation = reservationReference(orderNo, event.data.previousReservationNo);
      await releaseReservation(deps, event.data.fromWarehouse, await skus(), reservation, `${reservation}/reroute`, cause);
    } else if (event.type === 'ReservationRequested' && event.data.supersedes !== null) {
      // after a reroute the superseded round was released already; after a shortage the warehouse reported, it was not
      const reservation = reservationReference(orderNo, event.data.supersedes.reservationNo);
      await releaseReservation(deps, event.data.supersedes.warehouseCode, await skus(), reservation, `${reservation}/superseded`, cause);
    } else if (event.type === 'BackorderCreated' && event.data.heldUnderReservation !== null) {
      const reservation = reservationReference(orderNo, event.data.heldUnderReservation);
      await releaseReservation(
        deps,
        event.data.warehouseCode,
        event.data.lines,
        reservation,
        `${reservation}/${event.data.backorderNo}`,
        cause,
        'AS_GIVEN',
      );
    }
  },
});
