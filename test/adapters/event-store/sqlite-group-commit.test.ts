/**
 * Group commit on the embedded store: appends asked for in the same turn of the event loop are
 * written in one durable transaction, each in a savepoint of its own, so that a refused one (a
 * conflict, an event id taken) is refused alone and the others stand; in the order they were asked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { SqliteEventStore } from '../../../src/adapters/event-store/sqlite/sqlite-event-store.ts';
import { StreamConflict } from '../../../src/application/ports/stream-conflict.ts';
import { numbered } from '../../support/payload.ts';

const directory = mkdtempSync(join(tmpdir(), 'hub-group-commit-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

test('20 appends asked for at once are one transaction, each durable when it resolves', async () => {
  const store = SqliteEventStore.open(join(directory, 'many.db'));
  const before = store.committed;
  const results = await Promise.all(Array.from({ length: 20 }, (_, n) => store.append(`order-G${n}`, [numbered(n)], 'no_stream')));
  expect(store.committed - before).toBe(1);
  // in the order they were asked
  expect(results.map((result) => Number(result.position.commit))).toEqual(Array.from({ length: 20 }, (_, n) => n + 1));
  await store.close();
  const reopened = SqliteEventStore.open(join(directory, 'many.db'));
  expect(await reopened.readAll()).toHaveLength(20);
  await reopened.close();
});

test('one refused append of a group is refused alone: a conflict and a taken id leave the others written', async () => {
  const store = SqliteEventStore.open(join(directory, 'refused.db'));
  const taken = numbered(100);
  const [a, c] = [numbered(1), numbered(4)];
  await store.append('order-TAKEN', [taken], 'no_stream');
  const outcomes = await Promise.allSettled([
    store.append('order-A', [a], 'no_stream'),
    // the second of two 'no_stream' appends to one stream conflicts with the first, in the same transaction
    store.append('order-A', [numbered(2)], 'no_stream'),
    // an event id another stream holds
    store.append('order-B', [numbered(3), taken], 'no_stream'),
    store.append('order-C', [c], 'no_stream'),
  ]);
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
  expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(StreamConflict);
  expect((await store.readStream('order-A')).map((event) => event.id)).toEqual([a.id]);
  // nothing of order-B's append was kept, not even its first event
  expect(await store.readStream('order-B')).toEqual([]);
  expect((await store.readStream('order-C')).map((event) => event.id)).toEqual([c.id]);
  // the subscribers' view has the written events only, without gaps
  const all = await store.readAll();
  expect(all.map((event) => Number(event.position.commit))).toEqual([1, 2, 3]);
  await store.close();
});
