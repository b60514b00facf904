import type { Allocation, BatchDeduction, StockEvent } from './events.ts';
import { withKey as add } from '../kernel/key-set.ts';
import { removeKey, setValue } from '../kernel/persistent-map.ts';
import { emptyBatch } from './batches.ts';
import { type BatchFigures, type StockLedgerState, allocationOf, batchKey, conditionKey, stillReserved } from './state.ts';

type Figure = 'onHand' | 'reserved' | 'defective';

/** A movement's batches, as its event carries them; absent, the whole quantity is the "no batch" bucket's. */
const partsOf = <T extends Readonly<{ batchNo: string | null }>>(batches: readonly T[] | undefined, whole: T): readonly T[] =>
  batches ?? [whole];

/** Adds `change` to one figure of each batch named (a batch not yet known starts at zero). */
const moveBatches = (
  batches: StockLedgerState['batches'],
  parts: readonly Readonly<{ batchNo: string | null; change: number }>[],
  figure: Figure,
): StockLedgerState['batches'] => {
  const next: Record<string, BatchFigures> = { ...batches };
  for (const { batchNo, change } of parts) {
    const key = batchKey(batchNo);
    const batch = next[key] ?? emptyBatch(batchNo);
    next[key] = { ...batch, [figure]: batch[figure] + change };
  }
  return next;
};

const signedParts = (allocation: Allocation, sign: 1 | -1) =>
  allocation.map((part) => ({ batchNo: part.batchNo, change: sign * part.quantity }));

/** A reservation's allocation after `change` per batch (zeros dropped; an empty allocation leaves the map). */
const withAllocation = (state: StockLedgerState, reservation: string, parts: Allocation, sign: 1 | -1): StockLedgerState['allocations'] => {
  const next: Record<string, number> = { ...allocationOf(state, reservation) };
  for (const part of parts) {
    const key = batchKey(part.batchNo);
    const quantity = (next[key] ?? 0) + sign * part.quantity;
    if (quantity > 0) next[key] = quantity;
    else delete next[key];
  }
  return Object.keys(next).length > 0 ? setValue(state.allocations, reservation, next) : removeKey(state.allocations, reservation);
};

const deductionParts = (parts: readonly BatchDeduction[]): Allocation =>
  parts.map((part) => ({ batchNo: part.batchNo, quantity: part.fromReservation }));

/** Sets a reservation's remainder; a remainder of zero (or less) leaves the map. */
const withRemainder = (reservations: StockLedgerState['reservations'], reservation: string, remainder: number) =>
  remainder > 0 ? setValue(reservations, reservation, remainder) : removeKey(reservations, reservation);

const identified = (state: StockLedgerState, event: StockEvent): StockLedgerState =>
  state.warehouseCode === null ? { ...state, warehouseCode: event.data.warehouseCode, sku: event.data.sku } : state;

export const evolve = (current: StockLedgerState, event: StockEvent): StockLedgerState => {
  const state = identified(current, event);
  switch (event.type) {
    case 'StockReceived': {
      const { condition, quantity, reference, batchNo, productionDate, expiryDate } = event.data;
      const moved = moveBatches(
        state.batches,
        [{ batchNo: batchNo ?? null, change: quantity }],
        condition === 'SELLABLE' ? 'onHand' : 'defective',
      );
      const key = batchKey(batchNo);
      const batch = moved[key] ?? emptyBatch(batchNo ?? null);
      return {
        ...state,
        onHand: condition === 'SELLABLE' ? state.onHand + quantity : state.onHand,
        defective: condition === 'DEFECTIVE' ? state.defective + quantity : state.defective,
        batches: {
          ...moved,
          [key]: {
            ...batch,
            productionDate: productionDate ?? batch.productionDate,
            expiryDate: expiryDate ?? batch.expiryDate,
          },
        },
        handled: { ...state.handled, received: add(state.handled.received, conditionKey(condition, reference, batchNo)) },
      };
    }
    case 'StockReserved': {
      const { reference, quantity } = event.data;
      const parts = partsOf(event.data.batches, { batchNo: null, quantity });
      return {
        ...state,
        reserved: state.reserved + quantity,
        reservations: withRemainder(state.reservations, reference, stillReserved(state, reference) + quantity),
        batches: moveBatches(state.batches, signedParts(parts, 1), 'reserved'),
        allocations: withAllocation(state, reference, parts, 1),
        handled: { ...state.handled, reserved: add(state.handled.reserved, reference) },
      };
    }
    case 'StockReleased': {
      const { reference, reservation, quantity } = event.data;
      const parts = partsOf(event.data.batches, { batchNo: null, quantity });
      return {
        ...state,
        reserved: state.reserved - quantity,
        reservations: withRemainder(state.reservations, reservation, stillReserved(state, reservation) - quantity),
        batches: moveBatches(state.batches, signedParts(parts, -1), 'reserved'),
        allocations: withAllocation(state, reservation, parts, -1),
        handled: { ...state.handled, released: add(state.handled.released, reference) },
      };
    }
    case 'StockDeducted': {
      const { reservation, quantity, fromReservation } = event.data;
      const parts = partsOf(event.data.batches, { batchNo: null, quantity, fromReservation });
      const onHandMoved = moveBatches(
        state.batches,
        parts.map((part) => ({ batchNo: part.batchNo, change: -part.quantity })),
        'onHand',
      );
      return {
        ...state,
        onHand: state.onHand - quantity,
        reserved: state.reserved - fromReservation,
        reservations:
          reservation === null || fromReservation === 0
            ? state.reservations
            : withRemainder(state.reservations, reservation, stillReserved(state, reservation) - fromReservation),
        batches: moveBatches(onHandMoved, signedParts(deductionParts(parts), -1), 'reserved'),
        allocations:
          reservation === null || fromReservation === 0 ? state.allocations : withAllocation(state, reservation, deductionParts(parts), -1),
        handled: { ...state.handled, deducted: add(state.handled.deducted, event.data.reference) },
      };
    }
    case 'StockAdjusted':
      return {
        ...state,
        onHand: state.onHand + event.data.delta,
        batches: moveBatches(
          state.batches,
          signedParts(partsOf(event.data.batches, { batchNo: null, quantity: event.data.delta }), 1),
          'onHand',
        ),
        handled: { ...state.handled, adjusted: add(state.handled.adjusted, event.data.reference) },
      };
    case 'StockVarianceRecorded': {
      const { condition, difference, reference } = event.data;
      return {
        ...state,
        batches: moveBatches(
          state.batches,
          signedParts(partsOf(event.data.batches, { batchNo: null, quantity: difference }), 1),
          condition === 'SELLABLE' ? 'onHand' : 'defective',
        ),
        onHand: condition === 'SELLABLE' ? state.onHand + difference : state.onHand,
        defective: condition === 'DEFECTIVE' ? state.defective + difference : state.defective,
        handled: { ...state.handled, varied: add(state.handled.varied, conditionKey(condition, reference)) },
      };
    }
    case 'StockAnomalyDetected':
      return { ...state, anomalies: state.anomalies + 1 };
    default:
      return state;
  }
};
