/**
 * The whole hub on the PostgreSQL event store (EVENT_STORE=postgres), against the run's PostgreSQL
 * (test/support/postgres-global-setup.ts), in a database of this file's own: an order ships, stock
 * is deducted, the reports and time travel answer from the same events; the events are in the
 * database; a hub started again on the same database carries on.
 * Projections stay in SQLite files under OMS_DATA_DIR; alerts, idempotency keys and seen signatures
 * are in the database (test/e2e/shared-hub-state.test.ts: two hubs share them).
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { testDatabase } from '../support/test-database.ts';
import { anOrder } from './e2e-fixtures.ts';

let databaseUrl: string;
let t: TestHub;
beforeAll(async () => {
  databaseUrl = await testDatabase('hub');
  t = await startTestHub({ env: { EVENT_STORE: 'postgres', DATABASE_URL: databaseUrl, SANDBOX_MODE: 'manual' } });
});
afterAll(async () => {
  await t.stop();
});

test('on PostgreSQL: placed, shipped, deducted, handed off; reports and ?at= agree; the events are in the database', async () => {
  const placedAt = t.clock.now();
  expect((await t.post('/api/oms/orders', anOrder('PG1'))).status).toBe(201);
  await t.orderReaches('PG1', 'PUSHED_TO_WMS');
  t.clock.advance({ seconds: 30 });
  expect((await fetch(`${t.hub.sandbox?.wmsUrl}/sandbox/outbound/WH001/PG1/ship`, { method: 'POST' })).status).toBe(200);
  const shipped = await t.orderReaches('PG1', 'SHIPPED');
  await waitFor('the deduction', async () => (await t.get('/api/oms/stock?warehouseCode=WH001&sku=SKU001')).body.data[0]?.onHand === 98);
  await waitFor(
    'the hand-off',
    async () => (await t.get(`/api/oms/shipments/SF/${shipped.shipments[0].waybillNo}`)).body.data?.status === 'HANDED_OFF',
  );
  expect((await t.get('/health')).body.data).toMatchObject({ store: 'postgres' });
  const listed = await waitFor('the order list', async () => {
    const page = (await t.get('/api/oms/reports/orders?status=SHIPPED')).body.data;
    return page.items.length === 1 ? page : undefined;
  });
  expect(listed.items[0]).toMatchObject({ orderNo: 'PG1', status: 'SHIPPED', warehouseCode: 'WH001' });
  const then = await t.get(`/api/oms/orders/PG1?at=${encodeURIComponent(placedAt)}`);
  expect(then.status).toBe(200);
  expect(then.body.data.status).toBe('PUSHED_TO_WMS');

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const types = await client.query<{ type: string }>(`SELECT type FROM events WHERE stream = 'order-PG1' ORDER BY revision`);
    expect(types.rows.map((row) => row.type)).toEqual(expect.arrayContaining(['OrderPlaced', 'ShipmentRecorded']));
  } finally {
    await client.end();
  }
});

test('a hub started again on the same database (and data directory) has the order, and ships the next one', async () => {
  await t.stop();
  t = await startTestHub({ dataDir: t.dataDir, env: { EVENT_STORE: 'postgres', DATABASE_URL: databaseUrl, SANDBOX_MODE: 'manual' } });
  expect((await t.order('PG1')).status).toBe('SHIPPED');
  expect((await t.post('/api/oms/orders', anOrder('PG2'))).status).toBe(201);
  await t.orderReaches('PG2', 'PUSHED_TO_WMS');
  expect((await fetch(`${t.hub.sandbox?.wmsUrl}/sandbox/outbound/WH001/PG2/ship`, { method: 'POST' })).status).toBe(200);
  await t.orderReaches('PG2', 'SHIPPED');
  await waitFor(
    'the second deduction',
    async () => (await t.get('/api/oms/stock?warehouseCode=WH001&sku=SKU001')).body.data[0]?.onHand === 96,
  );
});
