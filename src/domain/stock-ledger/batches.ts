/**
 * Batches inside one ledger (one warehouse and SKU): which batches a movement takes from. The
 * decider chooses with these functions and writes the choice into the event (`batches`), so
 * `evolve` only applies it and a replay never chooses again.
 *
 * First-expiry-first-out (`fefoOrder`): batches with an expiry date, earliest first; then batches
 * without one; then the goods without a batch (the "no batch" bucket); ties by batch number, so
 * the order is the same in every process. A reservation that names a batch takes from that batch
 * only (from the goods without a batch when the ledger was never told of that batch: see
 * `reservationFrom`); one that does not takes in that order. Neither ever takes defective goods (they are a
 * separate figure) nor goods of an expired batch: one whose expiry date is before the date of the
 * command's `now`, as `now` writes it (its own offset).
 */
import { DateTime } from 'luxon';
import type { Instant } from '../kernel/instant.ts';
import type { Allocation, BatchDeduction, BatchQuantity } from './events.ts';
import { type BatchFigures, type StockLedgerState, allocationOf, batchKey } from './state.ts';

/** An ISO calendar date, `2026-03-31`. */
export const isIsoDate = (value: unknown): boolean =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid;

/** The date of an instant as it writes it (`2025-11-22T01:00:00+08:00` → `2025-11-22`). */
export const dateOf = (now: Instant): string => DateTime.fromISO(now, { setZone: true }).toISODate() ?? now.slice(0, 10);

const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The first-expiry-first-out order of two batches. */
export const byFirstExpiry = (a: BatchFigures, b: BatchFigures): number => {
  if ((a.batchNo === null) !== (b.batchNo === null)) return a.batchNo === null ? 1 : -1;
  if (a.expiryDate !== b.expiryDate) {
    if (a.expiryDate === null) return 1;
    if (b.expiryDate === null) return -1;
    return byCode(a.expiryDate, b.expiryDate);
  }
  return byCode(a.batchNo ?? '', b.batchNo ?? '');
};

/** A batch the ledger has no figures of yet. */
export const emptyBatch = (batchNo: string | null): BatchFigures => ({
  batchNo,
  productionDate: null,
  expiryDate: null,
  onHand: 0,
  reserved: 0,
  defective: 0,
});

/** The ledger's batches, first expiry first. */
export const fefoOrder = (state: StockLedgerState): readonly BatchFigures[] => Object.values(state.batches).sort(byFirstExpiry);

export const isExpired = (batch: BatchFigures, today: string): boolean => batch.expiryDate !== null && batch.expiryDate < today;

/** What a reservation may take of a batch on `today`: its sellable units not reserved, none if it has expired. */
export const reservable = (batch: BatchFigures, today: string): number =>
  isExpired(batch, today) ? 0 : Math.max(0, batch.onHand - batch.reserved);

const unbatched = (key: string): string | null => (key === '' ? null : key);

const total = (allocation: Allocation): number => allocation.reduce((sum, part) => sum + part.quantity, 0);

/**
 * Where a reservation of `quantity` would come from on `today`: first expiry first when it names no
 * batch. When it names one the ledger keeps, from that batch only; when it names one the ledger
 * has never been told of, from the goods without a batch (their batch is unknown: they may be of
 * it, and the warehouse is told which batch to pick), never from another batch. Less than
 * `quantity` when that cannot cover it.
 */
export const reservationFrom = (
  state: StockLedgerState,
  quantity: number,
  batchNo: string | undefined,
  today: string,
): Readonly<{ allocation: Allocation; covered: number }> => {
  const candidates = batchNo === undefined ? fefoOrder(state) : [state.batches[batchKey(batchNo)] ?? state.batches[''] ?? emptyBatch(null)];
  const allocation: BatchQuantity[] = [];
  let rest = quantity;
  for (const batch of candidates) {
    const taken = Math.min(rest, reservable(batch, today));
    if (taken <= 0) continue;
    allocation.push({ batchNo: batch.batchNo, quantity: taken });
    rest -= taken;
  }
  return { allocation, covered: total(allocation) };
};

/** What one reservation still holds, per batch, first expiry first. */
export const heldBatches = (state: StockLedgerState, reservation: string): Allocation =>
  Object.entries(allocationOf(state, reservation))
    .map(([key, quantity]) => ({ batch: state.batches[key] ?? emptyBatch(unbatched(key)), quantity }))
    .sort((a, b) => byFirstExpiry(a.batch, b.batch))
    .map(({ batch, quantity }) => ({ batchNo: batch.batchNo, quantity }));

/** A release of `quantity` of a reservation gives back its latest-expiring batches first, so it keeps the earliest. */
export const releaseFrom = (state: StockLedgerState, reservation: string, quantity: number): Allocation => {
  const allocation: BatchQuantity[] = [];
  let rest = quantity;
  for (const held of [...heldBatches(state, reservation)].reverse()) {
    const taken = Math.min(rest, held.quantity);
    if (taken <= 0) continue;
    allocation.push({ batchNo: held.batchNo, quantity: taken });
    rest -= taken;
  }
  return allocation;
};

/**
 * Where `quantity` units of a figure leave from when nothing says which batch (a count or a
 * variance lower than the ledger, a shipment beyond its reservation): units nobody holds, first
 * expiry first (an expired batch first of all); then units reserved; whatever is left takes the
 * "no batch" bucket below zero (the ledger raises its anomaly on the total). `taken`: units
 * already leaving each batch key in the same movement.
 */
export const takeOut = (
  state: StockLedgerState,
  quantity: number,
  figure: 'onHand' | 'defective',
  taken: ReadonlyMap<string, number> = new Map(),
): Allocation => {
  const out = new Map<string, number>();
  const batches = fefoOrder(state);
  const left = (batch: BatchFigures): number =>
    batch[figure] - (taken.get(batchKey(batch.batchNo)) ?? 0) - (out.get(batchKey(batch.batchNo)) ?? 0);
  const passes: ((batch: BatchFigures) => number)[] =
    figure === 'onHand' ? [(batch) => batch.onHand - batch.reserved - (out.get(batchKey(batch.batchNo)) ?? 0), left] : [left];
  let rest = quantity;
  for (const room of passes) {
    for (const batch of batches) {
      const part = Math.min(rest, Math.max(0, room(batch)));
      if (part <= 0) continue;
      out.set(batchKey(batch.batchNo), (out.get(batchKey(batch.batchNo)) ?? 0) + part);
      rest -= part;
    }
  }
  if (rest > 0) out.set('', (out.get('') ?? 0) + rest);
  const order = (key: string): BatchFigures => state.batches[key] ?? emptyBatch(unbatched(key));
  return [...out].sort(([a], [b]) => byFirstExpiry(order(a), order(b))).map(([key, part]) => ({ batchNo: unbatched(key), quantity: part }));
};

/**
 * A deduction of `quantity`, `fromReservation` of them held by `reservation`: the reservation's
 * batches first expiry first, then the rest as `takeOut` would.
 */
export const deductionFrom = (
  state: StockLedgerState,
  reservation: string | undefined,
  quantity: number,
  fromReservation: number,
): readonly BatchDeduction[] => {
  const reserved = new Map<string, number>();
  let rest = fromReservation;
  for (const held of reservation === undefined ? [] : heldBatches(state, reservation)) {
    const part = Math.min(rest, held.quantity);
    if (part <= 0) continue;
    reserved.set(batchKey(held.batchNo), part);
    rest -= part;
  }
  const beyond = quantity - fromReservation;
  const unreserved = beyond > 0 ? takeOut(state, beyond, 'onHand', reserved) : [];
  const parts = new Map<string, { quantity: number; fromReservation: number }>();
  for (const [key, part] of reserved) parts.set(key, { quantity: part, fromReservation: part });
  for (const part of unreserved) {
    const key = batchKey(part.batchNo);
    const known = parts.get(key) ?? { quantity: 0, fromReservation: 0 };
    parts.set(key, { quantity: known.quantity + part.quantity, fromReservation: known.fromReservation });
  }
  const order = (key: string): BatchFigures => state.batches[key] ?? emptyBatch(unbatched(key));
  return [...parts].sort(([a], [b]) => byFirstExpiry(order(a), order(b))).map(([key, part]) => ({ batchNo: unbatched(key), ...part }));
};

/** Whether a movement touches the "no batch" bucket only: its event then leaves `batches` out, as every older event does. */
export const unbatchedOnly = (allocation: readonly Readonly<{ batchNo: string | null }>[]): boolean =>
  allocation.every((part) => part.batchNo === null);
