import type { Position } from '../ports/event-store.ts';
import type { HubEvent } from '../events/recorded-event.ts';

/** Stock that may now cover a waiting backorder, and whether it arrived on the shelves (not given back by a reservation). */
export type StockArrival = Readonly<{ warehouseCode: string; sku: string; position: Position; replenished: boolean }>;

/**
 * What a stock event means for the backorders (docs/architecture.md#backorders): sellable goods
 * received (a purchase, a return put back) or found (a count up, a reconciliation's variance up)
 * replenish the shelves; a released reservation makes stock available without replenishing
 * anything; the rest brings nothing.
 */
export const stockArrival = (event: HubEvent): StockArrival | null => {
  if (event.category !== 'stock') return null;
  const replenished =
    (event.type === 'StockReceived' && event.data.condition === 'SELLABLE') ||
    (event.type === 'StockAdjusted' && event.data.delta > 0) ||
    (event.type === 'StockVarianceRecorded' && event.data.condition === 'SELLABLE' && event.data.difference > 0);
  if (!replenished && event.type !== 'StockReleased') return null;
  return { warehouseCode: event.data.warehouseCode, sku: event.data.sku, position: event.position, replenished };
};
