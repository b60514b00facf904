/** Warehouses resend and reorder their callbacks: the hub applies each fact once. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { anOrder, eventTypes } from './e2e-fixtures.ts';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.stop();
});

test('every callback twice, the shipment before the progress reports: one shipment, one deduction, one hand-off, no anomaly', async () => {
  t.hub.sandbox?.wms.faults.set({ duplicateCallbacks: true, outOfOrderCallbacks: true });
  await t.post('/api/oms/orders', anOrder('DUPE1', { items: [{ sku: 'SKU001', quantity: 3 }] }));
  const shipped = await t.orderReaches('DUPE1', 'SHIPPED');
  await t.hub.sandbox?.wms.settled();
  const events = (await t.get('/api/oms/orders/DUPE1/events')).body.data;
  expect(eventTypes(events).filter((type) => type === 'ShipmentRecorded')).toHaveLength(1);
  expect(eventTypes(events)).not.toContain('AnomalyDetected');
  await waitFor('the deduction', async () => (await t.get('/api/oms/stock?warehouseCode=WH001&sku=SKU001')).body.data[0].onHand === 97);
  const waybill = shipped.shipments[0].waybillNo;
  await waitFor('the hand-off', async () => (await t.get(`/api/oms/shipments/SF/${waybill}`)).body.data?.status === 'HANDED_OFF');
  expect(t.hub.sandbox?.tms.shipments().filter((s) => s.waybillNo === waybill)).toHaveLength(1);
  expect((await t.get('/api/oms/alerts')).body.data).toEqual([]);
});

test('a partial shipment in two waybills: both recorded, shipped in full, stock deducted by what actually left', async () => {
  t.hub.sandbox?.wms.faults.set({ partialShipments: true });
  await t.post(
    '/api/oms/orders',
    anOrder('SPLIT1', {
      items: [
        { sku: 'SKU001', quantity: 2 },
        { sku: 'SKU002', quantity: 2 },
      ],
    }),
  );
  const shipped = await t.orderReaches('SPLIT1', 'SHIPPED');
  expect(shipped.shipments).toHaveLength(2);
  expect(shipped.lines.map((l: { shipped: number }) => l.shipped)).toEqual([2, 2]);
});

test('a shipment of more than ordered, or of a SKU never ordered: recorded as anomalies, alerted, answered 200', async () => {
  t.hub.sandbox?.wms.faults.set({ mode: 'manual' });
  await t.post('/api/oms/orders', anOrder('ODD1', { items: [{ sku: 'SKU001', quantity: 1 }] }));
  const pushed = await t.orderReaches('ODD1', 'PUSHED_TO_WMS');
  const answer = await t.post('/api/oms/outbound/callback', {
    orderNo: 'ODD1',
    outboundNo: pushed.outboundNo,
    waybillNo: 'SF0000000777',
    carrier: '顺丰速运',
    actualItems: [
      { sku: 'SKU001', quantity: 3 },
      { sku: 'SKU999', quantity: 1 },
    ],
    shippedTime: '2025-11-22T10:00:00',
  });
  expect(answer.status).toBe(200);
  const events = (await t.get('/api/oms/orders/ODD1/events')).body.data;
  expect(events.filter((e: { type: string }) => e.type === 'AnomalyDetected').map((e: { data: { kind: string } }) => e.data.kind)).toEqual(
    expect.arrayContaining(['SHIPPED_MORE_THAN_ORDERED', 'SKU_NOT_ORDERED']),
  );
  await waitFor('the alerts', async () => ((await t.get('/api/oms/alerts?subject=order-ODD1')).body.data as unknown[]).length >= 1);
});
