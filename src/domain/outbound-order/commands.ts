import type { Message } from '../kernel/decider.ts';
import type { Instant } from '../kernel/instant.ts';
import type { Line } from '../kernel/lines.ts';
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
    policy: RetryPolicy;
    now: Instant;
  }
>;
export type RecordWmsProgress = Message<'RecordWmsProgress', { warehouseCode: string; stage: WmsStage; at: Instant; now: Instant }>;
export type RecordWmsShortage = Message<
  'RecordWmsShortage',
  {
    warehouseCode: string;
    /** quantities the warehouse cannot ship */
    lines: readonly Line[];
    alternativeWarehouse: string | null;
    now: Instant;
  }
>;
export type RecordShipment = Message<
  'RecordShipment',
  {
    outboundNo: string;
    waybillNo: string;
    carrier: string;
    items: readonly Line[];
    shippedAt: Instant;
    now: Instant;
  }
>;
export type RecordInterceptOutcome = Message<
  'RecordInterceptOutcome',
  { cancelRequestId: string; intercepted: boolean; detail: string; now: Instant }
>;

export type OrderCommand =
  | PlaceOrder
  | CancelOrder
  | RetryNow
  | RerouteOrder
  | ResolveManually
  | RecordStockReserved
  | RecordStockShort
  | RecordPushSucceeded
  | RecordPushFailed
  | RecordWmsProgress
  | RecordWmsShortage
  | RecordShipment
  | RecordInterceptOutcome;
