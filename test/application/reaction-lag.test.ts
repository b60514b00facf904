/**
 * A reaction's lag (src/application/reactions/reaction-lag.ts): the events of its categories and
 * types stored after its checkpoint, and when the oldest of them was recorded; a reaction whose
 * category is quiet is not behind, however far the rest of the store has gone.
 */
import { expect, test } from 'vitest';
import { MemoryEventStore } from '../../src/adapters/event-store/memory/memory-event-store.ts';
import type { EventStore } from '../../src/application/ports/event-store.ts';
import { reactionLag, reactionLags } from '../../src/application/reactions/reaction-lag.ts';
import { MemoryCheckpoints } from '../support/memory-ports.ts';

const append = (store: EventStore, stream: string, type: string, recordedAt: string) =>
  store.append(
    stream,
    [{ id: crypto.randomUUID(), type, data: {}, metadata: { correlationId: 'c', causationId: 'c', recordedAt } }],
    'any',
  );

const follows = { categories: ['order'], types: ['StockReserved'] };

test('counts the events of its categories and types after its checkpoint, and the oldest of them', async () => {
  const store = new MemoryEventStore();
  const handled = await append(store, 'order-A', 'StockReserved', '2025-11-22T02:00:00.000Z');
  await append(store, 'order-A', 'OrderPlaced', '2025-11-22T02:00:01.000Z');
  await append(store, 'order-B', 'StockReserved', '2025-11-22T02:00:02.000Z');
  await append(store, 'stock-WH1.S1', 'StockReserved', '2025-11-22T02:00:03.000Z');
  await append(store, 'order-C', 'StockReserved', '2025-11-22T02:00:04.000Z');
  expect(await reactionLag(store, handled.position, follows)).toEqual({
    position: `${handled.position.commit}/${handled.position.prepare}`,
    behind: 2,
    waitingSince: '2025-11-22T02:00:02.000Z',
  });
  // never started: everything it handles waits
  expect(await reactionLag(store, undefined, follows)).toMatchObject({
    position: null,
    behind: 3,
    waitingSince: '2025-11-22T02:00:00.000Z',
  });
});

test('a reaction whose category is quiet is not behind, however many events other categories have had since', async () => {
  const store = new MemoryEventStore();
  const last = await append(store, 'return-R1', 'ReturnCreated', '2025-11-22T02:00:00.000Z');
  for (let n = 0; n < 600; n += 1) await append(store, `order-O${n}`, 'StockReserved', '2025-11-22T02:00:01.000Z');
  const checkpoints = new MemoryCheckpoints();
  await checkpoints.save('expect-return', last.position);
  const lags = await reactionLags(store, checkpoints, [
    { name: 'expect-return', handles: { categories: ['return'], types: ['ReturnCreated'] } },
    { name: 'push', handles: follows },
  ]);
  expect(lags['expect-return']).toMatchObject({ behind: 0, waitingSince: null });
  // more than a page of them, counted in full
  expect(lags.push).toMatchObject({ behind: 600, waitingSince: '2025-11-22T02:00:01.000Z' });
});
