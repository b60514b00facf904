import type { Message } from '../kernel/decider.ts';
import type { PushStart } from '../kernel/push-attempts.ts';
import type { Instant } from '../kernel/instant.ts';
import type { Line } from '../kernel/lines.ts';
import type { RetryPolicy } from '../kernel/retry-policy.ts';
import type { Consignee } from '../outbound-order/commands.ts';

/** A shipment to hand to transport (TMS), as the WMS confirmed it. */
export type ShipmentForTransport = Readonly<{
  waybillNo: string;
  orderNo: string;
  carrier: string;
  consignee: Consignee;
  items: readonly Line[];
  shippedAt: Instant;
}>;

export type RegisterShipment = Message<'RegisterShipment', ShipmentForTransport & { now: Instant }>;
export type RecordHandOffSucceeded = Message<'RecordHandOffSucceeded', { attempt: number; transportRef: string; now: Instant }>;
export type RecordHandOffFailed = Message<
  'RecordHandOffFailed',
  {
    attempt: number;
    error: string;
    retryable: boolean;
    retryAfterMs?: number | undefined;
    /** a fraction in [0, 1) the application drew for this failure's retry (full jitter); absent: none */
    jitter?: number | undefined;
    policy: RetryPolicy;
    now: Instant;
  }
>;
export type RetryHandOff = Message<'RetryHandOff', { requestId: string; requestedBy: string; now: Instant }>;

/** Claim hand-off attempt N before calling the TMS (../kernel/push-attempts.ts `PushClaim`): decided only while the hand-off is due. */
export type StartHandOff = Message<'StartHandOff', PushStart>;

export type HandOffCommand = RegisterShipment | StartHandOff | RecordHandOffSucceeded | RecordHandOffFailed | RetryHandOff;
