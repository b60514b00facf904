/**
 * The projections beside a running hub (real composition root, SQLite store, sandbox warehouse
 * and carrier): they follow what the hub's reactions append while they append it, and the
 * reports agree with what the hub's own API says.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { SqliteProjections } from '../../../src/adapters/projections/sqlite-projections.ts';
import { articleOutboundCreate } from '../../support/article-payloads.ts';
import { type TestHub, startTestHub, waitFor } from '../../support/test-hub.ts';
import { dumpFile, dumpModel } from './projection-files.ts';

let t: TestHub;
let projections: SqliteProjections;
let file = '';

beforeAll(async () => {
  t = await startTestHub();
  // the hub's own projections catch up while it serves: this second reader of their file starts once they have
  await waitFor("the hub's projections", async () => (await t.get('/health')).body.data.catchingUp.length === 0);
  file = join(t.dataDir, 'projections.sqlite');
  projections = SqliteProjections.open(file, { zone: 'Asia/Shanghai' });
  await projections.start(t.hub.deps.store);
});
afterAll(async () => {
  await projections.close();
  await t.stop();
});

const caughtUp = () =>
  waitFor('the projections to catch up', async () =>
    Object.values(await projections.lag(t.hub.deps.store)).every((behind) => behind === 0),
  );

test("the article's order, as the hub ships it: listed SHIPPED, counted, its stock and its lead time reported", async () => {
  const placed = await fetch(`${t.hub.url}/api/oms/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: articleOutboundCreate,
  });
  expect(placed.status).toBe(201);
  await t.orderReaches('OMS202511220001', 'SHIPPED');
  await waitFor('the deduction', async () => (await t.get('/api/oms/stock?warehouseCode=WH001&sku=SKU001')).body.data[0]?.onHand === 98);
  await caughtUp();

  const [order] = (await projections.orders({ limit: 10, status: ['SHIPPED'] })).items;
  expect(order).toMatchObject({
    orderNo: 'OMS202511220001',
    status: 'SHIPPED',
    warehouseCode: 'WH001',
    consignee: '张三',
    quantities: { ordered: 2, shipped: 2 },
  });
  expect((await projections.statusCounts({ by: 'warehouse', limit: 10 })).items).toEqual([
    { warehouseCode: 'WH001', total: 1, counts: { SHIPPED: 1 } },
  ]);
  const stock = (await projections.stock({ limit: 100 })).items;
  const levels = [
    ...(await t.get('/api/oms/stock?warehouseCode=WH001')).body.data,
    ...(await t.get('/api/oms/stock?warehouseCode=WH002')).body.data,
  ];
  for (const level of levels) expect(stock).toContainEqual({ ...level, anomalies: 0 });
  const [leadTime] = (await projections.leadTimes({ by: 'placed', limit: 10 })).items;
  expect(leadTime).toMatchObject({ warehouseCode: 'WH001', orders: 1, placedToPushed: { orders: 1 }, placedToShipped: { orders: 1 } });
  expect((await projections.manualInterventions({ limit: 10, now: t.clock.now() })).items).toEqual([]);

  // and what the projections hold is what the events say
  expect(dumpFile(file)).toEqual(dumpModel(await t.hub.deps.store.readAll()));
});
