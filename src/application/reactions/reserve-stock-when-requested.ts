import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { reserveStock } from '../outbound/reserve-stock.ts';
import { eventsOf, reaction } from './reaction.ts';

/** Order placed, rerouted, partly backordered or retried by hand → reserve that round's lines. */
export const reserveStockWhenRequested = (deps: Dependencies) =>
  reaction({
    name: 'reserve-stock-when-requested',
    handles: eventsOf('order', ['ReservationRequested']),
    handle: async (event) => reserveStock(deps, event.streamId, event.data, causedBy(event, deps.clock.now())),
  });
