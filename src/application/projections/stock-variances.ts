/**
 * Stock variances per warehouse, SKU and condition (on hand, defective): where the warehouse's
 * shelves and the hub's ledger last disagreed, and by how much, whoever said so (a shortage the
 * warehouse reported, a change it made, a reconciliation); with how many variances there were and
 * what they came to in all. `oms variance` folds the same rows from the events (`varianceRowOf`).
 */
import type { RecordedOf } from '../events/recorded-event.ts';
import { NOTHING, type Projection, put, table } from './projection.ts';

export type StockVarianceRow = Readonly<{
  warehouseCode: string;
  sku: string;
  /** SELLABLE (on hand) or DEFECTIVE */
  condition: string;
  /** the latest variance: the hub's figure, the warehouse's, warehouse − hub */
  hubFigure: number;
  warehouseFigure: number;
  difference: number;
  /** WMS_SHORTAGE, WAREHOUSE_CHANGE or RECONCILIATION */
  source: string;
  reason: string;
  reference: string;
  recordedAt: string;
  /** every variance of this figure: how many, and their differences summed */
  variances: number;
  netDifference: number;
}>;

export const stockVariances = table<StockVarianceRow, 'warehouseCode' | 'sku' | 'condition'>({
  name: 'stock_variances',
  columns: {
    warehouseCode: 'text',
    sku: 'text',
    condition: 'text',
    hubFigure: 'integer',
    warehouseFigure: 'integer',
    difference: 'integer',
    source: 'text',
    reason: 'text',
    reference: 'text',
    recordedAt: 'text',
    variances: 'integer',
    netDifference: 'integer',
  },
  key: ['warehouseCode', 'sku', 'condition'],
});

/** The row after one more variance of its figure (the first: `previous` undefined). */
export const varianceRowOf = (
  previous: StockVarianceRow | undefined,
  event: RecordedOf<'stock', 'StockVarianceRecorded'>,
): StockVarianceRow => {
  const { warehouseCode, sku, condition, hubFigure, warehouseFigure, difference, source, reason, reference, recordedAt } = event.data;
  return {
    warehouseCode,
    sku,
    condition,
    hubFigure,
    warehouseFigure,
    difference,
    source,
    reason,
    reference,
    recordedAt,
    variances: (previous?.variances ?? 0) + 1,
    netDifference: (previous?.netDifference ?? 0) + difference,
  };
};

export const stockVariancesProjection: Projection = {
  name: 'stock-variances',
  version: 1,
  description: "the latest variance between the hub's ledger and the warehouse's shelves per warehouse, SKU and condition",
  categories: ['stock'],
  tables: [stockVariances],
  evolve: (event, read) => {
    if (event.category !== 'stock' || event.type !== 'StockVarianceRecorded') return NOTHING;
    const { warehouseCode, sku, condition } = event.data;
    return [put(stockVariances, varianceRowOf(read(stockVariances, { warehouseCode, sku, condition }), event))];
  },
};
