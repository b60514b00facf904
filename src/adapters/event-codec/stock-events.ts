/** The stock ledger's events (`stock-{warehouseCode}.{sku}` streams). */
import { z } from 'zod';
import type { StockEvent } from '../../domain/stock-ledger/index.ts';
import { code, count, eventOf, instant, positive, text } from './fields.ts';

const onLedger = <T extends z.ZodRawShape>(shape: T) => z.strictObject({ reference: code, warehouseCode: code, sku: code, ...shape });

/** An ISO calendar date as a batch's production or expiry date (the domain checks the calendar). */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be an ISO date such as 2026-03-31');
/**
 * Which batches a movement touched (`batchNo` null: goods without a batch). Optional everywhere:
 * events written before batches were kept have none, and replay as they did (the "no batch" bucket).
 */
const batchQuantity = z.strictObject({ batchNo: code.nullable(), quantity: z.int() });
const batches = z.array(batchQuantity).optional();

export const stockEvent: z.ZodType<StockEvent> = z.discriminatedUnion('type', [
  eventOf(
    'StockReceived',
    onLedger({
      quantity: positive,
      condition: z.enum(['SELLABLE', 'DEFECTIVE']),
      receivedAt: instant,
      batchNo: code.optional(),
      productionDate: isoDate.optional(),
      expiryDate: isoDate.optional(),
    }),
  ),
  eventOf('StockReserved', onLedger({ quantity: positive, reservedAt: instant, batches })),
  eventOf('StockReleased', onLedger({ reservation: code, quantity: positive, releasedAt: instant, batches })),
  eventOf(
    'StockDeducted',
    onLedger({
      reservation: code.nullable(),
      quantity: positive,
      fromReservation: count,
      deductedAt: instant,
      batches: z.array(z.strictObject({ batchNo: code.nullable(), quantity: z.int(), fromReservation: count })).optional(),
    }),
  ),
  eventOf('StockAdjusted', onLedger({ previousOnHand: z.int(), countedOnHand: count, delta: z.int(), countedAt: instant, batches })),
  eventOf(
    'StockVarianceRecorded',
    onLedger({
      source: z.enum(['WMS_SHORTAGE', 'WAREHOUSE_CHANGE', 'RECONCILIATION']),
      condition: z.enum(['SELLABLE', 'DEFECTIVE']),
      hubFigure: z.int(),
      warehouseFigure: z.int(),
      difference: z.int(),
      reason: text,
      batchNo: code.nullable(),
      recordedAt: instant,
      batches,
    }),
  ),
  eventOf(
    'StockAnomalyDetected',
    onLedger({
      kind: z.enum(['NEGATIVE_ON_HAND', 'RESERVED_EXCEEDS_ON_HAND', 'NEGATIVE_DEFECTIVE', 'LARGE_VARIANCE']),
      onHand: z.int(),
      reserved: z.int(),
      detail: text,
      detectedAt: instant,
    }),
  ),
]);
