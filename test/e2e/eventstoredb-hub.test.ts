/**
 * The whole hub on the EventStoreDB adapter (EVENT_STORE=eventstoredb), through the real client
 * over a real socket to the in-process protocol double: an order ships, stock is deducted, the
 * reports and time travel answer from the same events.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { EsdbProtocolServer } from '../support/esdb-protocol-server.ts';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { anOrder } from './e2e-fixtures.ts';

let server: EsdbProtocolServer;
let t: TestHub;
beforeAll(async () => {
  server = await EsdbProtocolServer.start({ advertiseBatchAppend: true });
  t = await startTestHub({ env: { EVENT_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: server.connectionString, SANDBOX_MODE: 'manual' } });
});
afterAll(async () => {
  await t.stop();
  await server.stop();
});

test('on EventStoreDB: placed, shipped, deducted, handed off; reports and ?at= agree', async () => {
  const placedAt = t.clock.now();
  expect((await t.post('/api/oms/orders', anOrder('ESDB1'))).status).toBe(201);
  await t.orderReaches('ESDB1', 'PUSHED_TO_WMS');
  t.clock.advance({ seconds: 30 });
  expect((await fetch(`${t.hub.sandbox?.wmsUrl}/sandbox/outbound/WH001/ESDB1/ship`, { method: 'POST' })).status).toBe(200);
  const shipped = await t.orderReaches('ESDB1', 'SHIPPED');
  await waitFor('the deduction', async () => (await t.get('/api/oms/stock?warehouseCode=WH001&sku=SKU001')).body.data[0]?.onHand === 98);
  await waitFor(
    'the hand-off',
    async () => (await t.get(`/api/oms/shipments/SF/${shipped.shipments[0].waybillNo}`)).body.data?.status === 'HANDED_OFF',
  );
  expect((await t.get('/health')).body.data).toMatchObject({ store: 'eventstoredb' });
  const listed = await waitFor('the order list', async () => {
    const page = (await t.get('/api/oms/reports/orders?status=SHIPPED')).body.data;
    return page.items.length === 1 ? page : undefined;
  });
  expect(listed.items[0]).toMatchObject({ orderNo: 'ESDB1', status: 'SHIPPED', warehouseCode: 'WH001' });
  const then = await t.get(`/api/oms/orders/ESDB1?at=${encodeURIComponent(placedAt)}`);
  expect(then.status).toBe(200);
  expect(then.body.data.status).toBe('PUSHED_TO_WMS');
});
