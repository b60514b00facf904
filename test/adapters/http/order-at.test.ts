/**
 * Time travel over HTTP: `GET /api/oms/orders/{orderNo}?at=<time>` answers the order as it stood
 * then, against the real hub (SQLite file, sandbox WMS in manual mode: the test plays the
 * warehouse, and moves the manual clock between the steps).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { articleOutboundCallback, articleOutboundCreate } from '../../support/article-payloads.ts';
import { type TestHub, startTestHub, waitFor } from '../../support/test-hub.ts';

let t: TestHub;
const orderAt = (at: string) => t.get(`/api/oms/orders/OMS202511220001?at=${at}`);

beforeAll(async () => {
  t = await startTestHub({ env: { SANDBOX_MODE: 'manual' } }); // the clock starts at 2025-11-22T02:00:00Z, 10:00 in Shanghai
  const placed = await fetch(`${t.hub.url}/api/oms/orders`, {
    method: 'POST',
    body: articleOutboundCreate,
    headers: { 'content-type': 'application/json' },
  });
  expect(placed.status).toBe(201);
  const pushed = await t.orderReaches('OMS202511220001', 'PUSHED_TO_WMS');
  t.clock.set('2025-11-22T03:00:00.000Z'); // an hour later the warehouse calls back
  const shipped = await fetch(`${t.hub.url}/api/oms/outbound/callback`, {
    method: 'POST',
    body: articleOutboundCallback.replace('WMS202511220001', pushed.outboundNo),
    headers: { 'content-type': 'application/json' },
  });
  expect(shipped.status).toBe(200);
  await t.orderReaches('OMS202511220001', 'SHIPPED');
});
afterAll(async () => {
  await t.stop();
});

describe('GET /api/oms/orders/{orderNo}?at=', () => {
  test('an instant with an offset: the order as it stood then, and the instant it is as of', async () => {
    const halfPast = await orderAt('2025-11-22T02:30:00Z');
    expect(halfPast.status).toBe(200);
    expect(halfPast.body.data).toMatchObject({
      orderNo: 'OMS202511220001',
      status: 'PUSHED_TO_WMS',
      shipments: [],
      asOf: '2025-11-22T02:30:00.000Z',
    });
    expect(halfPast.body.data.lines).toEqual([
      { sku: 'SKU001', batchNo: 'BATCH001', ordered: 2, shipped: 0, backordered: 0, cancelled: 0 },
    ]);
    const later = await orderAt(encodeURIComponent('2025-11-22T11:00:00+08:00'));
    expect(later.body.data).toMatchObject({ status: 'SHIPPED', asOf: '2025-11-22T11:00:00.000+08:00' });
    expect(later.body.data.lines[0].shipped).toBe(2);
  });

  test("a local time is read in the warehouse zone (Asia/Shanghai); an unencoded '+' offset still reads as one", async () => {
    expect((await orderAt('2025-11-22T10:30:00')).body.data).toMatchObject({
      status: 'PUSHED_TO_WMS',
      asOf: '2025-11-22T10:30:00.000+08:00',
    });
    expect((await orderAt('2025-11-22T11:00:00')).body.data.status).toBe('SHIPPED');
    expect((await orderAt('2025-11-22T10:30:00+08:00')).body.data).toMatchObject({
      status: 'PUSHED_TO_WMS',
      asOf: '2025-11-22T10:30:00.000+08:00',
    });
    expect((await orderAt('2025-11-22%2010:30')).body.data).toMatchObject({
      status: 'PUSHED_TO_WMS',
      asOf: '2025-11-22T10:30:00.000+08:00',
    });
  });

  test('before the order existed → 404; without at → the order now, as before', async () => {
    const before = await orderAt('2025-11-22T09:59:59+08:00');
    expect(before.status).toBe(404);
    expect(before.body).toMatchObject({ code: 404, data: null, message: expect.stringContaining('no order OMS202511220001 at') });
    const now = await t.get('/api/oms/orders/OMS202511220001');
    expect(now.body.data.status).toBe('SHIPPED');
    expect(now.body.data).not.toHaveProperty('asOf');
  });

  test('a value that is not a time → 422 naming query.at', async () => {
    for (const bad of ['yesterday', '2025-13-01T00:00:00', '10:00']) {
      const answer = await orderAt(bad);
      expect(answer.status).toBe(422);
      expect(answer.body.data.errors).toEqual([{ path: 'query.at', message: expect.stringContaining('ISO-8601') }]);
    }
    const twice = await t.get('/api/oms/orders/OMS202511220001?at=2025-11-22&at=2025-11-23');
    expect(twice.status).toBe(422);
    expect(twice.body.data.errors[0].path).toBe('query.at');
  });

  test('the events a callback caused keep the raw callback in their metadata', async () => {
    const events = (await t.get('/api/oms/orders/OMS202511220001/events')).body.data;
    const shipment = events.find((e: { type: string }) => e.type === 'ShipmentRecorded');
    expect(shipment.metadata.callback).toEqual({
      endpoint: '/api/oms/outbound/callback',
      body: JSON.parse(articleOutboundCallback.replace('WMS202511220001', shipment.data.outboundNo)),
      messageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(shipment.metadata.recordedAt).toBe('2025-11-22T03:00:00.000Z');
    const placed = events.find((e: { type: string }) => e.type === 'OrderPlaced');
    expect(placed.metadata).not.toHaveProperty('callback');
  });

  test('/openapi.json documents the query parameter', async () => {
    const document = await waitFor('the document', async () => (await fetch(`${t.hub.url}/openapi.json`)).json() as Promise<any>);
    const parameters = document.paths['/api/oms/orders/{orderNo}'].get.parameters.map(
      (p: { name: string; in: string }) => `${p.in}:${p.name}`,
    );
    expect(parameters).toEqual(['path:orderNo', 'query:at']);
  });
});
