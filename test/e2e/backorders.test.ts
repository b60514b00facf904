/**
 * Backorders are flat and never lost (docs/architecture.md#backorders), over real HTTP with the
 * sandbox. The runaway of issue 11: the sandbox short of a SKU made one order `L1-BO1-BO1-…` fifteen
 * deep in seconds, each backorder placed straight back at the warehouse that had just said it has
 * none; at the 16th level the number passed 64 characters and the backorder vanished from the book.
 * Now a backorder waits for stock that really arrived, is numbered from the original order, and one
 * that cannot be placed stays owed, alerted, until a person acts; `/health` and the report agree.
 */
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { comparePositions } from '../../src/application/ports/event-store.ts';
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

const receive = async (inboundNo: string, warehouseCode: string, sku: string, quantity: number) => {
  const answer = await t.post('/api/oms/inbound-orders', {
    inboundNo,
    warehouseCode,
    supplier: 'ACME',
    poNumber: inboundNo,
    items: [{ sku, quantity }],
  });
  expect(answer.status).toBe(201);
  return waitFor(`${inboundNo} on the shelves`, async () => {
    const events = await t.hub.deps.store.readStream(`stock-${warehouseCode}.${sku}`);
    return events.find(
      (event) => event.type === 'StockReceived' && String((event.data as { reference: string }).reference).startsWith(`${inboundNo}/`),
    );
  });
};
const placedEvent = async (orderNo: string) =>
  (await t.hub.deps.store.readStream(`order-${orderNo}`)).find((event) => event.type === 'OrderPlaced');
const family = async (orderNo: string) =>
  [...new Set((await t.hub.deps.store.readAll({ category: 'order' })).map((event) => event.stream.slice('order-'.length)))]
    .filter((no) => no === orderNo || no.startsWith(`${orderNo}-`))
    .sort();
const owed = async () => (await t.get('/api/oms/reports/backorders?limit=500')).body.data.items as { backorderNo: string }[];
const waitingAtHealth = async () => (await t.get('/health')).body.data.waitingBackorders as number;
const owes = (backorderNo: string) =>
  waitFor(`${backorderNo} in the backorder report`, async () => (await owed()).some((item) => item.backorderNo === backorderNo));

test('the runaway: a warehouse short of a SKU is not sent the backorder again until stock arrives, and the numbers stay flat', async () => {
  t.hub.sandbox?.wms.faults.set({ shortage: { SKU002: 1 } });
  await t.post('/api/oms/orders', anOrder('L1', { items: [{ sku: 'SKU002', quantity: 3 }], allowPartialShip: true }));
  await t.orderReaches('L1', 'SHIPPED');
  await owes('L1-BO1');

  // stock really arrives at WH001: the backorder goes there, and the sandbox is short again
  const firstReceipt = await receive('PO-L1-A', 'WH001', 'SKU002', 10);
  const firstBackorder = await t.orderReaches('L1-BO1', 'BACKORDERED');
  expect(firstBackorder).toMatchObject({
    backorderOf: 'L1',
    warehouseCode: 'WH001',
    lines: [{ sku: 'SKU002', ordered: 1, backordered: 1 }],
  });
  expect(comparePositions((await placedEvent('L1-BO1'))!.position, firstReceipt.position)).toBeGreaterThan(0);
  // what it could not ship is owed again, numbered from the original: L1-BO2, not L1-BO1-BO1
  await owes('L1-BO2');
  const original = await t.order('L1');
  expect(original.backorders.map((b: { backorderNo: string; carriedFrom: string | null }) => [b.backorderNo, b.carriedFrom])).toEqual([
    ['L1-BO1', null],
    ['L1-BO2', 'L1-BO1'],
  ]);

  // the shortage is over and stock arrives again: L1-BO2 is placed then, once, and ships
  t.hub.sandbox?.wms.faults.set({});
  const secondReceipt = await receive('PO-L1-B', 'WH001', 'SKU002', 10);
  const secondBackorder = await t.orderReaches('L1-BO2', 'SHIPPED');
  expect(secondBackorder).toMatchObject({ backorderOf: 'L1', lines: [{ sku: 'SKU002', ordered: 1, shipped: 1 }] });
  expect(comparePositions((await placedEvent('L1-BO2'))!.position, secondReceipt.position)).toBeGreaterThan(0);
  expect(t.hub.sandbox?.wms.createCalls('L1-BO1')).toBe(1);
  expect(t.hub.sandbox?.wms.createCalls('L1-BO2')).toBe(1);
  expect(await family('L1')).toEqual(['L1', 'L1-BO1', 'L1-BO2']);
  // ordered 3 = shipped 2 + 0 + 1, nothing cancelled, nothing owed
  await waitFor('nothing owed to L1', async () => !(await owed()).some((item) => item.backorderNo.startsWith('L1-')));
});

test('a backorder that cannot be placed stays owed and is alerted until a person cancels it; /health and the report agree', async () => {
  const orderNo = `LONG${'X'.repeat(58)}`; // 62 characters: its backorder's number, 66, is not a valid order number
  await t.post('/api/oms/orders', anOrder(orderNo, { items: [{ sku: 'SKU004', quantity: 3 }], allowPartialShip: true }));
  await t.orderReaches(orderNo, 'BACKORDERED');
  const backorderNo = `${orderNo}-BO1`;
  await owes(backorderNo);

  await receive('PO-SKU004', 'WH002', 'SKU004', 5); // WH002 now covers it: placing it is refused
  const alert = await waitFor('the alert', async () =>
    ((await t.get(`/api/oms/alerts?subject=order-${orderNo}`)).body.data as { key: string; message: string }[]).find(
      (a) => a.key === `backorder:${backorderNo}`,
    ),
  );
  expect(alert.message).toContain('INVALID_ORDER');
  expect((await t.get(`/api/oms/orders/${backorderNo}`)).status).toBe(404);
  expect((await owed()).map((item) => item.backorderNo)).toContain(backorderNo);
  expect(await waitingAtHealth()).toBe((await owed()).length);

  const cancelled = await t.post(`/api/oms/orders/${orderNo}/backorders/${backorderNo}/cancel`, { reason: 'refunded' });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.data.backorders).toEqual([
    { backorderNo, lines: [{ sku: 'SKU004', quantity: 3 }], carriedFrom: null, cancelled: true },
  ]);
  await waitFor('the report to drop it', async () => !(await owed()).some((item) => item.backorderNo === backorderNo));
  await waitFor('the book to drop it', async () => (await waitingAtHealth()) === (await owed()).length);
  // a second cancellation, or one of a backorder never numbered, is refused by name
  expect((await t.post(`/api/oms/orders/${orderNo}/backorders/${backorderNo}/cancel`, {})).status).toBe(404);
});

test('an original cancelled before its backorder was placed: the backorder is cancelled with it, recorded, and leaves the book and the report', async () => {
  t.hub.sandbox?.wms.faults.set({ mode: 'manual' });
  const items = [
    { sku: 'SKU004', quantity: 3 },
    { sku: 'SKU002', quantity: 1 },
  ];
  await t.post('/api/oms/orders', anOrder('CXBO1', { items, allowPartialShip: true }));
  await t.orderReaches('CXBO1', 'PUSHED_TO_WMS');
  await owes('CXBO1-BO1');
  expect((await t.post('/api/oms/orders/CXBO1/cancel', { reason: 'customer' })).status).toBe(200);
  await t.orderReaches('CXBO1', 'CANCELLED');
  const dropped = await waitFor('the backorder cancelled with it', async () =>
    (await t.hub.deps.events.readStream('order', 'order-CXBO1')).find((event) => event.type === 'BackorderCancelled'),
  );
  expect(dropped.data).toMatchObject({
    backorderNo: 'CXBO1-BO1',
    lines: [{ sku: 'SKU004', quantity: 3 }],
    reason: 'order CXBO1 was cancelled',
  });
  await waitFor('the report to drop it', async () => !(await owed()).some((item) => item.backorderNo === 'CXBO1-BO1'));
  await waitFor('the book and the report to agree', async () => (await waitingAtHealth()) === (await owed()).length);
});
