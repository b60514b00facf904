/**
 * The SQLite store serves its subscriptions the events this process just appended from memory
 * (decoded once). Appends interleaved with another connection's on the same file (as another
 * process would make them) must still reach a subscriber all, once each, in position order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test, vi } from 'vitest';
import { SqliteEventStore } from '../../../src/adapters/event-store/sqlite/sqlite-event-store.ts';
import type { StoredEvent } from '../../../src/application/ports/event-store.ts';
import { numberIn, numbered } from '../../support/payload.ts';

const directory = mkdtempSync(join(tmpdir(), 'hub-tail-'));
const file = join(directory, 'events.db');
afterAll(() => rmSync(directory, { recursive: true, force: true }));

test('appends of this connection and of another, interleaved, all reach the subscriber once, in order', async () => {
  const own = SqliteEventStore.open(file, { pollIntervalMs: 10 });
  const other = SqliteEventStore.open(file);
  const heard: StoredEvent[] = [];
  const everything: StoredEvent[] = [];
  const orders = own.subscribe({ category: 'order', onEvent: (event) => void heard.push(event) });
  const all = own.subscribe({ onEvent: (event) => void everything.push(event) });
  await Promise.all([orders.caughtUp, all.caughtUp]);
  let n = 0;
  for (let round = 0; round < 30; round += 1) {
    const writer = round % 3 === 2 ? other : own;
    const stream = round % 4 === 3 ? `stock-WH${round}` : `order-T${round}`;
    await writer.append(stream, [numbered(n++), numbered(n++)], 'no_stream');
    // the subscribers mostly catch up between appends, so that the other connection's land just after what they heard
    if (round % 5 !== 4) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const stored = (await own.readAll()).map((event) => numberIn(event, 'n'));
  expect(stored).toHaveLength(60);
  await vi.waitFor(() => expect(everything.map((event) => numberIn(event, 'n'))).toEqual(stored), { timeout: 5_000, interval: 10 });
  const storedOrders = (await own.readAll({ category: 'order' })).map((event) => numberIn(event, 'n'));
  await vi.waitFor(() => expect(heard.map((event) => numberIn(event, 'n'))).toEqual(storedOrders), { timeout: 5_000, interval: 10 });
  expect(everything).toEqual(await own.readAll());
  await own.close();
  await other.close();
});
