import { stockArrival } from '../backorders/stock-arrival.ts';
import type { WaitingBackorders } from '../backorders/waiting-backorders.ts';
import { eventsOf, reaction } from './reaction.ts';

/** Stock arrived (received, released, counted up, found by a reconciliation) → place the backorders it now covers. */
export const placeBackordersWhenStockArrives = (backorders: WaitingBackorders) =>
  reaction({
    name: 'place-backorders-when-stock-arrives',
    handles: eventsOf('stock', ['StockReceived', 'StockReleased', 'StockAdjusted', 'StockVarianceRecorded']),
    handle: async (event) => {
      const arrival = stockArrival(event);
      if (arrival !== null) await backorders.stockArrived(arrival);
    },
  });
