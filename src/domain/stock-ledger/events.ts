import type { Message } from '../kernel/decider.ts';
import type { Instant } from '../kernel/instant.ts';
import type { StockCondition, VarianceSource } from './commands.ts';

/** Every stock event names its ledger, so a projection over `$ce-stock` needs no stream-name parsing. */
type OnLedger<D> = Readonly<{ reference: string; warehouseCode: string; sku: string } & D>;

/**
 * Which batches a movement touched, and by how much (`batchNo` null: the "no batch" bucket). The
 * decider chooses; the event carries the choice, so a replay never chooses again. Absent from an
 * event (every event written before batches were kept, and any movement of unbatched goods
 * only): the whole quantity is the "no batch" bucket's.
 */
export type BatchQuantity = Readonly<{ batchNo: string | null; quantity: number }>;
export type Allocation = readonly BatchQuantity[];

/** A receipt of one batch (`batchNo`, with the dates the warehouse gave) or of none (no batch fields). */
export type StockReceived = Message<
  'StockReceived',
  OnLedger<{
    quantity: number;
    condition: StockCondition;
    receivedAt: Instant;
    batchNo?: string;
    productionDate?: string;
    expiryDate?: string;
  }>
>;

/** `batches`: where the reservation was taken from (absent: the "no batch" bucket). */
export type StockReserved = Message<'StockReserved', OnLedger<{ quantity: number; reservedAt: Instant; batches?: Allocation }>>;

/** `quantity` is what was actually released (never more than the reservation still held); `batches`: from which batches. */
export type StockReleased = Message<
  'StockReleased',
  OnLedger<{ reservation: string; quantity: number; releasedAt: Instant; batches?: Allocation }>
>;

/** A deduction's share of one batch: `quantity` left its on hand, `fromReservation` of them were reserved. */
export type BatchDeduction = Readonly<{ batchNo: string | null; quantity: number; fromReservation: number }>;

/** `fromReservation` is the part of `quantity` that consumed the named reservation; `batches`: per batch. */
export type StockDeducted = Message<
  'StockDeducted',
  OnLedger<{
    reservation: string | null;
    quantity: number;
    fromReservation: number;
    deductedAt: Instant;
    batches?: readonly BatchDeduction[];
  }>
>;

/** `batches`: the signed `delta` per batch. */
export type StockAdjusted = Message<
  'StockAdjusted',
  OnLedger<{ previousOnHand: number; countedOnHand: number; delta: number; countedAt: Instant; batches?: Allocation }>
>;

/**
 * The shelves differ from what the ledger believed: `hubFigure` is what the ledger had of the
 * condition's figure (on hand, or defective), `warehouseFigure` what the warehouse says its shelves
 * hold, `difference` (warehouse − hub) what was applied to the figure.
 */
export type StockVarianceRecorded = Message<
  'StockVarianceRecorded',
  OnLedger<{
    source: VarianceSource;
    condition: StockCondition;
    hubFigure: number;
    warehouseFigure: number;
    difference: number;
    reason: string;
    batchNo: string | null;
    recordedAt: Instant;
    /** the signed `difference` per batch (absent: the "no batch" bucket's; older variances named a batch without keeping it apart) */
    batches?: Allocation;
  }>
>;

export type StockAnomalyKind = 'NEGATIVE_ON_HAND' | 'RESERVED_EXCEEDS_ON_HAND' | 'NEGATIVE_DEFECTIVE' | 'LARGE_VARIANCE';

/** A fact contradicted the ledger; `onHand` and `reserved` are the figures after that fact. */
export type StockAnomalyDetected = Message<
  'StockAnomalyDetected',
  OnLedger<{ kind: StockAnomalyKind; onHand: number; reserved: number; detail: string; detectedAt: Instant }>
>;

export type StockEvent =
  StockReceived | StockReserved | StockReleased | StockDeducted | StockAdjusted | StockVarianceRecorded | StockAnomalyDetected;
