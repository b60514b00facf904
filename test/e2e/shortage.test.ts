/**
 * docs/architecture.md#shortage-policy: stock short, at reservation or reported by the warehouse. The order's policy
 * decides: partial ship + backorder, else cancel + release, else reroute to a warehouse whose
 * stock covers it, else a person. Demo stock: WH001 SKU003×5, SKU004×0; WH002 SKU004×25.
 */
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
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
  t.hub.sandbox?.wms.faults.set({});
});

const level = async (warehouseCode: string, sku: string) =>
  (await t.get(`/api/oms/stock?warehouseCode=${warehouseCode}&sku=${sku}`)).body.data[0];
const levelReaches = (warehouseCode: string, sku: string, expected: Record<string, number>) =>
  waitFor(`${warehouseCode} ${sku} to reach ${JSON.stringify(expected)}`, async () => {
    const current = await level(warehouseCode, sku);
    return Object.entries(expected).every(([key, value]) => current?.[key] === value) ? current : undefined;
  });

test('partial ship + backorder: 5 of 8 ship now; the 3 owed become a backorder placed and shipped when stock arrives', async () => {
  await t.post('/api/oms/orders', anOrder('PART1', { items: [{ sku: 'SKU003', quantity: 8 }], allowPartialShip: true }));
  const shipped = await t.orderReaches('PART1', 'SHIPPED');
  expect(shipped.lines).toEqual([{ sku: 'SKU003', batchNo: null, ordered: 8, shipped: 5, backordered: 3, cancelled: 0 }]);
  expect(shipped.backorders).toEqual([
    { backorderNo: 'PART1-BO1', lines: [{ sku: 'SKU003', quantity: 3 }], carriedFrom: null, cancelled: false },
  ]);
  await levelReaches('WH001', 'SKU003', { onHand: 0, reserved: 0 });
  expect((await t.get('/api/oms/orders/PART1-BO1')).status).toBe(404);

  const inbound = await t.post('/api/oms/inbound-orders', {
    inboundNo: 'PO-SKU003',
    warehouseCode: 'WH001',
    supplier: '供应商A',
    poNumber: 'PO-9',
    items: [{ sku: 'SKU003', quantity: 10 }],
  });
  expect(inbound.status).toBe(201);
  const backorder = await t.orderReaches('PART1-BO1', 'SHIPPED');
  expect(backorder).toMatchObject({ backorderOf: 'PART1', warehouseCode: 'WH001', lines: [{ sku: 'SKU003', ordered: 3, shipped: 3 }] });
  await levelReaches('WH001', 'SKU003', { onHand: 7, reserved: 0 });
});

test('cancel + release: an order allowed to cancel is cancelled when stock is short, and holds nothing', async () => {
  await t.post(
    '/api/oms/orders',
    anOrder('CANC1', {
      items: [
        { sku: 'SKU002', quantity: 1 },
        { sku: 'SKU004', quantity: 1 },
      ],
      allowCancel: true,
    }),
  );
  const cancelled = await t.orderReaches('CANC1', 'CANCELLED');
  expect(cancelled.lines.map((l: { cancelled: number }) => l.cancelled)).toEqual([1, 1]);
  await levelReaches('WH001', 'SKU002', { onHand: 50, reserved: 0 });
  expect(t.hub.sandbox?.wms.createCalls('CANC1')).toBe(0);
});

test('reroute: no partial, no cancel, and another warehouse covers it → it ships from there', async () => {
  await t.post('/api/oms/orders', anOrder('MOVE1', { items: [{ sku: 'SKU004', quantity: 5 }] }));
  const shipped = await t.orderReaches('MOVE1', 'SHIPPED');
  expect(shipped.warehouseCode).toBe('WH002');
  await levelReaches('WH002', 'SKU004', { onHand: 20, reserved: 0 });
  const events = (await t.get('/api/oms/orders/MOVE1/events')).body.data;
  expect(events.find((e: { type: string }) => e.type === 'OrderRerouted').data).toMatchObject({
    fromWarehouse: 'WH001',
    toWarehouse: 'WH002',
  });
});

test('no policy left and no warehouse covers it → manual intervention, alerted; a person reroutes it by hand later', async () => {
  await t.post('/api/oms/orders', anOrder('STUCK1', { items: [{ sku: 'SKU004', quantity: 500 }] }));
  const stuck = await t.orderReaches('STUCK1', 'MANUAL_INTERVENTION');
  expect(stuck.manualIntervention.reason).toBe('OUT_OF_STOCK');
  await waitFor('the alert', async () => ((await t.get('/api/oms/alerts?subject=order-STUCK1')).body.data as unknown[]).length === 1);
  await t.post('/api/oms/stock/adjustments', { countId: 'COUNT-1', warehouseCode: 'WH002', sku: 'SKU004', countedOnHand: 600 });
  expect((await t.post('/api/oms/orders/STUCK1/reroute', { warehouseCode: 'WH002', reason: 'stock found' })).status).toBe(200);
  await t.orderReaches('STUCK1', 'SHIPPED');
  // the reroute answered the alert: acknowledged by the hub, naming the act
  await waitFor('the alert settled', async () => {
    const [alert] = (await t.get('/api/oms/alerts?subject=order-STUCK1')).body.data as { acknowledgedBy: string | null }[];
    return alert?.acknowledgedBy?.startsWith('hub: order-STUCK1 rerouted from WH001 to WH002') === true;
  });
});

test('the warehouse reports a shortage of 1: with partial shipping, 2 ship, 1 is backordered and its reservation released; the missing unit is off on hand', async () => {
  t.hub.sandbox?.wms.faults.set({ shortage: { SKU002: 1 } });
  await t.post('/api/oms/orders', anOrder('WSHORT1', { items: [{ sku: 'SKU002', quantity: 3 }], allowPartialShip: true }));
  const shipped = await t.orderReaches('WSHORT1', 'SHIPPED');
  expect(shipped.lines).toEqual([{ sku: 'SKU002', batchNo: null, ordered: 3, shipped: 2, backordered: 1, cancelled: 0 }]);
  // 50 − 2 shipped − 1 the warehouse said is not on its shelves
  await levelReaches('WH001', 'SKU002', { onHand: 47, reserved: 0 });
});

test('the warehouse reports a shortage and the order may be cancelled: cancelled, everything released, the missing unit not available', async () => {
  t.hub.sandbox?.wms.faults.set({ shortage: { SKU001: 1 } });
  const before = await level('WH001', 'SKU001');
  await t.post('/api/oms/orders', anOrder('WSHORT2', { items: [{ sku: 'SKU001', quantity: 2 }], allowCancel: true }));
  await t.orderReaches('WSHORT2', 'CANCELLED');
  await levelReaches('WH001', 'SKU001', { onHand: before.onHand - 1, reserved: 0, available: before.available - 1 });
});
