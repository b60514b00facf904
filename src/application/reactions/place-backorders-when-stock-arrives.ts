import type { StockEvent } from '../../domain/stock-ledger/index.ts';
import type { WaitingBackorders } from '../backorders/waiting-backorders.ts';
import type { Reaction } from './reaction.ts';

/** Stock arrived (received, released, counted up) → place the backorders it now covers. */
export const placeBackordersWhenStockArrives = (backorders: WaitingBackorders): Reaction => ({
  name: 'place-backorders-when-stock-arrives',
  category: 'stock',
  handle: async (stored) => {
    const event = stored as unknown as StockEvent;
    const arrived =
      (event.type === 'StockReceived' && event.data.condition === 'SELLABLE') ||
      event.type === 'StockReleased' ||
      (event.type === 'StockAdjusted' && event.data.delta > 0);
    if (arrived) await backorders.placeCovered({ warehouseCode: event.data.warehouseCode, sku: event.data.sku });
  },
});
