/** Command handling with a state cache: two writers with their own caches never lose an update. */
import { expect, test } from 'vitest';
import { StateCache } from '../../src/application/commands/state-cache.ts';
import { handleCommand, loadState } from '../../src/application/commands/handle-command.ts';
import { MemoryEventStore } from '../../src/adapters/event-store/memory/memory-event-store.ts';
import { RandomIds } from '../../src/adapters/ids/random-ids.ts';
import { stockStreamName } from '../../src/domain/stock-ledger/index.ts';
import { stockLedgers } from '../../src/application/commands/aggregates.ts';
import { readerOf } from '../support/decode.ts';
import type { EventStore } from '../../src/application/ports/event-store.ts';

const cause = { correlationId: 'c', causationId: 'c', recordedAt: '2025-11-22T02:00:00.000Z' };
const stream = stockStreamName('WH1', 'SKU1');
const receive = (reference: string, quantity: number) => ({
  type: 'ReceiveStock' as const,
  data: { reference, warehouseCode: 'WH1', sku: 'SKU1', quantity, condition: 'SELLABLE' as const, now: cause.recordedAt },
});

/** A store that counts how many events each read returns. */
const counting = (store: EventStore) => {
  const reads: number[] = [];
  const wrapped: EventStore = {
    append: (s, e, x) => store.append(s, e, x),
    readStream: async (s, o) => {
      const events = await store.readStream(s, o);
      reads.push(events.length);
      return events as never;
    },
    readAll: (o) => store.readAll(o),
    subscribe: (o) => store.subscribe(o),
  };
  return { store: wrapped, reads };
};

test('with a cache, a command reads only the events appended since the last one it saw', async () => {
  const { store, reads } = counting(new MemoryEventStore());
  const deps = { store, events: readerOf(store), ids: new RandomIds(), stateCache: new StateCache() };
  for (let i = 0; i < 5; i += 1) await handleCommand(deps, stockLedgers, stream, receive(`R${i}`, 1), cause);
  expect(reads).toEqual([0, 0, 0, 0, 0]);
  expect((await loadState(deps, stockLedgers, stream)).onHand).toBe(5);
});

test('two writers, each with its own (soon stale) cache, interleaved: every receipt counts once', async () => {
  const shared = new MemoryEventStore();
  const one = { store: shared, events: readerOf(shared), ids: new RandomIds(), stateCache: new StateCache() };
  const two = { store: shared, events: readerOf(shared), ids: new RandomIds(), stateCache: new StateCache() };
  for (let i = 0; i < 20; i += 2) {
    await Promise.all([
      handleCommand(one, stockLedgers, stream, receive(`R${i}`, i + 1), cause),
      handleCommand(two, stockLedgers, stream, receive(`R${i + 1}`, i + 2), cause),
    ]);
  }
  await handleCommand(one, stockLedgers, stream, receive('R3', 4), cause);
  const expected = (20 * 21) / 2;
  expect((await loadState(one, stockLedgers, stream)).onHand).toBe(expected);
  expect((await loadState(two, stockLedgers, stream)).onHand).toBe(expected);
  expect((await loadState({ events: readerOf(shared) }, stockLedgers, stream)).onHand).toBe(expected);
});

test('the cache drops the least recently used stream beyond its capacity, and never goes back to an older revision', () => {
  const cache = new StateCache(2);
  cache.set('a', 'A1', 1n);
  cache.set('b', 'B1', 1n);
  cache.get('a');
  cache.set('c', 'C1', 1n);
  expect(cache.get('b')).toBeUndefined();
  expect(cache.get('a')).toEqual({ state: 'A1', revision: 1n });
  cache.set('a', 'A0', 0n);
  expect(cache.get('a')).toEqual({ state: 'A1', revision: 1n });
});
