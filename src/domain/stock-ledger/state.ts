/** References already handled, per command kind (a record used as a set: JSON-friendly). */
export type Handled = Readonly<Record<string, true>>;

export type StockLedgerState = Readonly<{
  /** the ledger's identity, known from its first event */
  warehouseCode: string | null;
  sku: string | null;
  /** sellable goods in the warehouse (may go below zero only after a NEGATIVE_ON_HAND anomaly) */
  onHand: number;
  /** sum of `reservations` */
  reserved: number;
  /** goods received defective: kept apart, never sellable, never reserved */
  defective: number;
  /** reservation reference → quantity still reserved (entries at zero are dropped) */
  reservations: Readonly<Record<string, number>>;
  handled: Readonly<{
    /** keyed `${condition}:${reference}` (one inspection may bring both sellable and defective goods) */
    received: Handled;
    reserved: Handled;
    released: Handled;
    deducted: Handled;
    adjusted: Handled;
  }>;
  anomalies: number;
}>;

export const initialStockLedgerState: StockLedgerState = {
  warehouseCode: null,
  sku: null,
  onHand: 0,
  reserved: 0,
  defective: 0,
  reservations: {},
  handled: { received: {}, reserved: {}, released: {}, deducted: {}, adjusted: {} },
  anomalies: 0,
};

export const available = (state: StockLedgerState): number => state.onHand - state.reserved;

export const has = (set: Handled, key: string): boolean => Object.hasOwn(set, key);

export const stillReserved = (state: StockLedgerState, reservation: string): number =>
  Object.hasOwn(state.reservations, reservation) ? (state.reservations[reservation] ?? 0) : 0;

export const receiptKey = (condition: string, reference: string): string => `${condition}:${reference}`;
