import { type KeySet, emptyKeySet, hasKeyIn } from '../kernel/key-set.ts';
import { type PersistentMap, emptyMap, entriesOf, getValue } from '../kernel/persistent-map.ts';

/**
 * References already handled, per command kind: a key set (../kernel/key-set.ts), so that recording
 * one more reference on a ledger with thousands costs little more than O(log n), not a copy of them
 * all, and a snapshot of 100,000 of them is read back as one string.
 */
export type Handled = KeySet;

/**
 * The figures of one batch of the ledger's SKU (`batchNo` null: goods without a batch). The sums
 * over every batch are the ledger's totals (`onHand`, `reserved`, `defective`).
 */
export type BatchFigures = Readonly<{
  batchNo: string | null;
  /** ISO dates, as the warehouse gave them on a receipt (null: not given) */
  productionDate: string | null;
  expiryDate: string | null;
  onHand: number;
  reserved: number;
  defective: number;
}>;

/** A batch's key in `batches` and in a reservation's allocation: its number, '' for goods without a batch. */
export const batchKey = (batchNo: string | null | undefined): string => batchNo ?? '';

export type StockLedgerState = Readonly<{
  /** the ledger's identity, known from its first event */
  warehouseCode: string | null;
  sku: string | null;
  /** sellable goods in the warehouse (may go below zero only after a NEGATIVE_ON_HAND anomaly) */
  onHand: number;
  /** sum of `reservations` */
  reserved: number;
  /** goods received defective: kept apart, never sellable, never reserved (below zero only after a NEGATIVE_DEFECTIVE anomaly) */
  defective: number;
  /** reservation reference → quantity still reserved (entries at zero are dropped); read with `stillReserved`, `reservationsHeld` */
  reservations: PersistentMap<number>;
  /** batch key (`batchKey`) → that batch's figures; their sums are the totals above */
  batches: Readonly<Record<string, BatchFigures>>;
  /** reservation reference → batch key → quantity of that batch it still holds (zeros dropped; sums are `reservations`) */
  allocations: PersistentMap<Readonly<Record<string, number>>>;
  handled: Readonly<{
    /** keyed `${condition}:${reference}` (one inspection may bring both sellable and defective goods) */
    received: Handled;
    reserved: Handled;
    released: Handled;
    deducted: Handled;
    adjusted: Handled;
    /** keyed `${condition}:${reference}` (one reconciliation may correct both on hand and defective) */
    varied: Handled;
  }>;
  anomalies: number;
}>;

export const initialStockLedgerState: StockLedgerState = {
  warehouseCode: null,
  sku: null,
  onHand: 0,
  reserved: 0,
  defective: 0,
  reservations: emptyMap,
  batches: {},
  allocations: emptyMap,
  handled: {
    received: emptyKeySet,
    reserved: emptyKeySet,
    released: emptyKeySet,
    deducted: emptyKeySet,
    adjusted: emptyKeySet,
    varied: emptyKeySet,
  },
  anomalies: 0,
};

export const available = (state: StockLedgerState): number => state.onHand - state.reserved;

export const has = (set: Handled, key: string): boolean => hasKeyIn(set, key);

export const stillReserved = (state: StockLedgerState, reservation: string): number => getValue(state.reservations, reservation) ?? 0;

/** Every reservation still held, as [reference, quantity] (in no particular order). */
export const reservationsHeld = (state: StockLedgerState): Iterable<readonly [string, number]> => entriesOf(state.reservations);

/**
 * A receipt's or a variance's key among those handled: its condition and reference, and the
 * batch of a receipt of one (one receipt may bring several batches of the SKU).
 */
export const conditionKey = (condition: string, reference: string, batchNo?: string): string =>
  batchNo === undefined ? `${condition}:${reference}` : `${condition}:${reference}\n${batchNo}`;

/** What a reservation still holds, per batch key. */
export const allocationOf = (state: StockLedgerState, reservation: string): Readonly<Record<string, number>> =>
  getValue(state.allocations, reservation) ?? {};
