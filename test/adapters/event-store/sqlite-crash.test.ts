/**
 * A writer killed with SIGKILL in the middle of a run of appends leaves a consistent file:
 * integrity check passes, every append the writer saw return is there, every batch is all or
 * nothing, revisions are contiguous. (SIGKILL kills the process, not the machine: what is in the
 * OS page cache survives it. Power loss is what synchronous = FULL is for; no test here pulls
 * the plug.)
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { SqliteEventStore } from '../../../src/adapters/event-store/sqlite/sqlite-event-store.ts';
import type { StoredEvent } from '../../../src/application/ports/event-store.ts';
import { numberIn } from '../../support/payload.ts';

type Returned = Readonly<{ batch: number; stream: string; revision: string }>;

const BATCH = 7;
const child = new URL('../../support/event-store-crash-appender.ts', import.meta.url).pathname;
const directory = mkdtempSync(join(tmpdir(), 'hub-crash-'));
const file = join(directory, 'events.db');

afterAll(() => rmSync(directory, { recursive: true, force: true }));

test('SIGKILL mid-append: the file is consistent, every returned append is there, no batch is half there', async () => {
  const returned: Returned[] = [];
  const writer = fork(child, [file, String(BATCH)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => writer.once('exit', (_code, signal) => resolve(signal)));
  const killAt = 200;
  writer.on('message', (message: Returned) => {
    returned.push(message);
    if (returned.length === killAt) writer.kill('SIGKILL');
  });
  expect(await exited).toBe('SIGKILL');
  expect(returned.length).toBeGreaterThanOrEqual(killAt);

  const raw = new Database(file);
  expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
  raw.close();

  const store = SqliteEventStore.open(file);
  const streams = ['crash-A', 'crash-B', 'crash-C'];
  const stored = new Map<string, readonly StoredEvent[]>();
  for (const stream of streams) stored.set(stream, await store.readStream(stream));
  await store.close();

  for (const [stream, events] of stored) {
    expect(
      events.map((event) => event.revision),
      stream,
    ).toEqual(events.map((_, index) => BigInt(index)));
    const perBatch = new Map<number, number[]>();
    for (const event of events)
      perBatch.set(numberIn(event, 'batch'), [...(perBatch.get(numberIn(event, 'batch')) ?? []), numberIn(event, 'index')]);
    for (const [batch, indexes] of perBatch) expect(indexes, `batch ${batch}`).toEqual([0, 1, 2, 3, 4, 5, 6]);
  }
  for (const append of returned) {
    const events = stored.get(append.stream) ?? [];
    const last = events[Number(append.revision)];
    expect(last?.data, `returned batch ${append.batch}`).toEqual(expect.objectContaining({ batch: append.batch, index: BATCH - 1 }));
  }
});
