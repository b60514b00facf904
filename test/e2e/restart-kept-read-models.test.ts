/**
 * Issue 13: a restart does not read the whole history again. The retry index, the backorder book
 * and the inventory view are kept in the data directory (read-models.sqlite) with the position of
 * the last event each has taken in, and a restarted hub resumes them there. To tell "resumed" from
 * "rebuilt from the events", the kept rows are changed while the hub is down: a resumed model shows
 * the change, a rebuilt one could not.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { ManualClock } from '../support/manual-clock.ts';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { anOrder } from './e2e-fixtures.ts';

const running: TestHub[] = [];
afterAll(async () => {
  for (const hub of running) await hub.stop().catch(() => undefined);
});

const FAR = '2099-01-01T00:00:00.000Z';

test('the retry index, the backorder book and the inventory view resume where they were kept, and follow the store from there', async () => {
  const clock = new ManualClock();
  const first = await startTestHub({ clock });
  running.push(first);
  // a backorder owed: WH001 ships 2 of 3 and reports the third short
  first.hub.sandbox?.wms.faults.set({ shortage: { SKU002: 1 } });
  await first.post('/api/oms/orders', anOrder('KEPT1', { items: [{ sku: 'SKU002', quantity: 3 }], allowPartialShip: true }));
  await first.orderReaches('KEPT1', 'SHIPPED');
  await waitFor('the backorder owed', async () => first.hub.work.backorders.list().some((b) => b.backorderNo === 'KEPT1-BO1'));
  // a retry due: the WMS down
  first.hub.sandbox?.wms.faults.set({ errorRate: 1 });
  await first.post('/api/oms/orders', anOrder('KEPT2', { items: [{ sku: 'SKU001', quantity: 1 }] }));
  await waitFor('the failed push', async () => (await first.order('KEPT2')).status === 'PUSH_FAILED');
  await waitFor('the retry known', async () => first.hub.work.dueRetries.pending().some((p) => p.stream === 'order-KEPT2'));
  await first.stop();

  const files = { events: join(first.dataDir, 'events.sqlite'), kept: join(first.dataDir, 'read-models.sqlite') };
  const events = new Database(files.events, { readonly: true });
  const head = events.prepare('SELECT MAX(position) FROM events').pluck().get();
  const lastStock = events.prepare("SELECT MAX(position) FROM events WHERE category = 'stock'").pluck().get();
  events.close();
  const kept = new Database(files.kept);
  // each model stands at the last event it has looked at: the retry index and the book look at every event, the view at the ledgers'
  const models = kept.prepare<[], { model: string; after: string }>('SELECT model, after FROM kept_models').all();
  expect(Object.fromEntries(models.map(({ model, after }) => [model, after]))).toEqual({
    'due-retries': `${head}/${head}`,
    'backorder-book': `${head}/${head}`,
    inventory: `${lastStock}/${lastStock}`,
  });
  const change = kept.prepare('UPDATE kept_rows SET row = json_set(row, ?, json(?)) WHERE model = ? AND key = ?');
  expect(change.run('$.dueAt', JSON.stringify(FAR), 'due-retries', 'order-KEPT2').changes).toBe(1);
  expect(change.run('$.lines[0].quantity', '999', 'backorder-book', 'owed:KEPT1-BO1').changes).toBe(1);
  expect(change.run('$.onHand', '12345', 'inventory', 'stock-WH002.SKU004').changes).toBe(1);
  kept.close();

  const second = await startTestHub({ clock, dataDir: first.dataDir });
  running.push(second);
  await second.hub.work.caughtUp;
  expect(second.hub.work.dueRetries.pending()).toContainEqual(expect.objectContaining({ stream: 'order-KEPT2', dueAt: FAR }));
  expect(second.hub.work.backorders.list().find((b) => b.backorderNo === 'KEPT1-BO1')?.lines).toEqual([{ sku: 'SKU002', quantity: 999 }]);
  const stockOf = async (sku: string) => (await second.get(`/api/oms/stock?warehouseCode=WH002&sku=${sku}`)).body.data[0];
  expect(await stockOf('SKU004')).toMatchObject({ onHand: 12345 });

  // from there the models follow the store: the ledger moves again, and the view folds it from its stream (the change is gone)
  second.hub.sandbox?.wms.faults.set({});
  await second.post('/api/oms/orders', anOrder('KEPT3', { warehouseCode: 'WH002', items: [{ sku: 'SKU004', quantity: 4 }] }));
  await second.orderReaches('KEPT3', 'SHIPPED');
  await waitFor('the view to follow the shipment', async () => (await stockOf('SKU004')).onHand === 21);
  expect(await stockOf('SKU004')).toEqual(await second.hub.deps.inventory.level('WH002', 'SKU004'));
  // and a retry scheduled after the restart joins the kept one
  second.hub.sandbox?.wms.faults.set({ errorRate: 1 });
  await second.post('/api/oms/orders', anOrder('KEPT4', { items: [{ sku: 'SKU001', quantity: 1 }] }));
  await waitFor('the second retry known', async () => second.hub.work.dueRetries.pending().some((p) => p.stream === 'order-KEPT4'));
  expect(second.hub.work.dueRetries.pending()).toContainEqual(expect.objectContaining({ stream: 'order-KEPT2', dueAt: FAR }));
});
