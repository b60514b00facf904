/**
 * Trace context over real HTTP: the `traceparent` a caller sends is kept in the metadata of the
 * events its request causes, carried by the reactions to the events they cause, and sent on to the
 * WMS and the TMS with the calls those make; a malformed one is ignored. The WMS and the TMS here
 * are a small express app on loopback that keeps the headers of every call.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { anOrder } from './e2e-fixtures.ts';

const ORDER_TRACE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const CALLBACK_TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

const calls: { path: string; traceparent: string | undefined }[] = [];
let peer: Server;
let t: TestHub;

beforeAll(async () => {
  const app = express();
  app.use(express.json());
  app.post('/api/wms/outbound/create', (req, res) => {
    calls.push({ path: req.path, traceparent: req.get('traceparent') });
    res.json({ code: 200, message: 'success', data: { outboundNo: `OUT-${String(req.body.orderNo)}`, status: 'PENDING' } });
  });
  app.post('/api/tms/shipments', (req, res) => {
    calls.push({ path: req.path, traceparent: req.get('traceparent') });
    res.json({ code: 200, message: 'success', data: { transportRef: 'T-1', status: 'ACCEPTED' } });
  });
  peer = app.listen(0, '127.0.0.1');
  await once(peer, 'listening');
  const url = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
  t = await startTestHub({ env: { WMS_URL: url, TMS_URL: url, DEMO_STOCK: 'true' } });
});
afterAll(async () => {
  await t.stop();
  peer.close();
});

const traceOf = (event: { metadata: Record<string, unknown> }) => event.metadata.traceparent;

test("an order's trace context goes with its events and its push to the WMS; a shipment callback's with its hand-off to the TMS", async () => {
  expect((await t.post('/api/oms/orders', anOrder('TRACE1'), { traceparent: ORDER_TRACE })).status).toBe(201);
  const pushed = await waitFor('the push', async () => calls.find((call) => call.path === '/api/wms/outbound/create'));
  expect(pushed.traceparent).toBe(ORDER_TRACE);
  const events = await t.hub.deps.store.readStream('order-TRACE1');
  expect(events.map((event) => [event.type, traceOf(event)])).toEqual(events.map((event) => [event.type, ORDER_TRACE]));
  const ledger = await t.hub.deps.store.readStream('stock-WH001.SKU001');
  expect(traceOf(ledger.at(-1) as never)).toBe(ORDER_TRACE);

  const shipment = {
    orderNo: 'TRACE1',
    outboundNo: 'OUT-TRACE1',
    waybillNo: 'SF777',
    carrier: 'SF',
    actualItems: [{ sku: 'SKU001', quantity: 2 }],
    shippedTime: '2025-11-22T10:00:00',
  };
  expect((await t.post('/api/oms/outbound/callback', shipment, { traceparent: CALLBACK_TRACE })).status).toBe(200);
  const handedOff = await waitFor('the hand-off', async () => calls.find((call) => call.path === '/api/tms/shipments'));
  expect(handedOff.traceparent).toBe(CALLBACK_TRACE);
  const handOff = await t.hub.deps.store.readStream('shipment-SF.SF777');
  expect(handOff.map(traceOf)).toEqual(handOff.map(() => CALLBACK_TRACE));
});

test('a malformed traceparent is ignored: the request goes through, nothing is kept or sent on', async () => {
  const before = calls.length;
  expect(
    (await t.post('/api/oms/orders', anOrder('TRACE2'), { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' })).status,
  ).toBe(201);
  await waitFor('the push', async () => calls.length > before);
  expect(calls.at(-1)?.traceparent).toBeUndefined();
  const events = await t.hub.deps.store.readStream('order-TRACE2');
  expect(events.map(traceOf)).toEqual(events.map(() => undefined));
});
