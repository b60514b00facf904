/** docs/architecture.md#follow-a-shipment-callback: an order goes in, reaches the warehouse, ships, deducts stock and reaches transport. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { articleOutboundCreate } from '../support/article-payloads.ts';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { eventTypes } from './e2e-fixtures.ts';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.stop();
});

test("the article's order, verbatim: pushed once, picked, packed, shipped, stock deducted, handed to transport", async () => {
  const placed = await fetch(`${t.hub.url}/api/oms/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: articleOutboundCreate,
  });
  expect(placed.status).toBe(201);

  const shipped = await t.orderReaches('OMS202511220001', 'SHIPPED');
  expect(shipped.lines).toEqual([{ sku: 'SKU001', batchNo: 'BATCH001', ordered: 2, shipped: 2, backordered: 0, cancelled: 0 }]);
  expect(shipped.shipments).toHaveLength(1);
  const [{ waybillNo }] = shipped.shipments;

  const events = (await t.get('/api/oms/orders/OMS202511220001/events')).body.data;
  expect(eventTypes(events)).toEqual([
    'OrderPlaced',
    'ReservationRequested',
    'StockReserved',
    // the push claimed before the WMS was called (no two processes make the same call)
    'PushStarted',
    'PushSucceeded',
    'WmsProgressRecorded',
    'WmsProgressRecorded',
    'ShipmentRecorded',
  ]);
  expect(new Set(events.map((e: { metadata: { correlationId: string } }) => e.metadata.correlationId)).size).toBeGreaterThanOrEqual(1);

  const stock = await waitFor('the deduction', async () => {
    const [level] = (await t.get('/api/oms/stock?warehouseCode=WH001&sku=SKU001')).body.data;
    return level.onHand === 98 ? level : undefined;
  });
  expect(stock).toMatchObject({ onHand: 98, reserved: 0, available: 98 });

  const handedOff = await waitFor('the hand-off', async () => {
    const shipment = (await t.get(`/api/oms/shipments/SF/${waybillNo}`)).body.data;
    return shipment?.status === 'HANDED_OFF' ? shipment : undefined;
  });
  expect(handedOff).toMatchObject({ orderNo: 'OMS202511220001', carrier: 'SF', consignee: { address: 'XX街道XX号' } });
  expect(t.hub.sandbox?.wms.createCalls('OMS202511220001')).toBe(1);
  expect(t.hub.sandbox?.tms.shipments().map((s) => s.waybillNo)).toEqual([waybillNo]);
  expect((await t.get('/api/oms/alerts')).body.data).toEqual([]);
});
