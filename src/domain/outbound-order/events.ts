import type { Message } from '../kernel/decider.ts';
import type { Instant } from '../kernel/instant.ts';
import type { Line } from '../kernel/lines.ts';
import type { PushFailedData, PushRetryScheduledData, PushStartedData } from '../kernel/push-attempts.ts';
import type { Consignee, Placement, WmsStage } from './commands.ts';

/**
 * What the consumers of a shipment need of the order, carried by the shipment so that none of
 * them reads the order again: the warehouse and reservation round the goods left under (stock is
 * deducted there) and where they go (the hand-off to transport). Events written before shipments
 * carried it are completed on read from the order as it stood just before (see `shipmentContext`).
 */
export type ShipmentContext = Readonly<{
  warehouseCode: string;
  reservationNo: number;
  /** null only for a shipment reported on an order that was never placed */
  consignee: Consignee | null;
}>;

/** A warehouse that may hold the order and must be told to drop it, with the order's number there if it answered. */
export type Withdrawal = Readonly<{ warehouseCode: string; outboundNo: string | null }>;

/** A shipment as the warehouse reports it. */
export type ReportedShipment = Readonly<{
  outboundNo: string;
  waybillNo: string;
  carrier: string;
  /** what actually left the warehouse: stock is deducted by these */
  items: readonly Line[];
  shippedAt: Instant;
}>;

/** A shipment as the order records it: the report and the order's context. */
export type Shipment = ReportedShipment & ShipmentContext;

export type ManualReason = 'PUSH_ATTEMPTS_EXHAUSTED' | 'PUSH_REJECTED' | 'OUT_OF_STOCK';

export type AnomalyKind =
  | 'SHIPPED_MORE_THAN_ORDERED'
  | 'SKU_NOT_ORDERED'
  | 'OUTBOUND_NO_MISMATCH'
  | 'SHIPPED_AFTER_CANCEL_REQUEST'
  | 'SHIPPED_AFTER_CANCEL'
  | 'SHIPPED_AFTER_CLOSE'
  | 'CONFLICTING_SHIPMENT'
  | 'PUSHED_AFTER_CANCEL'
  | 'PUSHED_TO_PREVIOUS_WAREHOUSE'
  | 'PROGRESS_AFTER_CANCEL'
  | 'SHORTAGE_AFTER_CLOSE'
  | 'PUSHED_AFTER_CLOSE'
  | 'SHORTAGE_NOT_OPEN'
  | 'REPORT_FROM_PREVIOUS_WAREHOUSE'
  | 'INTERCEPTED_AFTER_SHIPMENT'
  | 'MESSAGE_ID_REUSED';

export type OrderPlaced = Message<'OrderPlaced', Placement & { placedAt: Instant }>;
/** A new round of reservation: the application reserves `lines` under reference `{orderNo}/R{reservationNo}`. */
export type ReservationRequested = Message<
  'ReservationRequested',
  {
    reservationNo: number;
    warehouseCode: string;
    lines: readonly Line[];
    /** the round this one replaces: whatever it still holds of these SKUs is to be given back (null for the first) */
    supersedes: Readonly<{ reservationNo: number; warehouseCode: string; skus: readonly string[] }> | null;
  }
>;
export type StockReserved = Message<'StockReserved', { reservationNo: number; warehouseCode: string; reservedAt: Instant }>;
export type StockShortageDetected = Message<
  'StockShortageDetected',
  {
    source: 'RESERVATION' | 'WMS';
    warehouseCode: string;
    /** quantities short per SKU */
    lines: readonly Line[];
    /** the report's identity, so a redelivered report is recognised */
    reportKey: string;
    detectedAt: Instant;
  }
>;
/**
 * Short quantities of an original order (one that is not itself a backorder) owed to the customer
 * as a backorder numbered `{orderNo}-BO{n}` from this order's count (see `backorderNo`).
 */
export type BackorderCreated = Message<
  'BackorderCreated',
  {
    backorderNo: string;
    warehouseCode: string;
    lines: readonly Line[];
    /** the reservation that still holds these quantities (to release), null when none was made */
    heldUnderReservation: number | null;
    /**
     * the warehouse whose WMS reported these quantities short (null: the hub's own reservation was
     * short): the backorder is not sent back there until its stock is replenished
     */
    reportedShortBy: string | null;
    createdAt: Instant;
  }
>;
/**
 * Short quantities of a backorder, owed again: the original order (`originalOrderNo`) numbers the
 * next backorder of the family (`BackorderCarriedOver`), so numbers never nest. `owedNo` counts
 * this order's carry-overs, which is how the original recognises a redelivery.
 */
export type OwedToOriginal = Message<
  'OwedToOriginal',
  {
    originalOrderNo: string;
    owedNo: number;
    warehouseCode: string;
    lines: readonly Line[];
    heldUnderReservation: number | null;
    reportedShortBy: string | null;
    createdAt: Instant;
  }
>;
/** On the original order: what one of its backorders could not ship, owed again under the family's next number. */
export type BackorderCarriedOver = Message<
  'BackorderCarriedOver',
  {
    backorderNo: string;
    fromOrderNo: string;
    owedNo: number;
    warehouseCode: string;
    lines: readonly Line[];
    reportedShortBy: string | null;
    createdAt: Instant;
  }
>;
/** On the original order: a backorder not yet placed will not be (the original was cancelled, or a person said so). */
export type BackorderCancelled = Message<
  'BackorderCancelled',
  { backorderNo: string; lines: readonly Line[]; requestId: string; reason: string; cancelledBy: string; cancelledAt: Instant }
>;
export type OrderRerouted = Message<
  'OrderRerouted',
  {
    requestId: string | null;
    fromWarehouse: string;
    toWarehouse: string;
    /** the WMS order to cancel at the old warehouse, if it had one */
    previousOutboundNo: string | null;
    /** the reservation to release at the old warehouse, for these SKUs */
    previousReservationNo: number;
    skus: readonly string[];
    /** the old warehouse, when it may hold the order */
    withdrawFrom: Withdrawal | null;
    reason: string;
    reroutedAt: Instant;
  }
>;
/** The push attempt claimed before the call; `target` is the warehouse called. */
export type PushStarted = Message<'PushStarted', PushStartedData>;
export type PushSucceeded = Message<'PushSucceeded', { attempt: number; warehouseCode: string; outboundNo: string; pushedAt: Instant }>;
export type PushFailed = Message<'PushFailed', PushFailedData>;
export type PushRetryScheduled = Message<'PushRetryScheduled', PushRetryScheduledData>;
export type RetryRequested = Message<
  'RetryRequested',
  { requestId: string; step: 'RESERVE' | 'PUSH'; newRound: boolean; requestedBy: string; requestedAt: Instant }
>;
export type ManualInterventionRequired = Message<'ManualInterventionRequired', { reason: ManualReason; detail: string; at: Instant }>;
export type ManualInterventionResolved = Message<
  'ManualInterventionResolved',
  { requestId: string; outboundNo: string; note: string; resolvedBy: string; resolvedAt: Instant }
>;
export type WmsProgressRecorded = Message<
  'WmsProgressRecorded',
  { warehouseCode: string; stage: WmsStage; at: Instant; recordedAt: Instant }
>;
export type ShipmentRecorded = Message<'ShipmentRecorded', Shipment & { recordedAt: Instant }>;
export type CancellationRequested = Message<
  'CancellationRequested',
  { requestId: string; reason: string; requestedBy: string; outboundNo: string | null; requestedAt: Instant }
>;
export type InterceptFailed = Message<'InterceptFailed', { cancelRequestId: string; detail: string; at: Instant }>;
/**
 * A cancel call claimed before it is made (commands.ts `CancelCall`; ../kernel/push-attempts.ts
 * `claimPeriod`): what is sent to which warehouse. The claim stands until the call's outcome
 * (`OrderCancelled` or `InterceptFailed` for an intercept, `WithdrawalAnswered` for a withdrawal)
 * or until `expiresAt`.
 */
export type CancelCallStarted = Message<
  'CancelCallStarted',
  {
    kind: 'INTERCEPT' | 'WITHDRAW';
    id: string;
    warehouseCode: string;
    outboundNo: string | null;
    reason: string;
    startedAt: Instant;
    expiresAt: Instant;
  }
>;
/** A warehouse's answer to a withdrawal: it dropped the order (`withdrawn`), or not (too late, or not reached: a person is told). */
export type WithdrawalAnswered = Message<'WithdrawalAnswered', { withdrawalId: string; withdrawn: boolean; detail: string; at: Instant }>;
export type OrderCancelled = Message<
  'OrderCancelled',
  {
    requestId: string | null;
    reason: string;
    /** open quantities that will now never ship */
    lines: readonly Line[];
    warehouseCode: string;
    /** the reservation to release, for these SKUs */
    reservationNo: number;
    skus: readonly string[];
    /** the warehouse to tell to drop the order, when it may hold it and did not intercept it */
    withdrawFrom: Withdrawal | null;
    cancelledAt: Instant;
  }
>;
/**
 * A fact that contradicts what the order knew. Always recorded, raised for a person. A shipment
 * reported after the order closed travels here, so its stock is still deducted.
 */
export type AnomalyDetected = Message<
  'AnomalyDetected',
  {
    kind: AnomalyKind;
    detail: string;
    /** mark the fact as handled, so its redelivery adds nothing */
    factKeys: readonly string[];
    /** the push attempt whose outcome this is, if any: its number is used up */
    attempt: number | null;
    shipment: Shipment | null;
    outboundNo: string | null;
    warehouseCode: string;
    detectedAt: Instant;
  }
>;

/**
 * A warehouse message that named its own id (`messageId`, Qimen's `outBizCode`) was applied:
 * the id is kept with the content it came with (`content`, the key of what it reported), so the
 * same id again is one effect, and with other content an anomaly.
 */
export type WarehouseMessageApplied = Message<'WarehouseMessageApplied', { messageId: string; content: string; appliedAt: Instant }>;

export type OrderEvent =
  | OrderPlaced
  | ReservationRequested
  | StockReserved
  | StockShortageDetected
  | BackorderCreated
  | OwedToOriginal
  | BackorderCarriedOver
  | BackorderCancelled
  | OrderRerouted
  | PushStarted
  | PushSucceeded
  | PushFailed
  | PushRetryScheduled
  | RetryRequested
  | ManualInterventionRequired
  | ManualInterventionResolved
  | WmsProgressRecorded
  | ShipmentRecorded
  | CancellationRequested
  | InterceptFailed
  | CancelCallStarted
  | WithdrawalAnswered
  | OrderCancelled
  | WarehouseMessageApplied
  | AnomalyDetected;
