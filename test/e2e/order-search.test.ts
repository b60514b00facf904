/**
 * Finding an order (GET /api/oms/reports/orders?q=) on a real hub over HTTP: orders placed through
 * the API at the sandbox WMS (manual: it ships only when asked), one shipped; each is found by
 * exactly its orderNo, the outboundNo the warehouse gave it, its waybill and a SKU of its lines,
 * alone or with the other filters and the paging. The report reads the projections, which follow
 * the store: each check waits (bounded, on the answer) until they have caught up.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { anOrder } from './e2e-fixtures.ts';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';

let t: TestHub;

/** The orderNos the report lists for this query, once it lists `expected` many (the projections follow the store a moment behind). */
const found = async (query: string, expected: number): Promise<string[]> =>
  waitFor(`${expected} orders for ${query}`, async () => {
    const answer = await t.get(`/api/oms/reports/orders?${query}`);
    expect(answer.status).toBe(200);
    const orderNos = (answer.body.data.items as { orderNo: string }[]).map((item) => item.orderNo);
    return orderNos.length === expected ? orderNos : undefined;
  });

beforeAll(async () => {
  t = await startTestHub({ env: { SANDBOX_MODE: 'manual' } });
  for (const [orderNo, sku] of [
    ['FIND-1', 'SKU001'],
    ['FIND-2', 'SKU002'],
    ['FIND-3', 'SKU001'],
  ] as const) {
    expect((await t.post('/api/oms/orders', anOrder(orderNo, { items: [{ sku, quantity: 1 }] }))).status).toBe(201);
    await t.orderReaches(orderNo, 'PUSHED_TO_WMS');
  }
  expect((await fetch(`${t.hub.sandbox?.wmsUrl}/sandbox/outbound/WH001/FIND-1/ship`, { method: 'POST' })).status).toBe(200);
  await t.orderReaches('FIND-1', 'SHIPPED');
});
afterAll(async () => {
  await t.stop();
});

test('the shipped order is found by its orderNo, its outboundNo, its waybill and its SKU; only exact matches', async () => {
  const order = await t.order('FIND-1');
  const outboundNo: string = order.outboundNo;
  const waybillNo: string = order.shipments[0].waybillNo;
  expect(outboundNo).toBeTruthy();
  expect(waybillNo).toBeTruthy();
  expect(await found('q=FIND-1', 1)).toEqual(['FIND-1']);
  expect(await found(`q=${encodeURIComponent(outboundNo)}`, 1)).toEqual(['FIND-1']);
  expect(await found(`q=${encodeURIComponent(waybillNo)}`, 1)).toEqual(['FIND-1']);
  expect((await found('q=SKU001', 2)).sort()).toEqual(['FIND-1', 'FIND-3']);
  expect(await found('q=SKU002', 1)).toEqual(['FIND-2']);
  // trimmed, and exact: neither a prefix nor another case
  expect(await found('q=%20FIND-2%20', 1)).toEqual(['FIND-2']);
  expect(await found('q=FIND', 0)).toEqual([]);
  expect(await found('q=find-1', 0)).toEqual([]);
});

test('a term that matches nothing is an empty page', async () => {
  const answer = await t.get('/api/oms/reports/orders?q=NO-SUCH-THING');
  expect(answer.status).toBe(200);
  expect(answer.body.data).toEqual({ items: [], nextCursor: null });
});

test('q combines with the other filters and with the paging', async () => {
  await found('q=SKU001', 2);
  expect(await found('q=SKU001&status=SHIPPED', 1)).toEqual(['FIND-1']);
  expect(await found('q=SKU001&status=PUSHED_TO_WMS', 1)).toEqual(['FIND-3']);
  expect(await found('q=SKU002&status=SHIPPED', 0)).toEqual([]);
  expect(await found('q=SKU001&warehouseCode=WH002', 0)).toEqual([]);
  const first = await t.get('/api/oms/reports/orders?q=SKU001&limit=1');
  expect(first.body.data.items).toHaveLength(1);
  expect(first.body.data.nextCursor).not.toBeNull();
  const second = await t.get(`/api/oms/reports/orders?q=SKU001&limit=1&cursor=${encodeURIComponent(first.body.data.nextCursor)}`);
  expect(second.body.data.nextCursor).toBeNull();
  expect([first.body.data.items[0].orderNo, second.body.data.items[0].orderNo].sort()).toEqual(['FIND-1', 'FIND-3']);
});

test('a bad q is a 422 naming query.q', async () => {
  for (const query of ['q=', 'q=%20%20', `q=${'X'.repeat(65)}`, 'q=A&q=B']) {
    const answer = await t.get(`/api/oms/reports/orders?${query}`);
    expect(answer.status, query).toBe(422);
    expect(
      answer.body.data.errors.map((error: { path: string }) => error.path),
      query,
    ).toEqual(['query.q']);
  }
});
