/**
 * A warehouse caller reports on the outbound orders it was given (src/adapters/http/routes/callback-routes.ts),
 * even after the order was rerouted away from it: wh-north (WH003 only) ships an order it was given
 * after the order moved to WH001, and its shipment is taken (charged to WH003), not refused (403).
 * It still may not report on an outbound order of WH001's. Over real HTTP, signed, the sandbox in
 * manual mode playing both warehouses.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { OutboundCallback } from '../../../src/adapters/wms/wms-wire.ts';
import { type Who, credentialsEnv, headersOf, writeCredentials } from '../../support/credentials.ts';
import { type TestHub, startTestHub, waitFor } from '../../support/test-hub.ts';
import { anOrder } from '../../e2e/e2e-fixtures.ts';

let t: TestHub;

const send = async (who: Who, method: string, path: string, body?: unknown) => {
  const text = body === undefined ? '' : JSON.stringify(body);
  const response = await fetch(`${t.hub.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headersOf(who, text) },
    ...(method === 'GET' ? {} : { body: text }),
  });
  return { status: response.status, body: (await response.json()) as { message: string; data: any } };
};
const orderReaches = (orderNo: string, check: (view: { status: string; warehouseCode: string }) => boolean) =>
  waitFor(`${orderNo}`, async () => {
    const view = (await send('ops', 'GET', `/api/oms/orders/${orderNo}`)).body.data;
    return check(view) ? view : undefined;
  });

beforeAll(async () => {
  t = await startTestHub({
    env: { ...credentialsEnv(writeCredentials(mkdtempSync(join(tmpdir(), 'hub-reroute-')))), SANDBOX_MODE: 'manual' },
  });
});
afterAll(async () => {
  await t.stop();
});

test('wh-north reports the shipment of the outbound order WH003 was given, after the order moved to WH001; not one of WH001', async () => {
  const counted = await send('ops', 'POST', '/api/oms/stock/adjustments', {
    countId: 'C-WH003',
    warehouseCode: 'WH003',
    sku: 'SKU001',
    countedOnHand: 10,
  });
  expect(counted.status).toBe(200);
  expect((await send('shop', 'POST', '/api/oms/orders', anOrder('MOVED1', { warehouseCode: 'WH003' }))).status).toBe(201);
  const atWh003 = await orderReaches('MOVED1', (view) => view.status === 'PUSHED_TO_WMS');
  const shipped = await fetch(`${t.hub.sandbox?.wmsUrl}/sandbox/outbound/WH003/MOVED1/ship`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"callback":false}',
  });
  const { callback } = ((await shipped.json()) as { data: { callback: OutboundCallback } }).data;

  // WH003 reports a shortage: the order moves to WH001, whose stock covers it
  const short = {
    orderNo: 'MOVED1',
    outboundNo: atWh003.outboundNo,
    warehouseCode: 'WH003',
    shortItems: [{ sku: 'SKU001', quantity: 1 }],
    time: '2025-11-22T09:40:00',
  };
  expect((await send('north', 'POST', '/api/oms/outbound/shortage', short)).status).toBe(200);
  const atWh001 = await orderReaches('MOVED1', (view) => view.status === 'PUSHED_TO_WMS' && view.warehouseCode === 'WH001');

  const ofWh001 = await send('north', 'POST', '/api/oms/outbound/callback', {
    ...callback,
    outboundNo: atWh001.outboundNo,
    waybillNo: 'N-OTHER',
  });
  expect(ofWh001.status).toBe(403);
  expect(ofWh001.body.message).toContain('MOVED1 is at WH001');

  const own = await send('north', 'POST', '/api/oms/outbound/callback', callback);
  expect(own.status).toBe(200);
  const done = await orderReaches('MOVED1', (view) => view.status === 'SHIPPED');
  expect(done).toMatchObject({ warehouseCode: 'WH003', shipments: [expect.objectContaining({ warehouseCode: 'WH003' })] });
});
