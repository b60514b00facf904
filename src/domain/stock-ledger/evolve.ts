import type { StockEvent } from './events.ts';
import { addKey as add, removeKey, setValue } from '../kernel/persistent-map.ts';
import { type StockLedgerState, conditionKey, stillReserved } from './state.ts';

/** Sets a reservation's remainder; a remainder of zero (or less) leaves the map. */
const withRemainder = (reservations: StockLedgerState['reservations'], reservation: string, remainder: number) =>
  remainder > 0 ? setValue(reservations, reservation, remainder) : removeKey(reservations, reservation);

const identified = (state: StockLedgerState, event: StockEvent): StockLedgerState =>
  state.warehouseCode === null ? { ...state, warehouseCode: event.data.warehouseCode, sku: event.data.sku } : state;

export const evolve = (current: StockLedgerState, event: StockEvent): StockLedgerState => {
  const state = identified(current, event);
  switch (event.type) {
    case 'StockReceived': {
      const { condition, quantity, reference } = event.data;
      return {
        ...state,
        onHand: condition === 'SELLABLE' ? state.onHand + quantity : state.onHand,
        defective: condition === 'DEFECTIVE' ? state.defective + quantity : state.defective,
        handled: { ...state.handled, received: add(state.handled.received, conditionKey(condition, reference)) },
      };
    }
    case 'StockReserved': {
      const { reference, quantity } = event.data;
      return {
        ...state,
        reserved: state.reserved + quantity,
        reservations: withRemainder(state.reservations, reference, stillReserved(state, reference) + quantity),
        handled: { ...state.handled, reserved: add(state.handled.reserved, reference) },
      };
    }
    case 'StockReleased': {
      const { reference, reservation, quantity } = event.data;
      return {
        ...state,
        reserved: state.reserved - quantity,
        reservations: withRemainder(state.reservations, reservation, stillReserved(state, reservation) - quantity),
        handled: { ...state.handled, released: add(state.handled.released, reference) },
      };
    }
    case 'StockDeducted': {
      const { reservation, quantity, fromReservation } = event.data;
      return {
        ...state,
        onHand: state.onHand - quantity,
        reserved: state.reserved - fromReservation,
        reservations:
          reservation === null || fromReservation === 0
            ? state.reservations
            : withRemainder(state.reservations, reservation, stillReserved(state, reservation) - fromReservation),
        handled: { ...state.handled, deducted: add(state.handled.deducted, event.data.reference) },
      };
    }
    case 'StockAdjusted':
      return {
        ...state,
        onHand: state.onHand + event.data.delta,
        handled: { ...state.handled, adjusted: add(state.handled.adjusted, event.data.reference) },
      };
    case 'StockVarianceRecorded': {
      const { condition, difference, reference } = event.data;
      return {
        ...state,
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
