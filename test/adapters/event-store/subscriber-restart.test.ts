/**
 * A subscriber that saves its checkpoint after handling each event, and crashes, resumes after
 * the last event it finished: never before it (nothing finished is handled twice), never past
 * the one it was in the middle of (that one is handled again: at least once). Shown twice: with
 * a handler that throws, in this process; and with a process killed by SIGKILL in the middle of
 * an event, then started again, as a crashed service would be.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test, vi } from 'vitest';
import { SqliteCheckpointStore } from '../../../src/adapters/checkpoints/sqlite-checkpoint-store.ts';
import { SqliteEventStore } from '../../../src/adapters/event-store/sqlite/sqlite-event-store.ts';
import { type StoredEvent, positionToString } from '../../../src/application/ports/event-store.ts';
import { numberIn, numbered } from '../../support/payload.ts';

const directory = mkdtempSync(join(tmpdir(), 'hub-checkpoint-'));
const events = join(directory, 'events.db');
const checkpoints = join(directory, 'checkpoints.db');
afterAll(() => rmSync(directory, { recursive: true, force: true }));

test('a checkpoint saved after handling: the restarted subscriber goes on with the event it had not finished', async () => {
  const store = SqliteEventStore.open(events);
  await store.append(
    'order-R1',
    Array.from({ length: 20 }, (_, n) => numbered(n)),
    'no_stream',
  );
  const saved = SqliteCheckpointStore.open(checkpoints);
  expect(await saved.load('order-view')).toBeUndefined();

  const finished: number[] = [];
  const crashing = store.subscribe({
    category: 'order',
    after: await saved.load('order-view'),
    onEvent: async (event) => {
      if (numberIn(event, 'n') === 8) throw new Error('crash in the middle of event 8');
      finished.push(numberIn(event, 'n'));
      await saved.save('order-view', event.position);
    },
  });
  await expect(crashing.done).rejects.toThrow('crash in the middle of event 8');
  await store.close();
  saved.close();
  expect(finished).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

  const reopened = SqliteEventStore.open(events);
  const checkpoint = SqliteCheckpointStore.open(checkpoints);
  const resumed: StoredEvent[] = [];
  const restarted = reopened.subscribe({
    category: 'order',
    after: await checkpoint.load('order-view'),
    onEvent: async (event) => {
      resumed.push(event);
      await checkpoint.save('order-view', event.position);
    },
  });
  await restarted.caughtUp;
  expect(resumed.map((event) => numberIn(event, 'n'))).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  expect(await checkpoint.load('order-view')).toEqual(resumed.at(-1)?.position);
  await reopened.close();
  checkpoint.close();
});

test('another connection to the same file (as another process would) hears appends when it polls', async () => {
  const writer = SqliteEventStore.open(events);
  const reader = SqliteEventStore.open(events, { pollIntervalMs: 20 });
  const [last] = await reader.readAll({ category: 'order' }).then((all) => all.slice(-1));
  const heard: StoredEvent[] = [];
  const subscription = reader.subscribe({ category: 'order', after: last?.position, onEvent: (event) => void heard.push(event) });
  await subscription.caughtUp;
  await writer.append('order-R2', [numbered(100)], 'no_stream');
  await vi.waitFor(() => expect(heard.map((event) => numberIn(event, 'n'))).toEqual([100]), { timeout: 5_000, interval: 10 });
  await reader.close();
  await writer.close();
});

type Said = Readonly<{ handling?: number; finished?: number; position?: string; caughtUp?: true }>;

/** The subscriber in a child process (test/support/event-store-checkpointing-subscriber.ts), and what it says. */
const subscriberProcess = (file: string, stallAt: number) => {
  const child: ChildProcess = fork(
    new URL('../../support/event-store-checkpointing-subscriber.ts', import.meta.url).pathname,
    [file, file, 'order-view', String(stallAt)],
    {
      execArgv: ['--import', 'tsx'],
      stdio: 'inherit',
    },
  );
  const said: Said[] = [];
  const waiting: { until: (said: Said) => boolean; resolve: () => void }[] = [];
  child.on('message', (message: Said) => {
    said.push(message);
    for (const wait of waiting.filter(({ until }) => until(message))) wait.resolve();
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  return {
    said,
    exited,
    /** Settles when the child says something that matches; rejects if it exits first. */
    saying: (until: (said: Said) => boolean): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ until, resolve });
        void exited.then((signal) => reject(new Error(`subscriber exited (${String(signal)}) before saying what was awaited`)));
      }),
    kill: async (): Promise<NodeJS.Signals | null> => {
      child.kill('SIGKILL');
      return exited;
    },
  };
};

test('SIGKILL in the middle of an event: the restarted process resumes with that event, after the last one it finished, never before', async () => {
  const file = join(directory, 'killed.db'); // events and checkpoints in one file, as the service may keep them
  const store = SqliteEventStore.open(file);
  await store.append(
    'order-K1',
    Array.from({ length: 30 }, (_, n) => numbered(n)),
    'no_stream',
  );
  await store.append('stock-K1', [numbered(1_000)], 'no_stream');
  const stored = await store.readAll({ category: 'order' });
  await store.close();

  const crashed = subscriberProcess(file, 17);
  await crashed.saying((said) => said.handling === 17);
  expect(await crashed.kill()).toBe('SIGKILL');
  const finished = crashed.said.filter((said) => said.finished !== undefined);
  expect(finished.map((said) => said.finished)).toEqual(Array.from({ length: 17 }, (_, n) => n));
  expect(finished.map((said) => said.position)).toEqual(stored.slice(0, 17).map((event) => positionToString(event.position)));

  const checkpoint = SqliteCheckpointStore.open(file);
  expect(await checkpoint.load('order-view')).toEqual(stored[16]?.position);
  checkpoint.close();

  const restarted = subscriberProcess(file, -1);
  await restarted.saying((said) => said.caughtUp === true);
  await restarted.kill();
  const handled = restarted.said.filter((said) => said.handling !== undefined).map((said) => said.handling);
  expect(handled).toEqual(Array.from({ length: 13 }, (_, n) => 17 + n)); // 17 again (it never finished), nothing before it
  expect(restarted.said.filter((said) => said.finished !== undefined).map((said) => said.finished)).toEqual(handled);
  const resumed = SqliteCheckpointStore.open(file);
  expect(await resumed.load('order-view')).toEqual(stored.at(-1)?.position);
  resumed.close();
});
