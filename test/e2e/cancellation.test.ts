/**
 * Cancellation racing the warehouse (docs/architecture.md#cancellation): before the WMS has the order it is cancelled
 * at once; while it is picked it is intercepted; after it left it is too late, and the shipment
 * that follows is recorded.
 */
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { anOrder, eventTypes } from './e2e-fixtures.ts';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.stop();
});
beforeEach(() => {
  t.hub.sandbox?.wms.faults.set({ mode: 'manual' });
});

const reservedOf = async (sku: string) => (await t.get(`/api/oms/stock?warehouseCode=WH001&sku=${sku}`)).body.data[0].reserved;
const noneReserved = (sku: string) => waitFor(`${sku} to be released`, async () => (await reservedOf(sku)) === 0);

test('before the WMS has it: cancelled at once, stock released, the WMS never asked', async () => {
  t.hub.sandbox?.wms.faults.set({ mode: 'manual', errorRate: 1 });
  await t.post('/api/oms/orders', anOrder('CX1', { items: [{ sku: 'SKU002', quantity: 4 }] }));
  await waitFor('the failed push', async () => (await t.order('CX1')).status === 'PUSH_FAILED');
  expect(await reservedOf('SKU002')).toBe(4);
  const answer = await t.post('/api/oms/orders/CX1/cancel', { reason: '客户取消' });
  expect(answer.body.data.status).toBe('CANCELLED');
  await noneReserved('SKU002');
  t.clock.advance({ seconds: 3600 });
  await t.hub.work.dueRetries.runDue();
  expect(t.hub.sandbox?.wms.createCalls('CX1')).toBe(1);
});

test('while the warehouse picks it: the WMS intercepts it, the order is cancelled and its stock released', async () => {
  await t.post('/api/oms/orders', anOrder('CX2', { items: [{ sku: 'SKU002', quantity: 2 }] }));
  const pushed = await t.orderReaches('CX2', 'PUSHED_TO_WMS');
  await t.post('/api/oms/outbound/progress', {
    orderNo: 'CX2',
    outboundNo: pushed.outboundNo,
    warehouseCode: 'WH001',
    status: 'PICKING',
    time: '2025-11-22T09:00:00',
  });
  const answer = await t.post('/api/oms/orders/CX2/cancel', { reason: 'customer changed mind' });
  expect(answer.body.data.status).toBe('CANCEL_REQUESTED');
  await t.orderReaches('CX2', 'CANCELLED');
  expect(t.hub.sandbox?.wms.orders().find((o) => o.orderNo === 'CX2')?.status).toBe('CANCELLED');
  await noneReserved('SKU002');
});

test('too late: the goods already left; the intercept fails, a person is told, and the shipment is recorded', async () => {
  await t.post('/api/oms/orders', anOrder('CX3', { items: [{ sku: 'SKU002', quantity: 1 }] }));
  await t.orderReaches('CX3', 'PUSHED_TO_WMS');
  const shipped = await fetch(`${t.hub.sandbox?.wmsUrl}/sandbox/outbound/WH001/CX3/ship`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"callback":false}',
  });
  const { data } = (await shipped.json()) as { data: { callback: unknown } };

  await t.post('/api/oms/orders/CX3/cancel', { reason: 'too late?' });
  const back = await t.orderReaches('CX3', 'PUSHED_TO_WMS');
  expect(back.lines[0].cancelled).toBe(0);
  await waitFor('the alert', async () =>
    ((await t.get('/api/oms/alerts?subject=order-CX3')).body.data as { message: string }[]).some((a) => /too late/.test(a.message)),
  );

  expect((await t.post('/api/oms/outbound/callback', data.callback)).status).toBe(200);
  await t.orderReaches('CX3', 'SHIPPED');
  const events = (await t.get('/api/oms/orders/CX3/events')).body.data;
  expect(eventTypes(events)).toEqual(expect.arrayContaining(['CancellationRequested', 'InterceptFailed', 'ShipmentRecorded']));
  expect(eventTypes(events)).not.toContain('OrderCancelled');
});

test('a shipment reported after the order was cancelled is recorded as an anomaly, alerted, answered 200, and its stock deducted', async () => {
  await t.post('/api/oms/orders', anOrder('CX4', { items: [{ sku: 'SKU002', quantity: 1 }] }));
  const pushed = await t.orderReaches('CX4', 'PUSHED_TO_WMS');
  await t.post('/api/oms/orders/CX4/cancel', {});
  await t.orderReaches('CX4', 'CANCELLED');
  const onHandBefore = (await t.get('/api/oms/stock?warehouseCode=WH001&sku=SKU002')).body.data[0].onHand;
  const late = await t.post('/api/oms/outbound/callback', {
    orderNo: 'CX4',
    outboundNo: pushed.outboundNo,
    waybillNo: 'SF0000000404',
    carrier: '顺丰速运',
    actualItems: [{ sku: 'SKU002', quantity: 1 }],
    shippedTime: '2025-11-22T10:00:00',
  });
  expect(late.status).toBe(200);
  expect(late.body.data.status).toBe('CANCELLED');
  const events = (await t.get('/api/oms/orders/CX4/events')).body.data;
  expect(events.at(-1)).toMatchObject({ type: 'AnomalyDetected', data: { kind: expect.any(String) } });
  await waitFor('the anomaly alert', async () =>
    ((await t.get('/api/oms/alerts?subject=order-CX4')).body.data as { kind: string }[]).some((a) => a.kind === 'ANOMALY'),
  );
  await waitFor(
    'the deduction',
    async () => (await t.get('/api/oms/stock?warehouseCode=WH001&sku=SKU002')).body.data[0].onHand === onHandBefore - 1,
  );
});
