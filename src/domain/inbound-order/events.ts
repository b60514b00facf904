import type { Message } from '../kernel/decider.ts';
import type { Instant } from '../kernel/instant.ts';
import type { Line } from '../kernel/lines.ts';
import type { PushFailedData, PushRetryScheduledData, PushStartedData } from '../kernel/push-attempts.ts';
import type { InboundKind } from './commands.ts';

export type InboundCreatedData = Readonly<{
  inboundNo: string;
  kind: InboundKind;
  warehouseCode: string;
  supplier: string | null;
  poNumber: string | null;
  returnNo: string | null;
  lines: readonly Line[];
  expectedAt: Instant | null;
  createdAt: Instant;
}>;

export type InboundCreated = Message<'InboundCreated', InboundCreatedData>;

// Push outcomes: the same events, with the same data, as the outbound order's.
/** The push attempt claimed before the call; `target` is the warehouse called. */
export type PushStarted = Message<'PushStarted', PushStartedData>;
export type PushSucceeded = Message<'PushSucceeded', Readonly<{ attempt: number; wmsInboundNo: string; pushedAt: Instant }>>;
export type PushFailed = Message<'PushFailed', PushFailedData>;
export type PushRetryScheduled = Message<'PushRetryScheduled', PushRetryScheduledData>;
export type ManualInterventionRequired = Message<
  'ManualInterventionRequired',
  Readonly<{ reason: 'PUSH_ATTEMPTS_EXHAUSTED' | 'PUSH_REJECTED'; detail: string; at: Instant }>
>;
/** A person started a fresh round; `attempt` is the number the next push will carry. */
export type PushRetryRequested = Message<
  'PushRetryRequested',
  Readonly<{ requestId: string; requestedBy: string; attempt: number; requestedAt: Instant }>
>;

/**
 * Where goods counted in go: the inbound's warehouse and kind, carried by each receipt so that
 * its consumers need not read the inbound again (older receipts are completed on read).
 */
export type ReceiptContext = Readonly<{ warehouseCode: string; kind: InboundKind }>;

export type InboundReceived = Message<
  'InboundReceived',
  Readonly<{ receiptNo: string; lines: readonly Line[]; receivedAt: Instant; recordedAt: Instant; destination: ReceiptContext }>
>;

/** One per SKU whose received total differs from the expected one; `received − expected` is the difference. */
export type DiscrepancyRecorded = Message<
  'DiscrepancyRecorded',
  Readonly<{ receiptNo: string; sku: string; kind: 'SHORT' | 'OVER' | 'UNKNOWN_SKU'; expected: number; received: number }>
>;

/** A second receipt arrived after the inbound was closed by the first: recorded, for a person to look at. */
export type AnomalyDetected = Message<
  'AnomalyDetected',
  Readonly<{
    kind: 'RECEIPT_AFTER_CLOSE';
    receiptNo: string;
    lines: readonly Line[];
    receivedAt: Instant;
    detectedAt: Instant;
    /** where the goods went, as in InboundReceived */
    destination: ReceiptContext;
  }>
>;

export type InboundEvent =
  | InboundCreated
  | PushStarted
  | PushSucceeded
  | PushFailed
  | PushRetryScheduled
  | ManualInterventionRequired
  | PushRetryRequested
  | InboundReceived
  | DiscrepancyRecorded
  | AnomalyDetected;
