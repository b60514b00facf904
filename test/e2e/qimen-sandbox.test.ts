/**
 * The sandbox runs WH002 in Qimen beside WH001 in the article's JSON, as `npm start` does: the hub
 * calls WH002's Qimen side (signed, XML) and WH002 calls back in Qimen (orderprocess.report,
 * deliveryorder.confirm intermediate then final, entryorder.confirm, returnorder.confirm); WH001
 * goes on in JSON. The same order through either warehouse ends in the same events.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { StoredEvent } from '../../src/application/ports/event-store.ts';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { anOrder } from './e2e-fixtures.ts';

let t: TestHub;

beforeAll(async () => {
  t = await startTestHub({ env: { SANDBOX_QIMEN_WAREHOUSES: 'WH002', SANDBOX_DELAY_MS: '0' } });
});
afterAll(async () => {
  await t.stop();
});

/** The order once shipped, each of its waybills handed off to the TMS. */
const handedOff = (orderNo: string) =>
  waitFor(
    `${orderNo} shipped and handed off`,
    async () => {
      const order = await t.order(orderNo);
      if (order?.status !== 'SHIPPED') return null;
      for (const shipment of order.shipments as { carrier: string; waybillNo: string }[])
        if ((await t.get(`/api/oms/shipments/${shipment.carrier}/${shipment.waybillNo}`)).body.data?.status !== 'HANDED_OFF') return null;
      return order;
    },
    20_000,
  );

/**
 * An order's events as the business sees them: their types, and what was shipped (items, carrier).
 * Left out: what differs by warehouse (numbers, waybills, times, ids), and `WarehouseMessageApplied`,
 * the record of a message's own id: Qimen's messages carry theirs (`outBizCode`), the sandbox's
 * JSON callbacks carry none.
 */
const shapeOf = (events: readonly StoredEvent[]) =>
  events
    .filter((event) => event.type !== 'WarehouseMessageApplied')
    .map((event) => {
      if (event.type !== 'ShipmentRecorded') return event.type;
      const { items, carrier } = event.data as { items: unknown; carrier: string };
      return { type: event.type, items, carrier };
    });

const archived = async () =>
  (await t.hub.deps.store.readAll({ category: 'message' }))
    .filter((event) => event.type === 'WarehouseMessageReceived')
    .map((event) => (event.data as { endpoint: string }).endpoint);

test('the same order through the JSON warehouse and the Qimen one: both shipped, deducted and handed off, the same events in the same order', async () => {
  expect(
    (await t.post('/api/oms/orders', anOrder('SIDE-JSON', { warehouseCode: 'WH001', items: [{ sku: 'SKU001', quantity: 2 }] }))).status,
  ).toBe(201);
  expect(
    (await t.post('/api/oms/orders', anOrder('SIDE-QIMEN', { warehouseCode: 'WH002', items: [{ sku: 'SKU001', quantity: 2 }] }))).status,
  ).toBe(201);
  await handedOff('SIDE-JSON');
  const qimen = await handedOff('SIDE-QIMEN');
  expect(qimen.outboundNo).toMatch(/.+/);
  const json = await t.hub.deps.store.readStream('order-SIDE-JSON');
  const viaQimen = await t.hub.deps.store.readStream('order-SIDE-QIMEN');
  expect(shapeOf(viaQimen)).toEqual(shapeOf(json));
  expect(shapeOf(json)).toContainEqual({ type: 'ShipmentRecorded', items: [{ sku: 'SKU001', quantity: 2 }], carrier: 'SF' });
  expect(viaQimen.filter((event) => event.type === 'WarehouseMessageApplied').length).toBeGreaterThan(0);
  const endpoints = await archived();
  expect(endpoints).toContain('/api/qimen?method=taobao.qimen.deliveryorder.confirm');
  expect(endpoints).toContain('/api/qimen?method=taobao.qimen.orderprocess.report');
  expect(endpoints).toContain('/api/oms/outbound/callback');
  const level = ((await t.get('/api/oms/stock?warehouseCode=WH002&sku=SKU001')).body.data as { onHand: number }[])[0];
  expect(level?.onHand).toBe(38);
});

test('shipped in two packages by the Qimen warehouse: an intermediate confirmation, then the final one', async () => {
  t.hub.sandbox?.wms.faults.set({ partialShipments: true });
  expect(
    (await t.post('/api/oms/orders', anOrder('SPLIT-QIMEN', { warehouseCode: 'WH002', items: [{ sku: 'SKU003', quantity: 4 }] }))).status,
  ).toBe(201);
  const order = await handedOff('SPLIT-QIMEN');
  t.hub.sandbox?.wms.faults.set({});
  expect(order.shipments).toHaveLength(2);
  const confirmations = (await t.hub.deps.store.readAll({ category: 'message' }))
    .filter((event) => event.type === 'WarehouseMessageReceived')
    .map((event) => event.data as { endpoint: string; body: string })
    .filter((message) => message.endpoint.endsWith('deliveryorder.confirm') && message.body.includes('SPLIT-QIMEN'));
  expect(confirmations.map((message) => /<confirmType>(\d)<\/confirmType>/.exec(message.body)?.[1])).toEqual(['1', '0']);
});

test('a purchase inbound at the Qimen warehouse: entryorder.create, then entryorder.confirm received', async () => {
  const inbound = {
    inboundNo: 'QIN-SB1',
    warehouseCode: 'WH002',
    supplier: 'ACME',
    poNumber: 'PO7',
    items: [{ sku: 'SKU004', quantity: 5 }],
  };
  expect((await t.post('/api/oms/inbound-orders', inbound)).status).toBe(201);
  await waitFor('QIN-SB1 received', async () => {
    const events = await t.hub.deps.store.readStream('inbound-QIN-SB1');
    return events.some((event) => event.type === 'InboundReceived');
  });
  const level = ((await t.get('/api/oms/stock?warehouseCode=WH002&sku=SKU004')).body.data as { onHand: number }[])[0];
  expect(level?.onHand).toBe(30);
  expect(await archived()).toContain('/api/qimen?method=taobao.qimen.entryorder.confirm');
});

test('a return to the Qimen warehouse: returnorder.create, then returnorder.confirm inspected', async () => {
  expect(
    (
      await t.post('/api/oms/returns', {
        returnNo: 'QRT-SB1',
        orderNo: 'SIDE-QIMEN',
        reason: '不想要了',
        items: [{ sku: 'SKU001', quantity: 1 }],
      })
    ).status,
  ).toBe(201);
  await waitFor('QRT-SB1 inspected', async () => {
    const events = await t.hub.deps.store.readStream('return-QRT-SB1');
    return events.some((event) => event.type === 'ReturnInspected');
  });
  expect(await archived()).toContain('/api/qimen?method=taobao.qimen.returnorder.confirm');
});

test('a reconciliation of the Qimen warehouse reads its stock.query and finds the ledgers agree with its shelves', async () => {
  await t.hub.sandbox?.wms.settled();
  const reconciled = await t.post('/api/oms/stock/reconcile', { warehouseCode: 'WH002' });
  expect(reconciled.status).toBe(200);
  expect(reconciled.body.data.variances).toEqual([]);
  expect(reconciled.body.data.skus).toBeGreaterThan(0);
});

test('a shortage at the Qimen warehouse is reported by itemlack.report: the order hears it and its policy decides', async () => {
  t.hub.sandbox?.wms.faults.set({ shortage: { SKU004: 1 } });
  expect(
    (await t.post('/api/oms/orders', anOrder('SHORT-QIMEN', { warehouseCode: 'WH002', items: [{ sku: 'SKU004', quantity: 3 }] }))).status,
  ).toBe(201);
  const detected = await waitFor('the shortage', async () => {
    const events = await t.hub.deps.store.readStream('order-SHORT-QIMEN');
    return events.find((event) => event.type === 'StockShortageDetected' && (event.data as { source: string }).source === 'WMS');
  });
  t.hub.sandbox?.wms.faults.set({});
  expect(detected.data).toMatchObject({ warehouseCode: 'WH002', lines: [{ sku: 'SKU004', quantity: 1 }] });
  expect(await archived()).toContain('/api/qimen?method=taobao.qimen.itemlack.report');
});

test('the request faults meet the Qimen warehouse too: a 503 is tried again, a refusal waits for a person', async () => {
  t.hub.sandbox?.wms.faults.set({ errorRate: 1 });
  await t.post('/api/oms/orders', anOrder('FAULT-Q1', { warehouseCode: 'WH002', items: [{ sku: 'SKU001', quantity: 1 }] }));
  const failed = await t.orderReaches('FAULT-Q1', 'PUSH_FAILED');
  expect(failed.push).toMatchObject({ attempts: 1, lastError: expect.stringContaining('HTTP 503') });
  expect(failed.push.nextAttemptAt).not.toBeNull();

  t.hub.sandbox?.wms.faults.set({ rejectRate: 1 });
  await t.post('/api/oms/orders', anOrder('FAULT-Q2', { warehouseCode: 'WH002', items: [{ sku: 'SKU001', quantity: 1 }] }));
  const refused = await t.orderReaches('FAULT-Q2', 'MANUAL_INTERVENTION');
  expect(refused.manualIntervention).toMatchObject({ reason: 'PUSH_REJECTED', detail: expect.stringContaining('SANDBOX_REJECTED') });
  t.hub.sandbox?.wms.faults.set({});
});

test('in manual mode, a person ships an order the Qimen warehouse took: the hub hears it in Qimen', async () => {
  t.hub.sandbox?.wms.faults.set({ mode: 'manual' });
  await t.post('/api/oms/orders', anOrder('HAND-QIMEN', { warehouseCode: 'WH002', items: [{ sku: 'SKU001', quantity: 1 }] }));
  await t.orderReaches('HAND-QIMEN', 'PUSHED_TO_WMS');
  const shipped = await fetch(`${t.hub.sandbox?.wmsUrl}/sandbox/outbound/WH002/HAND-QIMEN/ship`, { method: 'POST' });
  expect(shipped.status).toBe(200);
  await t.orderReaches('HAND-QIMEN', 'SHIPPED');
  t.hub.sandbox?.wms.faults.set({});
  const confirmations = (await t.hub.deps.store.readAll({ category: 'message' }))
    .filter((event) => event.type === 'WarehouseMessageReceived')
    .map((event) => event.data as { endpoint: string; body: string })
    .filter((message) => message.body.includes('HAND-QIMEN'));
  expect(confirmations.map((message) => message.endpoint)).toEqual(['/api/qimen?method=taobao.qimen.deliveryorder.confirm']);
});
