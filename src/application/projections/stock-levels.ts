/**
 * Stock by warehouse and SKU, as the ledgers count it: on hand (sellable), reserved, defective
 * (kept apart), and the anomalies the ledger recorded. Available is on hand − reserved, worked
 * out when read. Every event is an addition, so the rows are sums the ledgers can be checked by.
 */
import { NOTHING, type Projection, add, table } from './projection.ts';

export type StockLevelRow = Readonly<{
  warehouseCode: string;
  sku: string;
  onHand: number;
  reserved: number;
  defective: number;
  anomalies: number;
}>;

export const stockLevels = table<StockLevelRow, 'warehouseCode' | 'sku'>({
  name: 'stock_levels',
  columns: { warehouseCode: 'text', sku: 'text', onHand: 'integer', reserved: 'integer', defective: 'integer', anomalies: 'integer' },
  key: ['warehouseCode', 'sku'],
  indexes: [['sku']],
});

export const stockLevelsProjection: Projection = {
  name: 'stock-levels',
  version: 2,
  description: 'on hand, reserved, available and defective stock per warehouse and SKU',
  categories: ['stock'],
  tables: [stockLevels],
  evolve: (event) => {
    if (event.category !== 'stock') return NOTHING;
    const key = { warehouseCode: event.data.warehouseCode, sku: event.data.sku };
    switch (event.type) {
      case 'StockReceived':
        return [
          add(
            stockLevels,
            key,
            event.data.condition === 'DEFECTIVE' ? { defective: event.data.quantity } : { onHand: event.data.quantity },
          ),
        ];
      case 'StockReserved':
        return [add(stockLevels, key, { reserved: event.data.quantity })];
      case 'StockReleased':
        return [add(stockLevels, key, { reserved: -event.data.quantity })];
      case 'StockDeducted':
        return [add(stockLevels, key, { onHand: -event.data.quantity, reserved: -event.data.fromReservation })];
      case 'StockAdjusted':
        return [add(stockLevels, key, { onHand: event.data.delta })];
      case 'StockVarianceRecorded':
        return [
          add(
            stockLevels,
            key,
            event.data.condition === 'DEFECTIVE' ? { defective: event.data.difference } : { onHand: event.data.difference },
          ),
        ];
      case 'StockAnomalyDetected':
        return [add(stockLevels, key, { anomalies: 1 })];
      default:
        return NOTHING;
    }
  },
};
