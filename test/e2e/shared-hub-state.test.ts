/**
 * Two HUB_ROLE=api hubs on one PostgreSQL (the run's embedded server, a database of this file's
 * own), in this process, each with a data directory of its own: what they keep beside the events
 * they share. An Idempotency-Key used at the first hub (a cancellation) is bound for the second:
 * the same request sent there again answers as the first did and appends nothing, another request
 * with the key is refused (422) and not applied. An alert raised by one hub is listed by the other, and its
 * acknowledgement at the other is seen by the first. The reports: a worker joins and follows the
 * store into the shared read models; both api hubs answer them, and neither builds its own; every
 * hub's /health names the worker as the holder of the projections and of the reactions.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { testDatabase } from '../support/test-database.ts';
import { anOrder } from './e2e-fixtures.ts';

let db: pg.Client;
let databaseUrl: string;
let first: TestHub;
let second: TestHub;
beforeAll(async () => {
  databaseUrl = await testDatabase('shared');
  const env = { EVENT_STORE: 'postgres', DATABASE_URL: databaseUrl, HUB_ROLE: 'api', SANDBOX_MODE: 'manual', DEMO_STOCK: 'false' };
  first = await startTestHub({ env });
  second = await startTestHub({ env });
  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await second?.stop();
  await first?.stop();
});

const withKey = (key: string) => ({ 'idempotency-key': key, 'x-operator': 'ops' });
const events = async (): Promise<number> => (await second.hub.deps.store.readAll({})).length;

test('an Idempotency-Key used at one hub is bound at the other: the same request answers as before, another is refused', async () => {
  for (const orderNo of ['SHARED1', 'SHARED2']) expect((await first.post('/api/oms/orders', anOrder(orderNo))).status).toBe(201);
  const cancelled = await first.post('/api/oms/orders/SHARED1/cancel', { reason: 'customer asked' }, withKey('K-shared'));
  expect(cancelled.status).toBe(200);
  // the key is bound once the answer has been sent
  await waitFor('the binding', async () => (await db.query('SELECT 1 FROM idempotency_keys WHERE key = $1', ['K-shared'])).rowCount === 1);
  const before = await events();

  const again = await second.post('/api/oms/orders/SHARED1/cancel', { reason: 'customer asked' }, withKey('K-shared'));
  expect({ status: again.status, data: again.body.data }).toEqual({ status: cancelled.status, data: cancelled.body.data });
  expect(await events()).toBe(before);

  const other = await second.post('/api/oms/orders/SHARED2/cancel', { reason: 'customer asked' }, withKey('K-shared'));
  expect(other.status).toBe(422);
  expect(other.body.message).toContain('POST /api/oms/orders/SHARED1/cancel');
  expect(await events()).toBe(before);
  expect((await second.order('SHARED2')).status).toBe('CREATED');
});

test('an alert raised by one hub is listed by the other, and acknowledged there for both', async () => {
  await first.hub.deps.alerting.raise({
    key: 'shared/alert/1',
    kind: 'ANOMALY',
    subject: 'order-SHARED1',
    message: 'raised at the first hub',
    details: null,
    raisedAt: first.clock.now(),
  });
  const listed = (await second.get('/api/oms/alerts?subject=order-SHARED1')).body.data;
  expect(listed).toEqual([expect.objectContaining({ key: 'shared/alert/1', message: 'raised at the first hub', acknowledgedAt: null })]);
  expect((await second.post(`/api/oms/alerts/${listed[0].id}/acknowledge`, { by: 'li.wei' })).status).toBe(200);
  expect(await first.hub.deps.alerting.get(listed[0].id)).toEqual(expect.objectContaining({ acknowledgedBy: 'li.wei' }));
});

test('the reports are the shared read models: a worker follows the store into them, both api hubs answer them', async () => {
  expect((await first.post('/api/oms/orders', anOrder('SHARED3'))).status).toBe(201);
  // api hubs never follow the store into the read models themselves
  const tables = async () =>
    (await db.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'read_models' AND tablename = 'order_list'`)).rowCount;
  const worker = await startTestHub({
    env: { EVENT_STORE: 'postgres', DATABASE_URL: databaseUrl, HUB_ROLE: 'worker', SANDBOX_MODE: 'manual', DEMO_STOCK: 'false' },
  });
  try {
    await waitFor(
      'the worker to hold the projections',
      async () => (await worker.get('/health')).body.data.held.includes('projections') === true,
    );
    expect(await tables()).toBe(1);
    const listed = async (hub: TestHub) => (await hub.get('/api/oms/reports/orders?q=SHARED3')).body.data?.items ?? [];
    await waitFor('the order in the report of the second api hub', async () => (await listed(second)).length === 1);
    expect((await listed(first)).map((item: { orderNo: string }) => item.orderNo)).toEqual(['SHARED3']);
    // the checkpoints are the database's: every api hub sees the same lag
    await waitFor('no lag', async () => Object.values((await second.get('/health')).body.data.projectionLag).every((lag) => lag === 0));
    // who holds what, as every hub sees it: the one worker holds the projections and the reactions
    const health = (await first.get('/health')).body.data;
    const holder = health.projections.orders.holder;
    expect(holder).toEqual(expect.stringMatching(/\/\d+\//));
    expect(health.projections['stock-levels']).toMatchObject({ behind: 0, waitingSeconds: 0, holder });
    expect(health.reactions['push-outbound-when-reserved']).toMatchObject({ held: false, holder });
  } finally {
    await worker.stop();
  }
});
