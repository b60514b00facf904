/**
 * A subscriber that saves its checkpoint after handling each event, and crashes, resumes after
 * the last event it finished: never before it (nothing finished is handled twice), never past
 * the one it was in the middle of (that one is handled again: at least once).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test, vi } from 'vitest';
import { SqliteCheckpointStore } from '../../../src/adapters/checkpoints/sqlite-checkpoint-store.ts';
import { SqliteEventStore } from '../../../src/adapters/event-store/sqlite/sqlite-event-store.ts';
import type { StoredEvent } from '../../../src/application/ports/event-store.ts';

type Numbered = Readonly<{ type: 'Numbered'; data: { n: number } }>;

const directory = mkdtempSync(join(tmpdir(), 'hub-checkpoint-'));
const events = join(directory, 'events.db');
const checkpoints = join(directory, 'checkpoints.db');
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const numbered = (n: number) => ({
  id: crypto.randomUUID(),
  type: 'Numbered' as const,
  data: { n },
  metadata: { correlationId: 'c', causationId: 'c', recordedAt: '2025-11-22T02:00:00.000Z' },
});

test('a checkpoint saved after handling: the restarted subscriber goes on with the event it had not finished', async () => {
  const store = SqliteEventStore.open(events);
  await store.append('order-R1', Array.from({ length: 20 }, (_, n) => numbered(n)), 'no_stream');
  const saved = SqliteCheckpointStore.open(checkpoints);
  expect(await saved.load('order-view')).toBeUndefined();

  const finished: number[] = [];
  const crashing = store.subscribe<Numbered>({
    category: 'order',
    after: await saved.load('order-view'),
    onEvent: async (event) => {
      if (event.data.n === 8) throw new Error('crash in the middle of event 8');
      finished.push(event.data.n);
      await saved.save('order-view', event.position);
    },
  });
  await expect(crashing.done).rejects.toThrow('crash in the middle of event 8');
  await store.close();
  saved.close();
  expect(finished).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

  const reopened = SqliteEventStore.open(events);
  const checkpoint = SqliteCheckpointStore.open(checkpoints);
  const resumed: StoredEvent<Numbered>[] = [];
  const restarted = reopened.subscribe<Numbered>({
    category: 'order',
    after: await checkpoint.load('order-view'),
    onEvent: async (event) => {
      resumed.push(event);
      await checkpoint.save('order-view', event.position);
    },
  });
  await restarted.caughtUp;
  expect(resumed.map((event) => event.data.n)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  expect(await checkpoint.load('order-view')).toEqual(resumed.at(-1)?.position);
  await reopened.close();
  checkpoint.close();
});

test('another connection to the same file (as another process would) hears appends when it polls', async () => {
  const writer = SqliteEventStore.open(events);
  const reader = SqliteEventStore.open(events, { pollIntervalMs: 20 });
  const [last] = await reader.readAll({ category: 'order' }).then((all) => all.slice(-1));
  const heard: StoredEvent<Numbered>[] = [];
  const subscription = reader.subscribe<Numbered>({ category: 'order', after: last?.position, onEvent: (event) => void heard.push(event) });
  await subscription.caughtUp;
  await writer.append('order-R2', [numbered(100)], 'no_stream');
  await vi.waitFor(() => expect(heard.map((event) => event.data.n)).toEqual([100]), { timeout: 5_000, interval: 10 });
  await reader.close();
  await writer.close();
});
