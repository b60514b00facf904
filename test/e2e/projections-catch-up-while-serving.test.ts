/**
 * Issue 13: a hub restarted far behind the store serves at once. Its projections catch up while it
 * listens; until they have, /health says so (`catchingUp`, and `projectionLag: "catching up"`
 * instead of a count that would read the whole backlog), and orders are taken and shipped.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { SqliteEventStore } from '../../src/adapters/event-store/sqlite/sqlite-event-store.ts';
import type { EventToAppend } from '../../src/application/ports/event-store.ts';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { anOrder } from './e2e-fixtures.ts';
import { freePort } from '../support/free-port.ts';

const running: TestHub[] = [];
afterAll(async () => {
  for (const hub of running) await hub.stop().catch(() => undefined);
});

/** events stored while the hub was down: enough that its projections take a while to read them */
const BACKLOG = 20_000;

test('a hub restarted behind its store answers /health at once, says its projections are catching up, and ships a new order meanwhile', async () => {
  const first = await startTestHub();
  running.push(first);
  await first.stop();

  // the backlog: receipts of a SKU of its own, as the stock ledger records them
  const store = SqliteEventStore.open(join(first.dataDir, 'events.sqlite'));
  const [receipt] = (await store.readAll({ category: 'stock' })).filter((event) => event.type === 'StockReceived');
  if (receipt === undefined) throw new Error('the demo stock has no receipt');
  const stream = 'stock-WH002.SKU-BULK';
  for (let sent = 0; sent < BACKLOG; sent += 500) {
    const batch: EventToAppend[] = Array.from({ length: 500 }, (_, i) => ({
      id: randomUUID(),
      type: receipt.type,
      data: { ...receipt.data, warehouseCode: 'WH002', sku: 'SKU-BULK', reference: `BULK-${sent + i}`, quantity: 1 },
      metadata: receipt.metadata,
    }));
    await store.append(stream, batch, 'any');
  }
  await store.close();

  // /health asked from the moment the hub listens: before its start has resolved (the background work resumes meanwhile)
  const port = await freePort();
  const starting = startTestHub({ dataDir: first.dataDir, env: { PORT: String(port) } });
  const health = await waitFor('/health', async () => {
    const answer = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
    return answer?.status === 200 ? ((await answer.json()) as { data: { catchingUp: string[]; projectionLag: unknown } }).data : undefined;
  });
  const second = await starting;
  running.push(second);
  expect(health).toMatchObject({ projectionLag: 'catching up' });
  expect(health.catchingUp).toContain('projections');

  // orders are taken and shipped while they catch up
  await second.post('/api/oms/orders', anOrder('WHILE1', { items: [{ sku: 'SKU001', quantity: 1 }] }));
  await second.orderReaches('WHILE1', 'SHIPPED');

  await waitFor(
    'the projections and the inventory view caught up',
    async () => (await second.get('/health')).body.data.catchingUp.length === 0,
    60_000,
  );
  const caughtUp = (await second.get('/health')).body.data.projectionLag as Record<string, number>;
  expect(Object.values(caughtUp).every((lag) => lag === 0)).toBe(true);
  const bulk = (await second.get('/api/oms/reports/stock?warehouseCode=WH002&sku=SKU-BULK')).body.data;
  expect(JSON.stringify(bulk)).toContain(String(BACKLOG));
});
