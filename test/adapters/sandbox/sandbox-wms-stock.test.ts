import { describe, expect, test } from 'vitest';
import type { InboundInstruction } from '../../../src/application/ports/warehouse.ts';
import { order, startRig } from './sandbox-fixtures.ts';

const opening = [
  { warehouseCode: 'WH001', sku: 'SKU001', quantity: 100 },
  { warehouseCode: 'WH001', sku: 'SKU002', quantity: 50 },
  { warehouseCode: 'WH002', sku: 'SKU001', quantity: 40 },
];

const inbound = (kind: 'PURCHASE' | 'RETURN'): InboundInstruction => ({
  inboundNo: kind === 'PURCHASE' ? 'PO1' : 'RT-R1',
  kind,
  warehouseCode: 'WH001',
  supplier: null,
  poNumber: null,
  returnNo: kind === 'PURCHASE' ? null : 'R1',
  lines: [{ sku: 'SKU003', quantity: 4 }],
});

const post = async (url: string, body: unknown) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { message: string; data: any } };
};

describe('sandbox WMS: its own stock', () => {
  test('starts from its opening stock and answers the stock query a page at a time, for one warehouse', async () => {
    const { client } = await startRig({ stock: opening });
    expect(await client.stockSnapshot({ warehouseCode: 'WH001', pageNo: 1, pageSize: 1 })).toEqual({
      ok: true,
      value: { lines: [{ sku: 'SKU001', condition: 'SELLABLE', quantity: 100, batchNo: null }], hasMore: true },
    });
    expect(await client.stockSnapshot({ warehouseCode: 'WH001', pageNo: 2, pageSize: 1 })).toEqual({
      ok: true,
      value: { lines: [{ sku: 'SKU002', condition: 'SELLABLE', quantity: 50, batchNo: null }], hasMore: false },
    });
    expect(await client.stockSnapshot({ warehouseCode: 'WH009', pageNo: 1, pageSize: 100 })).toEqual({
      ok: true,
      value: { lines: [], hasMore: false },
    });
  });

  test('ships out of it, writes off what it finds missing at picking, and takes in receipts and inspected returns', async () => {
    const { sandbox, client } = await startRig({ stock: opening, faults: { shortage: { SKU002: 1 }, defectiveShare: 0.5 } });
    await client.createOutbound(
      order('OMS1', [
        { sku: 'SKU001', quantity: 2 },
        { sku: 'SKU002', quantity: 3 },
      ]),
    );
    await client.createInbound(inbound('PURCHASE'));
    await client.createInbound(inbound('RETURN'));
    await sandbox.wms.settled();
    expect(sandbox.wms.stock.shelves()).toEqual([
      { warehouseCode: 'WH001', sku: 'SKU001', sellable: 98, defective: 0 },
      { warehouseCode: 'WH001', sku: 'SKU002', sellable: 47, defective: 0 },
      { warehouseCode: 'WH001', sku: 'SKU003', sellable: 6, defective: 2 },
      { warehouseCode: 'WH002', sku: 'SKU001', sellable: 40, defective: 0 },
    ]);
    const page = await client.stockSnapshot({ warehouseCode: 'WH001', pageNo: 1, pageSize: 100 });
    expect(page.ok && page.value.lines.filter((line) => line.sku === 'SKU003')).toEqual([
      { sku: 'SKU003', condition: 'SELLABLE', quantity: 6, batchNo: null },
      { sku: 'SKU003', condition: 'DEFECTIVE', quantity: 2, batchNo: null },
    ]);
  });

  test('a person tells it units were lost or found; it never holds fewer than none', async () => {
    const { sandbox } = await startRig({ stock: opening });
    const lost = await post(`${sandbox.wmsUrl}/sandbox/stock/WH001/SKU001/lose`, { quantity: 3 });
    expect(lost).toMatchObject({ status: 200, body: { data: { lost: 3, sellable: 97, defective: 0 } } });
    const found = await post(`${sandbox.wmsUrl}/sandbox/stock/WH001/SKU001/find`, { quantity: 2, inventoryType: 'DEFECTIVE' });
    expect(found).toMatchObject({ status: 200, body: { data: { found: 2, sellable: 97, defective: 2 } } });
    expect((await post(`${sandbox.wmsUrl}/sandbox/stock/WH002/SKU001/lose`, { quantity: 500 })).body.data).toMatchObject({
      lost: 40,
      sellable: 0,
    });
    const bad = await post(`${sandbox.wmsUrl}/sandbox/stock/WH001/SKU001/lose`, { quantity: 0 });
    expect(bad).toMatchObject({
      status: 422,
      body: { data: { errors: [{ path: 'body.quantity', message: 'quantity must be at least 1' }] } },
    });
    expect((await post(`${sandbox.wmsUrl}/sandbox/stock/WH001/SKU001/steal`, { quantity: 1 })).status).toBe(404);
    const shown = (await (await fetch(`${sandbox.wmsUrl}/sandbox/stock`)).json()) as { data: { shelves: unknown[] } };
    expect(shown.data.shelves).toEqual([
      { warehouseCode: 'WH001', sku: 'SKU001', sellable: 97, defective: 2 },
      { warehouseCode: 'WH001', sku: 'SKU002', sellable: 50, defective: 0 },
    ]);
  });

  test('the stock query meets the request faults like every call the hub makes', async () => {
    const { sandbox, client } = await startRig({ stock: opening, faults: { errorRate: 1 } });
    expect(await client.stockSnapshot({ warehouseCode: 'WH001', pageNo: 1, pageSize: 10 })).toMatchObject({ ok: false, retryable: true });
    sandbox.wms.faults.set({});
    expect(await client.stockSnapshot({ warehouseCode: 'WH001', pageNo: 1, pageSize: 10 })).toMatchObject({ ok: true });
  });
});
