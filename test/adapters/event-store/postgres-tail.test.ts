/**
 * The PostgreSQL store's shared tail (src/adapters/event-store/postgres/postgres-tail.ts) over a
 * scripted source: pages served by category from one read, callers at the same moment sharing a
 * read, a caller never served by a read that began before it asked, and positions the tail no
 * longer reaches handed back to the caller (undefined).
 */
import { expect, test } from 'vitest';
import type { Position, StoredEvent } from '../../../src/application/ports/event-store.ts';
import { StoreTail, TAIL_CAPACITY } from '../../../src/adapters/event-store/postgres/postgres-tail.ts';

const at = (n: number): Position => ({ commit: BigInt(n), prepare: BigInt(n) });
const eventAt = (n: number, category: string): StoredEvent => ({
  id: `e${n}`,
  type: 'Tested',
  data: {},
  metadata: { correlationId: 'c', causationId: 'c', recordedAt: '2025-11-22T00:00:00.000Z' },
  stream: `${category}-${n}`,
  revision: 0n,
  position: at(n),
});

/** A store of `events` (more may be pushed), its head at `head`; counts the reads, each one held until `release()` when `holding`. */
const scripted = (head: number) => {
  const events: StoredEvent[] = [];
  let reads = 0;
  let holding = false;
  let release: () => void = () => undefined;
  const source = {
    head: async () => (head === 0 ? undefined : at(head)),
    read: async (after: Position | undefined, limit: number) => {
      reads += 1;
      const snapshot = events.filter((event) => after === undefined || event.position.commit > after.commit).slice(0, limit);
      if (holding) await new Promise<void>((resolve) => (release = resolve));
      return snapshot;
    },
  };
  return {
    source,
    events,
    reads: () => reads,
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      release();
    },
  };
};

test('pages of one category from one read of every category; the events before the head are not the tail’s', async () => {
  const store = scripted(10);
  for (let n = 11; n <= 16; n += 1) store.events.push(eventAt(n, n % 2 === 0 ? 'order' : 'stock'));
  const tail = new StoreTail(store.source);
  expect((await tail.page(at(10), 'order', 100))?.map((event) => event.id)).toEqual(['e12', 'e14', 'e16']);
  expect((await tail.page(at(13), undefined, 2))?.map((event) => event.id)).toEqual(['e14', 'e15']); // a full page: no read
  expect(await tail.page(at(9), 'order', 100)).toBeUndefined(); // before the tail: the caller reads the store
  expect(tail.start()).toEqual(at(10));
  expect(store.reads()).toBe(2);
});

test('callers at the same moment share a read; one that came while a read was under way waits for the next', async () => {
  const store = scripted(0);
  store.events.push(eventAt(1, 'order'));
  const tail = new StoreTail(store.source);
  await tail.page(undefined, undefined, 100);
  const readsBefore = store.reads();
  store.hold();
  const first = tail.page(at(1), 'order', 100); // starts a read, held
  store.events.push(eventAt(2, 'order')); // committed after that read began
  const later = Array.from({ length: 10 }, () => tail.page(at(1), 'order', 100));
  store.release();
  expect((await first)?.map((event) => event.id)).toEqual([]);
  for (const page of await Promise.all(later)) expect(page?.map((event) => event.id)).toEqual(['e2']);
  expect(store.reads() - readsBefore).toBe(2);
});

test('a tail grown past twice its capacity drops its oldest events: their positions are no longer served', async () => {
  const store = scripted(0);
  const tail = new StoreTail(store.source);
  await tail.page(undefined, undefined, 1);
  for (let n = 1; n <= 2 * TAIL_CAPACITY + 1; n += 1) store.events.push(eventAt(n, 'order'));
  const all = await tail.page(undefined, 'order', 3 * TAIL_CAPACITY);
  expect(all).toBeUndefined(); // the tail now starts after the events it dropped
  const start = tail.start();
  if (start === undefined || start === null) throw new Error('the tail has no start');
  expect(Number(start.commit)).toBe(TAIL_CAPACITY + 1);
  expect((await tail.page(start, 'order', 3 * TAIL_CAPACITY))?.length).toBe(TAIL_CAPACITY);
});
