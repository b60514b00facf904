import { type StockLedgerState, available, reservationsHeld, stillReserved, stockLedgerDecider } from '../../domain/stock-ledger/index.ts';
import type { RecordedEvent } from '../events/recorded-event.ts';
import { streamIdOf } from '../ports/event-store.ts';
import { type Excusable, type StreamRules, anomalyKindOf } from './stream-rules.ts';

type Finding = Readonly<{ rule: string; message: string }>;
type StockEventRecorded = RecordedEvent<'stock'>;

const still = stillReserved;

/** What a movement's `batches` must add up to (absent: the whole of it is the "no batch" bucket's). */
const batchTotal = (event: StockEventRecorded): Readonly<{ parts: readonly number[]; whole: number }> | null => {
  switch (event.type) {
    case 'StockReserved':
    case 'StockReleased':
      return event.data.batches === undefined ? null : { parts: event.data.batches.map((b) => b.quantity), whole: event.data.quantity };
    case 'StockAdjusted':
      return event.data.batches === undefined ? null : { parts: event.data.batches.map((b) => b.quantity), whole: event.data.delta };
    case 'StockVarianceRecorded':
      return event.data.batches === undefined ? null : { parts: event.data.batches.map((b) => b.quantity), whole: event.data.difference };
    default:
      return null;
  }
};

/**
 * Batches (issue 11): a movement's batches add up to its quantity (a deduction's to its quantity and
 * to what it took from its reservation), and a reservation takes from each batch only what that
 * batch had available.
 */
const batchFindings = (event: StockEventRecorded, state: StockLedgerState): Finding[] => {
  const broken: Finding[] = [];
  const total = batchTotal(event);
  if (total !== null && total.parts.reduce((a, b) => a + b, 0) !== total.whole) {
    broken.push({
      rule: 'a movement’s batches add up to it',
      message: `${event.type} ${event.data.reference}: batches ${total.parts.join('+')} ≠ ${total.whole}`,
    });
  }
  if (event.type === 'StockDeducted' && event.data.batches !== undefined) {
    const { batches, quantity, fromReservation } = event.data;
    const sum = (of: (b: (typeof batches)[number]) => number) => batches.reduce((a, b) => a + of(b), 0);
    if (sum((b) => b.quantity) !== quantity || sum((b) => b.fromReservation) !== fromReservation) {
      broken.push({
        rule: 'a movement’s batches add up to it',
        message: `StockDeducted ${event.data.reference}: batches do not add up to ${quantity} (${fromReservation} reserved)`,
      });
    }
  }
  if (event.type === 'StockReserved') {
    for (const part of event.data.batches ?? []) {
      const batch = state.batches[part.batchNo ?? ''];
      const free = batch === undefined ? 0 : batch.onHand - batch.reserved;
      if (part.quantity > free) {
        broken.push({
          rule: 'reserve only what is available',
          message: `${event.data.reference} reserves ${part.quantity} of batch ${part.batchNo ?? '(none)'}, ${free} was available`,
        });
      }
    }
  }
  return broken;
};

/**
 * A stock ledger's invariants (docs/architecture.md#invariants: on hand ≥ 0, reserved ≤ on hand),
 * checked after every event of a `stock-{warehouse}.{sku}` stream: reserved ≥ 0 and equal to the
 * reservations held; on hand ≥ 0 and reserved ≤ on hand unless the fact that broke it is followed
 * by its anomaly (NEGATIVE_ON_HAND, RESERVED_EXCEEDS_ON_HAND), which holds until the figures are
 * back; defective ≥ 0 unless followed by NEGATIVE_DEFECTIVE; a reservation takes only what is
 * available, a release only what is held, a deduction consumes its reservation as far as it goes;
 * a count states the on hand it replaced, a variance the figure it corrected; an anomaly states the
 * figures the ledger had; every event names this ledger's warehouse and SKU; a movement's batches
 * add up to it, and a reservation takes from each batch only what it had available.
 */
export const stockRules = (stream: string): StreamRules<StockEventRecorded> => {
  const ledger = streamIdOf(stream);
  let state: StockLedgerState = stockLedgerDecider.initialState;
  let negativeExcused = false;
  let overReservedExcused = false;
  let negativeDefectiveExcused = false;

  const before = (event: StockEventRecorded): Finding[] => {
    const broken: Finding[] = [];
    const { warehouseCode, sku } = event.data;
    if (`${warehouseCode}.${sku}` !== ledger) {
      broken.push({ rule: 'a stream holds its own ledger', message: `${event.type} for ${warehouseCode}.${sku} in ${stream}` });
    }
    broken.push(...batchFindings(event, state));
    switch (event.type) {
      case 'StockReserved':
        if (event.data.quantity > available(state)) {
          broken.push({
            rule: 'reserve only what is available',
            message: `${event.data.reference} reserves ${event.data.quantity}, ${available(state)} was available`,
          });
        }
        break;
      case 'StockReleased': {
        const held = still(state, event.data.reservation);
        if (event.data.quantity > held) {
          broken.push({
            rule: 'release only what is held',
            message: `${event.data.reference} releases ${event.data.quantity} of ${event.data.reservation}, which held ${held}`,
          });
        }
        break;
      }
      case 'StockDeducted': {
        const { reservation, quantity, fromReservation } = event.data;
        const expected = reservation === null ? 0 : Math.min(quantity, still(state, reservation));
        if (fromReservation !== expected) {
          broken.push({
            rule: 'a deduction consumes its reservation',
            message: `${event.data.reference} takes ${fromReservation} from ${String(reservation)}; it held ${reservation === null ? 0 : still(state, reservation)}`,
          });
        }
        break;
      }
      case 'StockAdjusted': {
        const { previousOnHand, countedOnHand, delta } = event.data;
        if (previousOnHand !== state.onHand || delta !== countedOnHand - previousOnHand) {
          broken.push({
            rule: 'a count states the on hand it replaced',
            message: `count ${event.data.reference}: previous ${previousOnHand}, delta ${delta}, counted ${countedOnHand}; the ledger had ${state.onHand}`,
          });
        }
        break;
      }
      case 'StockVarianceRecorded': {
        const { condition, hubFigure, warehouseFigure, difference } = event.data;
        const figure = condition === 'SELLABLE' ? state.onHand : state.defective;
        if (hubFigure !== figure || difference !== warehouseFigure - hubFigure) {
          broken.push({
            rule: 'a variance states the figure it corrected',
            message: `variance ${event.data.reference} (${condition}): hub ${hubFigure}, warehouse ${warehouseFigure}, difference ${difference}; the ledger had ${figure}`,
          });
        }
        break;
      }
      case 'StockAnomalyDetected':
        if (event.data.onHand !== state.onHand || event.data.reserved !== state.reserved) {
          broken.push({
            rule: 'an anomaly states the ledger’s figures',
            message: `${event.data.kind} says on hand ${event.data.onHand}, reserved ${event.data.reserved}; the ledger had ${state.onHand}, ${state.reserved}`,
          });
        }
        break;
      default:
        break;
    }
    return broken;
  };

  return {
    step(event) {
      const broken = before(event);
      // the references already handled (what makes a redelivery decide nothing) are not part of
      // any invariant, and copying them at every step would make a long ledger's fold quadratic
      state = stockLedgerDecider.evolve({ ...state, handled: stockLedgerDecider.initialState.handled }, event);
      const kind = anomalyKindOf(event);
      if (kind === 'NEGATIVE_ON_HAND') negativeExcused = true;
      if (kind === 'RESERVED_EXCEEDS_ON_HAND') overReservedExcused = true;
      if (kind === 'NEGATIVE_DEFECTIVE') negativeDefectiveExcused = true;
      const negative = state.onHand < 0;
      const overReserved = state.reserved > 0 && state.reserved > state.onHand;
      const negativeDefective = state.defective < 0;
      if (!negative) negativeExcused = false;
      if (!overReserved) overReservedExcused = false;
      if (!negativeDefective) negativeDefectiveExcused = false;
      const excusable: Excusable[] = [];
      if (negativeDefective && !negativeDefectiveExcused) {
        excusable.push({
          rule: 'defective ≥ 0',
          message: `defective ${state.defective} after ${event.type}, and no NEGATIVE_DEFECTIVE anomaly follows`,
          anomalyKinds: ['NEGATIVE_DEFECTIVE'],
        });
        negativeDefectiveExcused = true;
      }
      if (negative && !negativeExcused) {
        excusable.push({
          rule: 'on hand ≥ 0',
          message: `on hand ${state.onHand} after ${event.type}, and no NEGATIVE_ON_HAND anomaly follows`,
          anomalyKinds: ['NEGATIVE_ON_HAND'],
        });
        negativeExcused = true;
      }
      if (overReserved && !overReservedExcused) {
        excusable.push({
          rule: 'reserved ≤ on hand',
          message: `reserved ${state.reserved} > on hand ${state.onHand} after ${event.type}, and no RESERVED_EXCEEDS_ON_HAND anomaly follows`,
          anomalyKinds: ['RESERVED_EXCEEDS_ON_HAND'],
        });
        overReservedExcused = true;
      }
      if (state.reserved < 0) broken.push({ rule: 'reserved ≥ 0', message: `reserved ${state.reserved} after ${event.type}` });
      const held = [...reservationsHeld(state)].reduce((sum, [, quantity]) => sum + quantity, 0);
      if (held !== state.reserved)
        broken.push({ rule: 'reserved = the reservations held', message: `reserved ${state.reserved}, reservations hold ${held}` });
      return { broken, excusable };
    },
    end: () => [],
  };
};
