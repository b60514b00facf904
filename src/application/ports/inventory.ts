import type { Line } from '../../domain/kernel/lines.ts';

export type StockLevel = Readonly<{
  warehouseCode: string;
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  defective: number;
}>;

/** Stock as the ledgers hold it, across the warehouses the hub knows. */
export interface Inventory {
  level(warehouseCode: string, sku: string): Promise<StockLevel>;
  levels(filter?: Readonly<{ warehouseCode?: string; sku?: string }>): Promise<readonly StockLevel[]>;
  /** A warehouse other than those excluded whose available stock covers every line, or null. */
  warehouseCovering(lines: readonly Line[], excluding: readonly string[]): Promise<string | null>;
}
