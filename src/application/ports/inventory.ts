import type { Line } from '../../domain/kernel/lines.ts';

/**
 * One batch's figures within a level (`batchNo` null: the goods without a batch), with the dates
 * the warehouse gave on receipt (null: not given). `available` is on hand − reserved, expired or not.
 */
export type BatchLevel = Readonly<{
  batchNo: string | null;
  productionDate: string | null;
  expiryDate: string | null;
  onHand: number;
  reserved: number;
  available: number;
  defective: number;
}>;

export type StockLevel = Readonly<{
  warehouseCode: string;
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  defective: number;
  /** per batch, first expiry first; present only once the ledger has met a batch (their sums are the figures above) */
  batches?: readonly BatchLevel[];
}>;

/** Stock as the ledgers hold it, across the warehouses the hub knows. */
export interface Inventory {
  level(warehouseCode: string, sku: string): Promise<StockLevel>;
  levels(filter?: Readonly<{ warehouseCode?: string; sku?: string }>): Promise<readonly StockLevel[]>;
  /** A warehouse other than those excluded whose available stock covers every line, or null. */
  warehouseCovering(lines: readonly Line[], excluding: readonly string[]): Promise<string | null>;
}
