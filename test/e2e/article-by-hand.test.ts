/**
 * SANDBOX_MODE=manual: a person plays the warehouse with the article's two payloads, verbatim.
 * The sandbox pairs OMS202511220001 with WMS202511220001, so the callback applies as written.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { articleOutboundCallback, articleOutboundCreate } from '../support/article-payloads.ts';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ env: { SANDBOX_MODE: 'manual' } });
});
afterAll(async () => {
  await t.stop();
});

const post = (path: string, body: string, contentType = 'application/json') =>
  fetch(`${t.hub.url}${path}`, { method: 'POST', body, headers: { 'content-type': contentType } }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as any,
  }));

test("the article's order sent as a web page could (text/plain, another origin's form) is refused, and nothing placed", async () => {
  expect((await post('/api/oms/orders', articleOutboundCreate, 'text/plain;charset=UTF-8')).status).toBe(415);
  expect((await post('/api/oms/orders', articleOutboundCreate, 'application/x-www-form-urlencoded')).status).toBe(415);
  const crossSite = await fetch(`${t.hub.url}/api/oms/orders`, {
    method: 'POST',
    body: articleOutboundCreate,
    headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
  });
  expect(crossSite.status).toBe(403);
  expect((await t.get('/api/oms/orders/OMS202511220001')).status).toBe(404);
});

test("the article's order, then the article's callback, both verbatim: shipped, deducted, handed off, nothing for a person", async () => {
  expect((await post('/api/oms/orders', articleOutboundCreate)).status).toBe(201);
  const pushed = await t.orderReaches('OMS202511220001', 'PUSHED_TO_WMS');
  expect(pushed.outboundNo).toBe('WMS202511220001');

  const callback = await post('/api/oms/outbound/callback', articleOutboundCallback);
  expect(callback).toMatchObject({ status: 200, body: { code: 200, message: 'success', data: { applied: true, status: 'SHIPPED' } } });
  const shipped = await t.order('OMS202511220001');
  expect(shipped.shipments).toEqual([
    {
      waybillNo: 'SF1234567890',
      carrier: 'SF',
      outboundNo: 'WMS202511220001',
      warehouseCode: 'WH001',
      items: [{ sku: 'SKU001', quantity: 2, batchNo: 'BATCH001' }],
      shippedAt: '2025-11-22T10:00:00.000+08:00',
    },
  ]);
  await waitFor('the deduction', async () => (await t.get('/api/oms/stock?warehouseCode=WH001&sku=SKU001')).body.data[0].onHand === 98);
  await waitFor('the hand-off', async () => (await t.get('/api/oms/shipments/SF/SF1234567890')).body.data?.status === 'HANDED_OFF');
  expect((await t.get('/api/oms/alerts')).body.data).toEqual([]);
});
