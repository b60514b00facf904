import type { Message } from '../kernel/decider.ts';
import type { Instant } from '../kernel/instant.ts';
import type { Line } from '../kernel/lines.ts';
import type { PushStart } from '../kernel/push-attempts.ts';
import type { RetryPolicy } from '../kernel/retry-policy.ts';

export type Priority = 'HIGH' | 'NORMAL' | 'LOW';
export const priorities: readonly Priority[] = ['HIGH', 'NORMAL', 'LOW'];
export type TimeRequirement = 'STANDARD' | 'EXPRESS';
export const timeRequirements: readonly TimeRequirement[] = ['STANDARD', 'EXPRESS'];

export type Consignee = Readonly<{
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  address: string;
}>;

/** What to do when stock is short (docs/architecture.md#shortage-policy), in the article's order of preference. */
export type ShortagePolicy = Readonly<{ allowPartialShip: boolean; allowCancel: boolean }>;

export type WmsStage = 'PICKING' | 'PACKED';

export type Placement = Readonly<{
  orderNo: string;
  warehouseCode: string;
  priority: Priority;
  timeRequirement: TimeRequirement;
  items: readonly Line[];
  consignee: Consignee;
  policy: ShortagePolicy;
  /** set when this order is the backorder of another */
  backorderOf?: string | undefined;
}>;

/** A SKU the stock ledger could not reserve in full. */
export type ReservationShortfall = Readonly<{ sku: string; requested: number; available: number }>;

// Requests: a person or a system asks; they can be refused. Operator requests carry a requestId
// (the HTTP Idempotency-Key), so the same request delivered twice is recognised.
export type PlaceOrder = Message<'PlaceOrder', Placement & { now: Instant }>;
export type CancelOrder = Message<'CancelOrder', { requestId: string; reason: string; requestedBy: string; now: Instant }>;
export type RetryNow = Message<'RetryNow', { requestId: string; requestedBy: string; now: Instant }>;
export type RerouteOrder = Message<
  'RerouteOrder',
  { requestId: string; warehouseCode: string; reason: string; requestedBy: string; now: Instant }
>;
export type ResolveManually = Message<
  'ResolveManually',
  { requestId: string; outboundNo: string; note: string; resolvedBy: string; now: Instant }
>;

/**
 * The id a warehouse gave its message (`messageId`, Qimen's `outBizCode`), when it gave one: the
 * same id twice is applied once, and with other content recorded as an anomaly, not applied.
 */
type WarehouseMessageId = Readonly<{ messageId?: string | undefined }>;

// Facts: outcomes of our own calls and reports from the WMS. Recorded, never refused
// (unless the order does not exist); contradictions become anomalies.
export type RecordStockReserved = Message<'RecordStockReserved', { reservationNo: number; now: Instant }>;
export type RecordStockShort = Message<
  'RecordStockShort',
  {
    reservationNo: number;
    shortfalls: readonly ReservationShortfall[];
    /** a warehouse whose stock covers the open lines, found by the application; null if none */
    alternativeWarehouse: string | null;
    now: Instant;
  }
>;
/** Claim push attempt N before calling the WMS (../kernel/push-attempts.ts `PushClaim`): decided only while the push is due. */
export type StartPush = Message<'StartPush', PushStart>;
export type RecordPushSucceeded = Message<
  'RecordPushSucceeded',
  { attempt: number; warehouseCode: string; outboundNo: string; now: Instant }
>;
export type RecordPushFailed = Message<
  'RecordPushFailed',
  {
    attempt: number;
    warehouseCode: string;
    error: string;
    retryable: boolean;
    retryAfterMs?: number | undefined;
    /** a fraction in [0, 1) the application drew for this failure's retry (full jitter); absent: none */
    jitter?: number | undefined;
    policy: RetryPolicy;
    now: Instant;
  }
>;
export type RecordWmsProgress = Message<
  'RecordWmsProgress',
  { warehouseCode: string; stage: WmsStage; at: Instant; now: Instant } & WarehouseMessageId
>;
export type RecordWmsShortage = Message<
  'RecordWmsShortage',
  {
    warehouseCode: string;
    /** quantities the warehouse cannot ship */
    lines: readonly Line[];
    alternativeWarehouse: string | null;
    now: Instant;
  } & WarehouseMessageId
>;
export type RecordShipment = Message<
  'RecordShipment',
  {
    outboundNo: string;
    waybillNo: string;
    carrier: string;
    items: readonly Line[];
    shippedAt: Instant;
    /**
     * the warehouse's last shipment of the order (Qimen's confirmType 0): what is still open is
     * closed short by the order's shortage policy. Absent or false: more may follow.
     */
    final?: boolean | undefined;
    now: Instant;
  } & WarehouseMessageId
>;
/**
 * A cancel to send to a warehouse (docs/architecture.md#claimed-calls): the intercept a
 * cancellation asks for (`id`: its request), or telling a warehouse to drop an order it may hold
 * (`id`: the withdrawal's own, given by the application; the event that called for it).
 */
export type CancelCall =
  | Readonly<{ kind: 'INTERCEPT'; id: string }>
  | Readonly<{ kind: 'WITHDRAW'; id: string; warehouseCode: string; outboundNo: string | null; reason: string }>;
/** Claim a cancel call before making it (cancel-calls.ts): decided only while the call is due and no claim on it stands. */
export type StartCancelCall = Message<'StartCancelCall', { call: CancelCall; claimMs: number; now: Instant }>;
/** The warehouse's answer to a withdrawal (`withdrawn`: it dropped the order), or that it could not be reached. */
export type RecordWithdrawalOutcome = Message<
  'RecordWithdrawalOutcome',
  { withdrawalId: string; withdrawn: boolean; detail: string; now: Instant }
>;
export type RecordInterceptOutcome = Message<
  'RecordInterceptOutcome',
  { cancelRequestId: string; intercepted: boolean; detail: string; now: Instant }
>;

// The original order keeps the book of its family's backorders (docs/architecture.md#backorders).
/** A backorder of this order could not ship these quantities (its `OwedToOriginal`): owe them under the next number. */
export type CarryOverBackorder = Message<
  'CarryOverBackorder',
  {
    fromOrderNo: string;
    owedNo: number;
    warehouseCode: string;
    lines: readonly Line[];
    reportedShortBy: string | null;
    now: Instant;
  }
>;
/** Do not place this backorder: the original was cancelled, or a person says so. */
export type CancelBackorder = Message<
  'CancelBackorder',
  { requestId: string; backorderNo: string; reason: string; requestedBy: string; now: Instant }
>;

export type OrderCommand =
  | PlaceOrder
  | CancelOrder
  | RetryNow
  | RerouteOrder
  | ResolveManually
  | RecordStockReserved
  | RecordStockShort
  | StartPush
  | RecordPushSucceeded
  | RecordPushFailed
  | RecordWmsProgress
  | RecordWmsShortage
  | RecordShipment
  | RecordInterceptOutcome
  | StartCancelCall
  | RecordWithdrawalOutcome
  | CarryOverBackorder
  | CancelBackorder;
