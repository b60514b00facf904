/** The stock ledger's events (`stock-{warehouseCode}.{sku}` streams). */
import { z } from 'zod';
import type { StockEvent } from '../../domain/stock-ledger/index.ts';
import { code, count, eventOf, instant, positive, text } from './fields.ts';

const onLedger = <T extends z.ZodRawShape>(shape: T) => z.strictObject({ reference: code, warehouseCode: code, sku: code, ...shape });

export const stockEvent: z.ZodType<StockEvent> = z.discriminatedUnion('type', [
  eventOf('StockReceived', onLedger({ quantity: positive, condition: z.enum(['SELLABLE', 'DEFECTIVE']), receivedAt: instant })),
  eventOf('StockReserved', onLedger({ quantity: positive, reservedAt: instant })),
  eventOf('StockReleased', onLedger({ reservation: code, quantity: positive, releasedAt: instant })),
  eventOf('StockDeducted', onLedger({ reservation: code.nullable(), quantity: positive, fromReservation: count, deductedAt: instant })),
  eventOf('StockAdjusted', onLedger({ previousOnHand: z.int(), countedOnHand: count, delta: z.int(), countedAt: instant })),
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
