import type { Message } from '../kernel/decider.ts';
import type { Instant } from '../kernel/instant.ts';
import type { StockCondition, VarianceSource } from './commands.ts';

/** Every stock event names its ledger, so a projection over `$ce-stock` needs no stream-name parsing. */
type OnLedger<D> = Readonly<{ reference: string; warehouseCode: string; sku: string } & D>;

export type StockReceived = Message<'StockReceived', OnLedger<{ quantity: number; condition: StockCondition; receivedAt: Instant }>>;

export type StockReserved = Message<'StockReserved', OnLedger<{ quantity: number; reservedAt: Instant }>>;

/** `quantity` is what was actually released (never more than the reservation still held). */
export type StockReleased = Message<'StockReleased', OnLedger<{ reservation: string; quantity: number; releasedAt: Instant }>>;

/** `fromReservation` is the part of `quantity` that consumed the named reservation. */
export type StockDeducted = Message<
  'StockDeducted',
  OnLedger<{ reservation: string | null; quantity: number; fromReservation: number; deductedAt: Instant }>
>;

export type StockAdjusted = Message<
  'StockAdjusted',
  OnLedger<{ previousOnHand: number; countedOnHand: number; delta: number; countedAt: Instant }>
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
