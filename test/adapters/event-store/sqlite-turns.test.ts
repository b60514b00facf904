/**
 * better-sqlite3 is synchronous: without a turn of the event loop between statements, work made
 * of many appends (a 500-line reservation is 500 appends) holds the loop for all of them, and no
 * request, timer or /health probe is served meanwhile (the hardening issue's 100 ms budget). Each
 * append and each read gives the loop a turn before its caller goes on. Counted in turns of the
 * loop (a setImmediate that re-arms itself), not in wall time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { SqliteEventStore } from '../../../src/adapters/event-store/sqlite/sqlite-event-store.ts';
import { numbered } from '../../support/payload.ts';

const directory = mkdtempSync(join(tmpdir(), 'hub-turns-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Counts the turns of the event loop while `work` runs. */
const turnsDuring = async (work: () => Promise<unknown>): Promise<number> => {
  let turns = 0;
  let running = true;
  const tick = (): void => {
    if (!running) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  try {
    await work();
  } finally {
    running = false;
  }
  return turns;
};

test('a run of 100 appends lets the event loop turn between each of them', async () => {
  const store = SqliteEventStore.open(join(directory, 'appends.db'), { synchronous: 'NORMAL' });
  const turns = await turnsDuring(async () => {
    for (let n = 0; n < 100; n += 1) await store.append(`stock-WH1.S${n}`, [numbered(n)], 'no_stream');
  });
  expect(turns).toBeGreaterThanOrEqual(100);
  await store.close();
});

test('reads let the event loop turn too: of a stream, of $all, of a category', async () => {
  const store = SqliteEventStore.open(join(directory, 'reads.db'), { synchronous: 'NORMAL' });
  await store.append('order-A', [numbered(1), numbered(2)], 'no_stream');
  const turns = await turnsDuring(async () => {
    for (let n = 0; n < 30; n += 1) {
      await store.readStream('order-A');
      await store.readAll({ maxCount: 1 });
      await store.readAll({ category: 'order' });
    }
  });
  expect(turns).toBeGreaterThanOrEqual(90);
  await store.close();
});
