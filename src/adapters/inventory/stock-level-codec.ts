/** A stock level as the kept inventory view writes it and reads it back (../projections/sqlite-kept-read-models.ts). */
import { z } from 'zod';
import type { RowCodec } from '../../application/ports/kept-read-model.ts';
import type { BatchLevel, StockLevel } from '../../application/ports/inventory.ts';

const batchLevel: z.ZodType<BatchLevel> = z.strictObject({
  batchNo: z.string().nullable(),
  productionDate: z.string().nullable(),
  expiryDate: z.string().nullable(),
  onHand: z.number(),
  reserved: z.number(),
  available: z.number(),
  defective: z.number(),
});

const stockLevel: z.ZodType<StockLevel> = z.strictObject({
  warehouseCode: z.string(),
  sku: z.string(),
  onHand: z.number(),
  reserved: z.number(),
  available: z.number(),
  defective: z.number(),
  batches: z.array(batchLevel).optional(),
});

export const stockLevelCodec: RowCodec<StockLevel> = {
  version: 1,
  encode: (level) => JSON.stringify(level),
  decode: (json) => stockLevel.parse(JSON.parse(json)),
};
