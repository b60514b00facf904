/** The inbound order's events (`inbound-{inboundNo}` streams). */
import { z } from 'zod';
import type { InboundEvent } from '../../domain/inbound-order/index.ts';
import {
  attempt,
  code,
  count,
  eventOf,
  instant,
  lines,
  manualReason,
  pushFailed,
  pushRetryScheduled,
  pushStarted,
  receivedLine,
  text,
} from './fields.ts';

const inboundReceived = z.strictObject({ receiptNo: code, lines: z.array(receivedLine), receivedAt: instant, recordedAt: instant });
const receiptAfterClose = z.strictObject({
  kind: z.literal('RECEIPT_AFTER_CLOSE'),
  receiptNo: code,
  lines: z.array(receivedLine),
  receivedAt: instant,
  detectedAt: instant,
});
const destination = z.strictObject({ warehouseCode: code, kind: z.enum(['PURCHASE', 'RETURN']) });

export const inboundEvent: z.ZodType<InboundEvent> = z.discriminatedUnion('type', [
  eventOf(
    'InboundCreated',
    z.strictObject({
      inboundNo: code,
      kind: z.enum(['PURCHASE', 'RETURN']),
      warehouseCode: code,
      supplier: text.nullable(),
      poNumber: text.nullable(),
      returnNo: text.nullable(),
      lines: lines.min(1),
      expectedAt: instant.nullable(),
      createdAt: instant,
    }),
  ),
  eventOf('PushStarted', pushStarted),
  eventOf('PushSucceeded', z.strictObject({ attempt, wmsInboundNo: code, pushedAt: instant })),
  eventOf('PushFailed', pushFailed),
  eventOf('PushRetryScheduled', pushRetryScheduled),
  eventOf('ManualInterventionRequired', z.strictObject({ reason: manualReason, detail: text, at: instant })),
  eventOf('PushRetryRequested', z.strictObject({ requestId: code, requestedBy: text, attempt, requestedAt: instant })),
  eventOf('InboundReceived', inboundReceived.extend({ destination })),
  eventOf(
    'DiscrepancyRecorded',
    z.strictObject({ receiptNo: code, sku: code, kind: z.enum(['SHORT', 'OVER', 'UNKNOWN_SKU']), expected: count, received: count }),
  ),
  eventOf('AnomalyDetected', receiptAfterClose.extend({ destination })),
]);

/** Receipts written before they carried their destination: completed from the inbound before them. */
export const legacyInboundEvent = z.discriminatedUnion('type', [
  eventOf('InboundReceived', inboundReceived),
  eventOf('AnomalyDetected', receiptAfterClose),
]);
