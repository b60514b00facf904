/**
 * The stock ledger's state as JSON, for snapshots. Its persistent maps are written as their
 * entries, in the map's own order (so that reading them back takes one pass: `mapOf`), its key sets
 * of handled references as their two parts (the sorted text as one string: reading it back is
 * checking its order), and everything is read back field by field: no cast, and nothing but a
 * whole, well-formed state comes out.
 */
import { type KeySet, keySetOf, keySetParts } from '../../domain/kernel/key-set.ts';
import { type PersistentMap, entriesOf, mapOf } from '../../domain/kernel/persistent-map.ts';
import type { BatchFigures, StockLedgerState } from '../../domain/stock-ledger/index.ts';
import type { JsonValue } from '../ports/event-store.ts';
import type { StateCodec } from './state-codec.ts';

type Json = Readonly<Record<string, unknown>>;

const isArray = (value: unknown): value is readonly unknown[] => Array.isArray(value);
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isText = (value: unknown): value is string => typeof value === 'string';
const isTextOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string';

/** Thrown inside `decode` only, and caught there: the first thing found wrong ends the reading. */
class Malformed extends Error {}

const check = <T>(value: unknown, is: (value: unknown) => value is T, what: string): T => {
  if (!is(value)) throw new Malformed(what);
  return value;
};

const setOf = (json: unknown, what: string): KeySet => {
  const parts = check(json, isObject, what);
  const recent = check(parts.recent, isArray, what).map((key) => check(key, isText, what));
  const set = keySetOf(check(parts.sorted, isText, what), recent);
  if (set === undefined) throw new Malformed(what);
  return set;
};

const mapFrom = <V>(json: unknown, value: (json: unknown) => V, what: string): PersistentMap<V> => {
  const entries = check(json, isArray, what);
  return mapOf(
    entries.map((entry) => {
      const [key, held, ...rest] = check(entry, isArray, what);
      if (rest.length > 0) throw new Malformed(what);
      return [check(key, isText, what), value(held)] as const;
    }),
  );
};

const quantities = (json: unknown): Readonly<Record<string, number>> => {
  const record = check(json, isObject, 'allocation');
  return Object.fromEntries(Object.entries(record).map(([key, quantity]) => [key, check(quantity, isNumber, 'allocation')]));
};

const batchOf = (json: unknown): BatchFigures => {
  const batch = check(json, isObject, 'batch');
  return {
    batchNo: check(batch.batchNo, isTextOrNull, 'batchNo'),
    productionDate: check(batch.productionDate, isTextOrNull, 'productionDate'),
    expiryDate: check(batch.expiryDate, isTextOrNull, 'expiryDate'),
    onHand: check(batch.onHand, isNumber, 'batch onHand'),
    reserved: check(batch.reserved, isNumber, 'batch reserved'),
    defective: check(batch.defective, isNumber, 'batch defective'),
  };
};

const encode = (state: StockLedgerState): JsonValue => ({
  warehouseCode: state.warehouseCode,
  sku: state.sku,
  onHand: state.onHand,
  reserved: state.reserved,
  defective: state.defective,
  anomalies: state.anomalies,
  reservations: Array.from(entriesOf(state.reservations), ([key, quantity]) => [key, quantity]),
  batches: state.batches,
  allocations: Array.from(entriesOf(state.allocations), ([key, allocation]) => [key, allocation]),
  handled: {
    received: keySetParts(state.handled.received),
    reserved: keySetParts(state.handled.reserved),
    released: keySetParts(state.handled.released),
    deducted: keySetParts(state.handled.deducted),
    adjusted: keySetParts(state.handled.adjusted),
    varied: keySetParts(state.handled.varied),
  },
});

const decodeOrThrow = (json: unknown): StockLedgerState => {
  const state = check(json, isObject, 'state');
  const handled = check(state.handled, isObject, 'handled');
  const batches = check(state.batches, isObject, 'batches');
  return {
    warehouseCode: check(state.warehouseCode, isTextOrNull, 'warehouseCode'),
    sku: check(state.sku, isTextOrNull, 'sku'),
    onHand: check(state.onHand, isNumber, 'onHand'),
    reserved: check(state.reserved, isNumber, 'reserved'),
    defective: check(state.defective, isNumber, 'defective'),
    anomalies: check(state.anomalies, isNumber, 'anomalies'),
    reservations: mapFrom(state.reservations, (quantity) => check(quantity, isNumber, 'reservation'), 'reservations'),
    batches: Object.fromEntries(Object.entries(batches).map(([key, batch]) => [key, batchOf(batch)])),
    allocations: mapFrom(state.allocations, quantities, 'allocations'),
    handled: {
      received: setOf(handled.received, 'handled.received'),
      reserved: setOf(handled.reserved, 'handled.reserved'),
      released: setOf(handled.released, 'handled.released'),
      deducted: setOf(handled.deducted, 'handled.deducted'),
      adjusted: setOf(handled.adjusted, 'handled.adjusted'),
      varied: setOf(handled.varied, 'handled.varied'),
    },
  };
};

export const stockLedgerStateCodec: StateCodec<StockLedgerState> = {
  schema: 'stock-ledger/2',
  encode,
  decode: (json) => {
    try {
      return decodeOrThrow(json);
    } catch (error) {
      if (error instanceof Malformed) return undefined;
      throw error;
    }
  },
};
