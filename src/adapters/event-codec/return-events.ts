/** The return order's events (`return-{returnNo}` streams). */
import { z } from 'zod';
import type { ReturnEvent } from '../../domain/return-order/index.ts';
import { code, count, eventOf, instant, positive, text } from './fields.ts';

/** `batchNo` since returns keep their batch; older inspections have none */
const inspectionLine = z.strictObject({ sku: code, qualified: count, defective: count, batchNo: code.optional() });

const returnInspected = z.strictObject({ inspectionNo: code, lines: z.array(inspectionLine), inspectedAt: instant, recordedAt: instant });

export const returnEvent: z.ZodType<ReturnEvent> = z.discriminatedUnion('type', [
  eventOf(
    'ReturnCreated',
    z.strictObject({
      returnNo: code,
      orderNo: code,
      warehouseCode: code,
      reason: text,
      lines: z.array(z.strictObject({ sku: code, quantity: positive })).min(1),
      shipped: z.record(z.string(), count),
      alreadyReturned: z.record(z.string(), count),
      createdAt: instant,
    }),
  ),
  eventOf('ReturnInspected', returnInspected.extend({ warehouseCode: code })),
  eventOf(
    'AnomalyDetected',
    z.union([
      z.strictObject({
        kind: z.enum(['SHORT', 'OVER', 'UNKNOWN_SKU']),
        inspectionNo: code,
        sku: code,
        expected: count,
        received: count,
        detectedAt: instant,
      }),
      z.strictObject({
        kind: z.literal('SECOND_INSPECTION'),
        inspectionNo: code,
        lines: z.array(inspectionLine),
        inspectedAt: instant,
        detectedAt: instant,
      }),
    ]),
  ),
  eventOf('ReturnClosed', z.strictObject({ requestId: code, closedBy: text, closedAt: instant })),
]);

/** Inspections written before they carried the return's warehouse: completed from the return before them. */
export const legacyReturnEvent = z.discriminatedUnion('type', [eventOf('ReturnInspected', returnInspected)]);
