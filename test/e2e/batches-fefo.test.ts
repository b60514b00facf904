/**
 * Batches and expiry over real HTTP with the sandbox WMS (issue 11): two purchase receipts of one
 * SKU, each of its own batch with its own expiry date (the later-expiring one received first); an
 * order that names no batch reserves from the batch that expires first, one that names the other
 * batch reserves from it and the warehouse is told which; a shipment deducts from the batch the
 * order reserved. The sandbox plays the warehouse by hand (manual mode) so that the receipts can
 * carry batches and dates as a warehouse would send them.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { anOrder } from './e2e-fixtures.ts';

const SKU = 'SKU-FEFO';

type BatchLevel = Readonly<{
  batchNo: string | null;
  productionDate: string | null;
  expiryDate: string | null;
  onHand: number;
  reserved: number;
  available: number;
  defective: number;
}>;
type Level = Readonly<{ onHand: number; reserved: number; available: number; defective: number; batches?: BatchLevel[] }>;

const levelOf = async (t: TestHub): Promise<Level | undefined> =>
  (await t.get(`/api/oms/stock?warehouseCode=WH001&sku=${SKU}`)).body.data[0] as Level | undefined;

/** Waits until the ledger's batches read as expected (batch number → figures). */
const batchesReach = (t: TestHub, expected: Record<string, Partial<BatchLevel>>) =>
  waitFor(`${SKU}'s batches to reach ${JSON.stringify(expected)}`, async () => {
    const level = await levelOf(t);
    const ok = Object.entries(expected).every(([batchNo, figures]) => {
      const batch = level?.batches?.find((b) => b.batchNo === batchNo);
      return batch !== undefined && Object.entries(figures).every(([key, value]) => batch[key as keyof BatchLevel] === value);
    });
    return ok ? level : undefined;
  });

/** A purchase inbound the sandbox took (it answers with its own number), then the warehouse's receipt of it, with a batch. */
const receive = async (t: TestHub, inboundNo: string, item: Record<string, unknown>) => {
  const created = await t.post('/api/oms/inbound-orders', {
    inboundNo,
    warehouseCode: 'WH001',
    supplier: 'ACME',
    poNumber: `PO-${inboundNo}`,
    items: [{ sku: SKU, quantity: 10 }],
  });
  expect(created.status).toBe(201);
  const pushed = await waitFor(`inbound ${inboundNo} pushed`, async () => {
    const view = (await t.get(`/api/oms/inbound-orders/${inboundNo}`)).body.data;
    return view?.wmsInboundNo ? (view as { wmsInboundNo: string }) : undefined;
  });
  const receipt = await t.post('/api/oms/inbound/callback', {
    inboundNo,
    wmsInboundNo: pushed.wmsInboundNo,
    warehouseCode: 'WH001',
    receivedItems: [{ sku: SKU, quantity: 10, ...item }],
    receivedTime: '2025-11-22T09:00:00',
  });
  expect(receipt.status).toBe(200);
};

describe('batches and first-expiry-first-out, over HTTP with the sandbox', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
    t.hub.sandbox?.wms.faults.set({ mode: 'manual' });
  });
  afterAll(async () => {
    await t.stop();
  });

  test('receipts keep their batch and dates; an order without a batch takes the earliest expiry, one naming a batch takes that batch', async () => {
    // LOT1 arrives first and expires last: neither arrival nor batch number may decide, only the expiry
    await receive(t, 'INB-FEFO-1', { batchNo: 'LOT1', productionDate: '2025-10-01', expiryDate: '2027-06-30' });
    await receive(t, 'INB-FEFO-2', { batchNo: 'LOT2', productionDate: '2025-09-01', expiryDate: '2027-01-31' });
    const received = await batchesReach(t, { LOT2: { onHand: 10 }, LOT1: { onHand: 10 } });
    expect(received).toMatchObject({ onHand: 20, reserved: 0, available: 20, defective: 0 });
    // the inbound's batch and dates are no longer dropped; first expiry first
    expect(received.batches).toEqual([
      {
        batchNo: 'LOT2',
        productionDate: '2025-09-01',
        expiryDate: '2027-01-31',
        onHand: 10,
        reserved: 0,
        available: 10,
        defective: 0,
      },
      { batchNo: 'LOT1', productionDate: '2025-10-01', expiryDate: '2027-06-30', onHand: 10, reserved: 0, available: 10, defective: 0 },
    ]);

    // no batch named: the earliest expiry
    expect((await t.post('/api/oms/orders', anOrder('FEFO-1', { items: [{ sku: SKU, quantity: 3 }] }))).status).toBe(201);
    await batchesReach(t, { LOT2: { reserved: 3, available: 7 }, LOT1: { reserved: 0 } });

    // the other batch named: that batch, though another expires first; the warehouse is told which
    expect((await t.post('/api/oms/orders', anOrder('FEFO-2', { items: [{ sku: SKU, quantity: 2, batchNo: 'LOT1' }] }))).status).toBe(201);
    const reserved = await batchesReach(t, { LOT2: { reserved: 3 }, LOT1: { reserved: 2, available: 8 } });
    expect(reserved).toMatchObject({ onHand: 20, reserved: 5, available: 15 });
    await t.orderReaches('FEFO-2', 'PUSHED_TO_WMS');
    const sandboxOrders = (await (await fetch(`${t.hub.sandbox?.wmsUrl ?? ''}/sandbox/orders`)).json()) as {
      data: { orders: { orderNo: string; items: { sku: string; quantity: number; batchNo?: string }[] }[] };
    };
    expect(sandboxOrders.data.orders.find((order) => order.orderNo === 'FEFO-2')?.items).toEqual([
      { sku: SKU, quantity: 2, batchNo: 'LOT1' },
    ]);

    // the first order ships: its units leave the batch it reserved
    await t.orderReaches('FEFO-1', 'PUSHED_TO_WMS');
    const shipped = await fetch(`${t.hub.sandbox?.wmsUrl ?? ''}/sandbox/outbound/WH001/FEFO-1/ship`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(shipped.status).toBe(200);
    await t.orderReaches('FEFO-1', 'SHIPPED');
    const after = await batchesReach(t, { LOT2: { onHand: 7, reserved: 0 }, LOT1: { onHand: 10, reserved: 2 } });
    expect(after).toMatchObject({ onHand: 17, reserved: 2, available: 15 });

    // a line naming a batch is short when that batch is, whatever the other holds: 9 of LOT1, which has 8 free
    expect((await t.post('/api/oms/orders', anOrder('FEFO-3', { items: [{ sku: SKU, quantity: 9, batchNo: 'LOT1' }] }))).status).toBe(201);
    const shortage = await waitFor('the shortage of FEFO-3', async () => {
      const events = (await t.get('/api/oms/orders/FEFO-3/events')).body.data as { type: string; data: { lines: unknown } }[];
      return events.find((event) => event.type === 'StockShortageDetected');
    });
    expect(shortage.data.lines).toEqual([{ sku: SKU, quantity: 1 }]);
    expect(await levelOf(t)).toMatchObject({ reserved: 2 });
  });

  test('a return goes back into the batch the warehouse names: sellable and defective apart', async () => {
    const created = await t.post('/api/oms/returns', {
      returnNo: 'RT-FEFO-1',
      orderNo: 'FEFO-1',
      reason: 'damaged in transit',
      items: [{ sku: SKU, quantity: 2 }],
    });
    expect(created.status).toBe(201);
    const inspected = await t.post('/api/oms/return/callback', {
      returnNo: 'RT-FEFO-1',
      warehouseCode: 'WH001',
      inspectedItems: [{ sku: SKU, qualified: 1, defective: 1, batchNo: 'LOT2' }],
      inspectedTime: '2025-11-23T09:00:00',
    });
    expect(inspected.status).toBe(200);
    const after = await batchesReach(t, { LOT2: { onHand: 8, defective: 1 }, LOT1: { onHand: 10, defective: 0 } });
    expect(after).toMatchObject({ onHand: 18, defective: 1 });
  });

  test('a receipt whose batch number is not an identifier is refused, naming the field', async () => {
    const answer = await t.post('/api/oms/inbound/callback', {
      inboundNo: 'INB-FEFO-1',
      wmsInboundNo: 'RK-X',
      warehouseCode: 'WH001',
      receivedItems: [{ sku: SKU, quantity: 1, batchNo: 'LOT 9', expiryDate: '2027-02-30' }],
      receivedTime: '2025-11-22T09:00:00',
    });
    expect(answer.status).toBe(422);
    expect(JSON.stringify(answer.body)).toContain('batchNo');
    expect(JSON.stringify(answer.body)).toContain('expiryDate');
  });
});
