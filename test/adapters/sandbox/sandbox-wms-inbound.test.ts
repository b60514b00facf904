import { describe, expect, test } from 'vitest';
import type { InboundInstruction } from '../../../src/application/ports/warehouse.ts';
import { inboundCallback, returnCallback } from '../../../src/adapters/wms/wms-wire.ts';
import { startRig } from './sandbox-fixtures.ts';

const purchase: InboundInstruction = {
  inboundNo: 'PO-20251122-1',
  kind: 'PURCHASE',
  warehouseCode: 'WH001',
  supplier: 'ACME',
  poNumber: 'PO-20251122-1',
  returnNo: null,
  lines: [
    { sku: 'SKU001', quantity: 10 },
    { sku: 'SKU002', quantity: 4 },
  ],
};
const customerReturn: InboundInstruction = {
  inboundNo: 'RT-R1',
  kind: 'RETURN',
  warehouseCode: 'WH002',
  supplier: null,
  poNumber: null,
  returnNo: 'R1',
  lines: [
    { sku: 'SKU001', quantity: 4 },
    { sku: 'SKU002', quantity: 1 },
  ],
};

describe('sandbox WMS: inbound orders', () => {
  test('a purchase is received in full and called back once, however often it is sent', async () => {
    const { hub, sandbox, client } = await startRig();
    const first = await client.createInbound(purchase);
    const again = await client.createInbound(purchase);
    expect(first).toEqual({ ok: true, value: { wmsInboundNo: 'RK202511220001' } });
    expect(again).toEqual(first);

    await sandbox.wms.settled();
    expect(hub.received.map((r) => r.path)).toEqual(['/api/oms/inbound/callback']);
    expect(inboundCallback.parse(hub.received[0]?.body)).toEqual({
      inboundNo: 'PO-20251122-1',
      wmsInboundNo: 'RK202511220001',
      warehouseCode: 'WH001',
      receivedItems: [
        { sku: 'SKU001', quantity: 10 },
        { sku: 'SKU002', quantity: 4 },
      ],
      receivedTime: '2025-11-22T10:00:00',
    });
    expect(sandbox.wms.inbounds()).toMatchObject([{ inboundNo: 'PO-20251122-1', status: 'RECEIVED' }]);
  });

  test('a return is inspected: every unit qualified but the defective share', async () => {
    const { hub, sandbox, client } = await startRig({ faults: { defectiveShare: 0.5 } });
    expect(await client.createInbound(customerReturn)).toMatchObject({ ok: true });
    await sandbox.wms.settled();
    expect(hub.received.map((r) => r.path)).toEqual(['/api/oms/return/callback']);
    expect(returnCallback.parse(hub.received[0]?.body)).toEqual({
      returnNo: 'R1',
      warehouseCode: 'WH002',
      inspectedItems: [
        { sku: 'SKU001', qualified: 2, defective: 2 },
        { sku: 'SKU002', qualified: 0, defective: 1 },
      ],
      inspectedTime: '2025-11-22T10:00:00',
    });
  });

  test('without a defective share every returned unit is qualified; duplicateCallbacks sends it twice', async () => {
    const { hub, sandbox, client } = await startRig({ faults: { duplicateCallbacks: true } });
    await client.createInbound(customerReturn);
    await sandbox.wms.settled();
    expect(hub.received).toHaveLength(2);
    expect(hub.received[1]?.body).toEqual(hub.received[0]?.body);
    expect(returnCallback.parse(hub.received[0]?.body).inspectedItems.every((item) => item.defective === 0)).toBe(true);
  });

  test('a return without its returnNo is refused with 422', async () => {
    const { sandbox, client } = await startRig();
    const outcome = await client.createInbound({ ...customerReturn, returnNo: null });
    expect(outcome).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('HTTP 422') });
    expect(sandbox.wms.inbounds()).toEqual([]);
  });

  test('manual mode expects the inbound and calls nothing back', async () => {
    const { hub, sandbox, client } = await startRig({ faults: { mode: 'manual' } });
    await client.createInbound(purchase);
    await sandbox.wms.settled();
    expect(hub.received).toEqual([]);
    const listed = (await (await fetch(`${sandbox.wmsUrl}/sandbox/inbounds`)).json()) as {
      data: { inbounds: Array<{ inboundNo: string; status: string }> };
    };
    expect(listed.data.inbounds).toMatchObject([{ inboundNo: 'PO-20251122-1', status: 'EXPECTED' }]);
  });
});
