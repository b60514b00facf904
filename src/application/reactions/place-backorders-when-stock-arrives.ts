import type { WaitingBackorders } from '../backorders/waiting-backorders.ts';
import { eventsOf, reaction } from './reaction.ts';

/** Stock arrived (received, released, counted up) → place the backorders it now covers. */
export const placeBackordersWhenStockArrives = (backorders: WaitingBackorders) =>
  reaction({
    name: 'place-backorders-when-stock-arrives',
    handles: eventsOf('stock', ['StockReceived', 'StockReleased', 'StockAdjusted']),
    handle: async (event) => {
      const arrived =
        (event.type === 'StockReceived' && event.data.condition === 'SELLABLE') ||
        event.type === 'StockReleased' ||
        (event.type === 'StockAdjusted' && event.data.delta > 0);
      if (arrived) await backorders.placeCovered({ warehouseCode: event.data.warehouseCode, sku: event.data.sku });
    },
  });
