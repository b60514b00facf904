/**
 * A shipment is deducted where it physically left (docs/contracts.md#shipment-callback): WH001
 * reports a shortage, the order moves to WH002 (its stock covers it), WH001 had shipped it already
 * and cannot drop it ("too late"); its waybill, naming WH001's outboundNo, is charged to WH001, and
 * WH002's outbound order is withdrawn and its reservation released. The sandbox plays both
 * warehouses by hand (manual mode).
 */
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import type { OutboundCallback } from '../../src/adapters/wms/wms-wire.ts';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { anOrder } from './e2e-fixtures.ts';

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

const level = async (warehouseCode: string, sku: string) =>
  (await t.get(`/api/oms/stock?warehouseCode=${warehouseCode}&sku=${sku}`)).body.data[0];
const deductions = async (warehouseCode: string, sku: string) =>
  (await t.hub.deps.events.readStream('stock', `stock-${warehouseCode}.${sku}`)).filter((event) => event.type === 'StockDeducted');
const sandboxOrder = (warehouseCode: string, orderNo: string) =>
  t.hub.sandbox?.wms.orders().find((order) => order.warehouseCode === warehouseCode && order.orderNo === orderNo);

/** The sandbox's WH001 ships the order by hand, without telling the hub yet: the callback it would send. */
const shipAtWh001Unseen = async (orderNo: string): Promise<OutboundCallback> => {
  const answer = await fetch(`${t.hub.sandbox?.wmsUrl}/sandbox/outbound/WH001/${orderNo}/ship`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"callback":false}',
  });
  return ((await answer.json()) as { data: { callback: OutboundCallback } }).data.callback;
};

/** ORIGIN{n}: placed at WH001, shipped there unseen, reported short there and so moved to WH002 and pushed there. */
const movedToWh002 = async (orderNo: string) => {
  await t.post('/api/oms/orders', anOrder(orderNo, { items: [{ sku: 'SKU001', quantity: 2 }] }));
  const atWh001 = await t.orderReaches(orderNo, 'PUSHED_TO_WMS');
  const callback = await shipAtWh001Unseen(orderNo);
  await t.post('/api/oms/outbound/shortage', {
    orderNo,
    outboundNo: atWh001.outboundNo,
    warehouseCode: 'WH001',
    shortItems: [{ sku: 'SKU001', quantity: 1 }],
    time: '2025-11-22T09:40:00',
  });
  await waitFor(`${orderNo} pushed to WH002`, async () => {
    const view = await t.order(orderNo);
    return view.status === 'PUSHED_TO_WMS' && view.warehouseCode === 'WH002' ? view : undefined;
  });
  return callback;
};

test('rerouted from WH001 to WH002, WH001 ships anyway: WH001 is deducted, WH002 withdrawn and released, the order shipped from WH001', async () => {
  const wh002Before = await level('WH002', 'SKU001');
  const callback = await movedToWh002('ORIGIN1');
  const atWh002 = await t.order('ORIGIN1');
  expect(sandboxOrder('WH002', 'ORIGIN1')?.status).toBe('PENDING');
  expect((await level('WH002', 'SKU001')).reserved).toBe(wh002Before.reserved + 2);
  // WH001 could not drop it: too late, a person is told
  await waitFor('the withdraw alert', async () =>
    ((await t.get('/api/oms/alerts?subject=order-ORIGIN1')).body.data as { message: string }[]).some((a) => /too late/.test(a.message)),
  );

  // WH001's waybill arrives, naming WH001's outboundNo
  expect((await t.post('/api/oms/outbound/callback', callback)).status).toBe(200);
  const shipped = await t.orderReaches('ORIGIN1', 'SHIPPED');
  expect(shipped).toMatchObject({ warehouseCode: 'WH001', outboundNo: callback.outboundNo });
  expect(shipped.shipments).toEqual([expect.objectContaining({ waybillNo: callback.waybillNo, warehouseCode: 'WH001' })]);

  // deducted where it left, and only there
  const atWh001Deducted = await waitFor('the deduction at WH001', async () => {
    const found = (await deductions('WH001', 'SKU001')).filter((event) => event.data.reference === `SF.${callback.waybillNo}`);
    return found.length > 0 ? found : undefined;
  });
  expect(atWh001Deducted.map((event) => event.data.quantity)).toEqual([2]);
  expect((await deductions('WH002', 'SKU001')).filter((event) => event.data.reference === `SF.${callback.waybillNo}`)).toEqual([]);
  // WH002 drops its outbound order and gives back what it reserved
  await waitFor('WH002 withdrawn', async () => sandboxOrder('WH002', 'ORIGIN1')?.status === 'CANCELLED');
  await waitFor('WH002 released', async () => {
    const now = await level('WH002', 'SKU001');
    return now.reserved === wh002Before.reserved && now.onHand === wh002Before.onHand;
  });
  expect(atWh002.outboundNo).not.toBe(callback.outboundNo);
});

test('WH002 cannot be told to drop it: a person is told that WH002 still holds the order', async () => {
  const callback = await movedToWh002('ORIGIN2');
  t.hub.sandbox?.wms.faults.set({ mode: 'manual', errorRate: 1 });
  expect((await t.post('/api/oms/outbound/callback', callback)).status).toBe(200);
  await t.orderReaches('ORIGIN2', 'SHIPPED');
  const alert = await waitFor('the withdraw alert for WH002', async () =>
    ((await t.get('/api/oms/alerts?subject=order-ORIGIN2')).body.data as { key: string; message: string }[]).find(
      (a) => a.key.startsWith('withdraw:') && /^WH002 still holds order ORIGIN2/.test(a.message),
    ),
  );
  expect(alert.message).toContain('503');
});
