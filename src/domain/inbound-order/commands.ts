import type { Message } from '../kernel/decider.ts';
import type { PushStart } from '../kernel/push-attempts.ts';
import type { Instant } from '../kernel/instant.ts';
import type { Line } from '../kernel/lines.ts';
import type { RetryPolicy } from '../kernel/retry-policy.ts';

export type InboundKind = 'PURCHASE' | 'RETURN';

/** Ask for goods to be received: a purchase (supplier, poNumber) or a customer return (returnNo). A request. */
export type CreateInbound = Message<
  'CreateInbound',
  Readonly<{
    inboundNo: string;
    kind: InboundKind;
    warehouseCode: string;
    supplier?: string | undefined;
    poNumber?: string | undefined;
    returnNo?: string | undefined;
    lines: readonly Line[];
    expectedAt?: Instant | undefined;
    now: Instant;
  }>
>;

/** The WMS took the inbound order (attempt numbers count over the whole life). A fact. */
export type RecordInboundPushSucceeded = Message<
  'RecordInboundPushSucceeded',
  Readonly<{ inboundNo: string; attempt: number; wmsInboundNo: string; now: Instant }>
>;

/** The WMS did not take it; `policy` decides whether and when to try again. A fact. */
export type RecordInboundPushFailed = Message<
  'RecordInboundPushFailed',
  Readonly<{
    inboundNo: string;
    attempt: number;
    error: string;
    retryable: boolean;
    retryAfterMs?: number | undefined;
    /** a fraction in [0, 1) the application drew for this failure's retry (full jitter); absent: none */
    jitter?: number | undefined;
    now: Instant;
    policy: RetryPolicy;
  }>
>;

/** A person asks for a fresh round of push attempts. A request. */
export type RetryInboundPush = Message<
  'RetryInboundPush',
  Readonly<{ inboundNo: string; requestId: string; requestedBy: string; now: Instant }>
>;

/** The WMS received goods (the actual lines). A fact. */
export type RecordReceipt = Message<
  'RecordReceipt',
  Readonly<{ inboundNo: string; receiptNo: string; lines: readonly Line[]; receivedAt: Instant; now: Instant }>
>;

/** Claim push attempt N before calling the WMS (../kernel/push-attempts.ts `PushClaim`): decided only while the push is due. */
export type StartInboundPush = Message<'StartInboundPush', PushStart & Readonly<{ inboundNo: string }>>;

export type InboundCommand =
  CreateInbound | StartInboundPush | RecordInboundPushSucceeded | RecordInboundPushFailed | RetryInboundPush | RecordReceipt;
