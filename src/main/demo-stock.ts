import type { Dependencies } from '../application/dependencies.ts';
import { receiveStock } from '../application/stock/count-stock.ts';

/** The sandbox's opening stock: the article's SKU001 and a few more, in two warehouses. */
export const demoStock: readonly Readonly<{ warehouseCode: string; sku: string; quantity: number }>[] = [
  { warehouseCode: 'WH001', sku: 'SKU001', quantity: 100 },
  { warehouseCode: 'WH001', sku: 'SKU002', quantity: 50 },
  { warehouseCode: 'WH001', sku: 'SKU003', quantity: 5 },
  { warehouseCode: 'WH002', sku: 'SKU001', quantity: 40 },
  { warehouseCode: 'WH002', sku: 'SKU003', quantity: 60 },
  { warehouseCode: 'WH002', sku: 'SKU004', quantity: 25 },
];

/** Receive the demo stock once (idempotent by its reference: a restart adds nothing). */
export const receiveDemoStock = async (deps: Dependencies): Promise<void> => {
  for (const line of demoStock) await receiveStock(deps, { reference: 'demo-stock', ...line, condition: 'SELLABLE' });
};
