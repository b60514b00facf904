import type { OrderEvent } from '../../domain/outbound-order/index.ts';
import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { reserveStock } from '../outbound/reserve-stock.ts';
import { type Reaction, streamId } from './reaction.ts';

/** Order placed, rerouted, partly backordered or retried by hand → reserve that round's lines. */
export const reserveStockWhenRequested = (deps: Dependencies): Reaction => ({
  name: 'reserve-stock-when-requested',
  category: 'order',
  handle: async (stored) => {
    const event = stored as unknown as OrderEvent;
    if (event.type !== 'ReservationRequested') return;
    await reserveStock(deps, streamId(stored.stream), event.data, causedBy(stored, deps.clock.now()));
  },
});
