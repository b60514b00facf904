import { Refused } from '../../domain/kernel/refused.ts';
import { orderStreamName, reservationReference } from '../../domain/outbound-order/index.ts';
import type { ReservationShortfall } from '../../domain/outbound-order/index.ts';
import type { Line } from '../../domain/kernel/lines.ts';
import { dateOf } from '../../domain/stock-ledger/index.ts';
import type { StockLevel } from '../ports/inventory.ts';
import { onOrder, onStock, orders } from '../commands/aggregates.ts';
import { type Cause, loadState } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';

/**
 * What a line could have had of a ledger on `today`, as the ledger reserves (stock-ledger/batches.ts):
 * of its batch when it names one (of the goods without a batch, for a batch the ledger was never
 * told of), else of every batch; never of an expired batch, never more than the ledger's available.
 */
const reservableIn = (level: StockLevel, batchNo: string | undefined, today: string): number => {
  if (level.batches === undefined) return Math.max(0, level.available);
  const { batches } = level;
  const candidates =
    batchNo === undefined
      ? batches
      : [batches.find((batch) => batch.batchNo === batchNo) ?? batches.find((batch) => batch.batchNo === null)].filter(
          (batch) => batch !== undefined,
        );
  const free = candidates
    .filter((batch) => batch.expiryDate === null || batch.expiryDate >= today)
    .reduce((sum, batch) => sum + Math.max(0, batch.available), 0);
  return Math.max(0, Math.min(free, level.available));
};

/**
 * Reserve one round of an order's lines in its warehouse's ledgers, all or nothing: when a line
 * is short, the lines already reserved are released again and the order hears what was short
 * and which other warehouse (if any) could cover it; the order's policy decides what follows.
 */
export const reserveStock = async (
  deps: Dependencies,
  orderNo: string,
  round: Readonly<{ reservationNo: number; warehouseCode: string; lines: readonly Line[] }>,
  cause: Cause,
): Promise<void> => {
  const current = await loadState(deps, orders, orderStreamName(orderNo));
  if (current.status !== 'CREATED' || current.reservationNo !== round.reservationNo) return;
  const reference = reservationReference(orderNo, round.reservationNo);
  const now = deps.clock.now();
  const reserved: Line[] = [];
  const shortfalls: ReservationShortfall[] = [];
  // a line that names a batch reserves from that batch only (the round's lines do not carry it: the order's do)
  const batchOf = new Map(current.lines.map((line) => [line.sku, line.batchNo ?? undefined]));
  for (const line of round.lines) {
    const named = line.batchNo ?? batchOf.get(line.sku);
    const batchNo = named === '' ? undefined : named;
    try {
      await onStock(
        deps,
        {
          type: 'ReserveStock',
          data: { reference, warehouseCode: round.warehouseCode, sku: line.sku, quantity: line.quantity, now, batchNo },
        },
        cause,
      );
      reserved.push(line);
    } catch (error) {
      if (!(error instanceof Refused) || error.reason !== 'INSUFFICIENT_STOCK') throw error;
      const level = await deps.inventory.level(round.warehouseCode, line.sku);
      shortfalls.push({ sku: line.sku, requested: line.quantity, available: reservableIn(level, batchNo, dateOf(now)) });
    }
  }
  if (shortfalls.length === 0) {
    await onOrder(deps, orderNo, { type: 'RecordStockReserved', data: { reservationNo: round.reservationNo, now } }, cause);
    return;
  }
  await releaseReservation(deps, round.warehouseCode, allOf(reserved.map((line) => line.sku)), reference, `${reference}/undo`, cause);
  const alternativeWarehouse = await deps.inventory.warehouseCovering(round.lines, [round.warehouseCode]);
  await onOrder(
    deps,
    orderNo,
    { type: 'RecordStockShort', data: { reservationNo: round.reservationNo, shortfalls, alternativeWarehouse, now } },
    cause,
  );
};

/** What to give back of one SKU: a quantity, or all the reservation holds of it. */
export type Release = Readonly<{ sku: string; quantity: number | 'ALL' }>;

/** All a reservation holds of each of these SKUs. */
export const allOf = (skus: readonly string[]): readonly Release[] => skus.map((sku) => ({ sku, quantity: 'ALL' }));

/** Give back what a reservation holds for these SKUs. */
export const releaseReservation = async (
  deps: Dependencies,
  warehouseCode: string,
  lines: readonly Release[],
  reservation: string,
  releaseReference: string,
  cause: Cause,
): Promise<void> => {
  const now = deps.clock.now();
  for (const line of lines) {
    try {
      await onStock(
        deps,
        {
          type: 'ReleaseStock',
          data: {
            reference: releaseReference,
            reservation,
            warehouseCode,
            sku: line.sku,
            quantity: line.quantity,
            now,
          },
        },
        cause,
      );
    } catch (error) {
      // nothing was ever reserved under that reference for this SKU: nothing to give back
      if (!(error instanceof Refused) || error.reason !== 'RESERVATION_NOT_FOUND') throw error;
    }
  }
};
