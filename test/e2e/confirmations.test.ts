/**
 * Warehouse confirmations as warehouses send them (docs/contracts.md#shipment-callback): a final
 * confirmation (`confirmType` 0, as Qimen's deliveryorder.confirm) closes short what it did not ship,
 * by the order's shortage policy; an intermediate one (1) leaves the rest open. A message's own id
 * (`messageId`, or Qimen's `outBizCode`) makes it one effect: sent again it changes nothing, and with
 * other content it is kept as an anomaly and not applied. The sandbox takes the orders and a test
 * plays the warehouse (manual mode).
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
  t.hub.sandbox?.wms.faults.set({ mode: 'manual' });
});

const reserved = async (sku: string) => (await t.get(`/api/oms/stock?warehouseCode=WH001&sku=${sku}`)).body.data[0].reserved as number;
const pushed = async (orderNo: string, policy: Record<string, boolean>, quantity = 5) => {
  await t.post('/api/oms/orders', anOrder(orderNo, { items: [{ sku: 'SKU002', quantity }], ...policy }));
  return (await t.orderReaches(orderNo, 'PUSHED_TO_WMS')).outboundNo as string;
};
const shipment = (orderNo: string, outboundNo: string, waybillNo: string, quantity: number, extra: Record<string, unknown> = {}) => ({
  orderNo,
  outboundNo,
  waybillNo,
  carrier: 'SF',
  actualItems: [{ sku: 'SKU002', quantity }],
  shippedTime: '2025-11-22T10:00:00',
  ...extra,
});

test('final (confirmType 0) with partial shipping allowed: 3 of 5 ship, the 2 not shipped become a backorder and are released', async () => {
  const before = await reserved('SKU002');
  const outboundNo = await pushed('FINAL1', { allowPartialShip: true });
  const answer = await t.post('/api/oms/outbound/callback', shipment('FINAL1', outboundNo, 'SF-F1', 3, { confirmType: 0 }));
  expect(answer.body.data).toMatchObject({ applied: true, status: 'SHIPPED' });
  const order = await t.order('FINAL1');
  expect(order.lines).toEqual([{ sku: 'SKU002', batchNo: null, ordered: 5, shipped: 3, backordered: 2, cancelled: 0 }]);
  expect(order.backorders).toEqual([
    { backorderNo: 'FINAL1-BO1', lines: [{ sku: 'SKU002', quantity: 2 }], carriedFrom: null, cancelled: false },
  ]);
  await waitFor('the reservation released', async () => (await reserved('SKU002')) === before);
});

test('final with cancelling allowed: the rest is cancelled and released; intermediate (1) or none: the rest stays open', async () => {
  const before = await reserved('SKU002');
  const cancelling = await pushed('FINAL2', { allowCancel: true });
  await t.post('/api/oms/outbound/callback', shipment('FINAL2', cancelling, 'SF-F2', 3, { confirmType: 0 }));
  expect((await t.order('FINAL2')).lines).toEqual([{ sku: 'SKU002', batchNo: null, ordered: 5, shipped: 3, backordered: 0, cancelled: 2 }]);
  await waitFor('the reservation released', async () => (await reserved('SKU002')) === before);

  const open = await pushed('FINAL3', { allowPartialShip: true });
  const answer = await t.post('/api/oms/outbound/callback', shipment('FINAL3', open, 'SF-F3', 3, { confirmType: 1 }));
  expect(answer.body.data).toMatchObject({ applied: true, status: 'PARTIALLY_SHIPPED' });
  expect((await t.order('FINAL3')).backorders).toEqual([]);
  const bad = await t.post('/api/oms/outbound/callback', shipment('FINAL3', open, 'SF-F4', 1, { confirmType: 2 }));
  expect(bad.status).toBe(422);
  expect(bad.body.data.errors).toEqual([{ path: 'body.confirmType', message: 'confirmType must be 0 (final) or 1 (intermediate)' }]);
});

test('a message id twice is one effect: the same body again changes nothing; another body is kept as an anomaly, not applied', async () => {
  const outboundNo = await pushed('MSG1', {}, 4);
  const first = shipment('MSG1', outboundNo, 'SF-M1', 2, { messageId: 'WMS-MSG-1' });
  expect((await t.post('/api/oms/outbound/callback', first)).body.data).toMatchObject({ applied: true, status: 'PARTIALLY_SHIPPED' });
  expect((await t.post('/api/oms/outbound/callback', first)).body.data).toMatchObject({ applied: false });

  // the same id (as Qimen names it) with another waybill: recorded as MESSAGE_ID_REUSED, with its body; nothing ships
  const reused = shipment('MSG1', outboundNo, 'SF-M2', 2, { outBizCode: 'WMS-MSG-1' });
  expect((await t.post('/api/oms/outbound/callback', reused)).status).toBe(200);
  const order = await t.order('MSG1');
  expect(order).toMatchObject({ status: 'PARTIALLY_SHIPPED', lines: [{ shipped: 2 }], anomalies: 1 });
  expect(order.shipments.map((s: { waybillNo: string }) => s.waybillNo)).toEqual(['SF-M1']);
  const events = (await t.get('/api/oms/orders/MSG1/events')).body.data as {
    type: string;
    data: { kind?: string };
    metadata: { callback?: { body: unknown } };
  }[];
  const flagged = events.find((event) => event.type === 'AnomalyDetected' && event.data.kind === 'MESSAGE_ID_REUSED');
  expect(flagged?.metadata.callback?.body).toEqual(reused);
  await waitFor('the alert', async () =>
    ((await t.get('/api/oms/alerts?subject=order-MSG1')).body.data as { message: string }[]).some((a) => /WMS-MSG-1/.test(a.message)),
  );
  // the same reused message again adds nothing more
  await t.post('/api/oms/outbound/callback', reused);
  expect((await t.order('MSG1')).anomalies).toBe(1);

  const twoIds = await t.post('/api/oms/outbound/callback', { ...first, outBizCode: 'OTHER' });
  expect(twoIds.status).toBe(422);
  expect(twoIds.body.data.errors).toEqual([{ path: 'body.outBizCode', message: 'outBizCode must equal messageId when both are given' }]);
});
