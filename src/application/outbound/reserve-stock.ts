import { Refused } from '../../domain/kernel/refused.ts';
import { orderStreamName, outboundOrder, reservationReference } from '../../domain/outbound-order/index.ts';
import type { ReservationShortfall } from '../../domain/outbound-order/index.ts';
import type { Line } from '../../domain/kernel/lines.ts';
import { onOrder, onStock } from '../commands/aggregates.ts';
import { type Cause, loadState } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';

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
  const current = await loadState(deps, outboundOrder, orderStreamName(orderNo));
  if (current.status !== 'CREATED' || current.reservationNo !== round.reservationNo) return;
  const reference = reservationReference(orderNo, round.reservationNo);
  const now = deps.clock.now();
  const reserved: Line[] = [];
  const shortfalls: ReservationShortfall[] = [];
  for (const line of round.lines) {
    try {
      await onStock(
        deps,
        { type: 'ReserveStock', data: { reference, warehouseCode: round.warehouseCode, sku: line.sku, quantity: line.quantity, now } },
        cause,
      );
      reserved.push(line);
    } catch (error) {
      if (!(error instanceof Refused) || error.reason !== 'INSUFFICIENT_STOCK') throw error;
      const level = await deps.inventory.level(round.warehouseCode, line.sku);
      shortfalls.push({ sku: line.sku, requested: line.quantity, available: Math.max(0, level.available) });
    }
  }
  if (shortfalls.length === 0) {
    await onOrder(deps, orderNo, { type: 'RecordStockReserved', data: { reservationNo: round.reservationNo, now } }, cause);
    return;
  }
  await releaseReservation(deps, round.warehouseCode, reserved, reference, `${reference}/undo`, cause);
  const alternativeWarehouse = await deps.inventory.warehouseCovering(round.lines, [round.warehouseCode]);
  await onOrder(
    deps,
    orderNo,
    { type: 'RecordStockShort', data: { reservationNo: round.reservationNo, shortfalls, alternativeWarehouse, now } },
    cause,
  );
};

/** Give back what a reservation holds for these lines (all of it, or the quantities given). */
export const releaseReservation = async (
  deps: Dependencies,
  warehouseCode: string,
  lines: readonly Line[],
  reservation: string,
  releaseReference: string,
  cause: Cause,
  quantities: 'ALL' | 'AS_GIVEN' = 'ALL',
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
            quantity: quantities === 'ALL' ? 'ALL' : line.quantity,
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
