import express from 'express';
import { afterEach, describe, expect, test } from 'vitest';
import { type Listening, listenOn } from '../../../src/adapters/sandbox/sandbox-http.ts';
import { type Sandbox, startSandbox } from '../../../src/adapters/sandbox/sandbox.ts';
import { TmsHttpClient } from '../../../src/adapters/tms/tms-http-client.ts';
import { shipmentPushRequest } from '../../../src/adapters/tms/tms-wire.ts';
import type { ShipmentForTransport } from '../../../src/domain/transport-handoff/index.ts';

const shipment: ShipmentForTransport = {
  waybillNo: 'SF1234567890',
  orderNo: 'OMS202511220001',
  carrier: 'SF',
  consignee: { name: '张三', phone: '13800138000', province: '北京市', city: '北京市', district: '朝阳区', address: 'XX街道XX号' },
  items: [{ sku: 'SKU001', quantity: 2, batchNo: 'BATCH001' }],
  shippedAt: '2025-11-22T10:00:00.000+08:00',
};

const open: Array<Listening | Sandbox> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

describe('TmsHttpClient', () => {
  test('pushes the shipment in the TMS contract, shippedTime the instant it shipped', async () => {
    const bodies: unknown[] = [];
    const app = express();
    app.use(express.json());
    app.post('/api/tms/shipments', (req, res) => {
      bodies.push(req.body);
      res.json({ code: 200, message: 'success', data: { transportRef: 'TR-1', status: 'ACCEPTED' } });
    });
    const fake = await listenOn(app, 0);
    open.push(fake);

    const outcome = await new TmsHttpClient({ baseUrl: fake.url, timeoutMs: 2000 }).pushShipment(shipment);

    expect(outcome).toEqual({ ok: true, value: { transportRef: 'TR-1' } });
    expect(bodies).toEqual([
      {
        waybillNo: 'SF1234567890',
        orderNo: 'OMS202511220001',
        carrier: 'SF',
        consignee: shipment.consignee,
        items: [{ sku: 'SKU001', quantity: 2, batchNo: 'BATCH001' }],
        shippedTime: '2025-11-22T10:00:00.000+08:00',
      },
    ]);
    expect(shipmentPushRequest.safeParse(bodies[0]).success).toBe(true);
  });

  test("against the sandbox TMS: the same carrier's waybill again gets the same transportRef; the same number of another carrier is another shipment", async () => {
    const sandbox = await startSandbox({ now: () => Date.parse('2025-11-22T02:00:00Z') });
    open.push(sandbox);
    const client = new TmsHttpClient({ baseUrl: sandbox.tmsUrl, timeoutMs: 2000 });

    const first = await client.pushShipment(shipment);
    const again = await client.pushShipment(shipment);
    const other = await client.pushShipment({ ...shipment, waybillNo: 'SF0000000002' });
    const otherCarrier = await client.pushShipment({ ...shipment, carrier: 'YTO' });

    expect(first).toEqual({ ok: true, value: { transportRef: 'TMS202511220001' } });
    expect(again).toEqual(first);
    expect(other).toEqual({ ok: true, value: { transportRef: 'TMS202511220002' } });
    expect(otherCarrier).toEqual({ ok: true, value: { transportRef: 'TMS202511220003' } });
    const listed = (await (await fetch(`${sandbox.tmsUrl}/sandbox/shipments`)).json()) as {
      data: { shipments: Array<{ carrier: string; waybillNo: string; pushes: number }> };
    };
    expect(listed.data.shipments.map(({ carrier, waybillNo, pushes }) => ({ carrier, waybillNo, pushes }))).toEqual([
      { carrier: 'SF', waybillNo: 'SF1234567890', pushes: 2 },
      { carrier: 'SF', waybillNo: 'SF0000000002', pushes: 1 },
      { carrier: 'YTO', waybillNo: 'SF1234567890', pushes: 1 },
    ]);
  });

  test('against the sandbox TMS: errorRate answers 503, which is retryable; latencyMs delays the answer', async () => {
    const delays: number[] = [];
    const sandbox = await startSandbox({
      tmsFaults: { errorRate: 1, latencyMs: 250 },
      schedule: (delayMs, fn) => {
        delays.push(delayMs);
        setImmediate(fn);
      },
    });
    open.push(sandbox);
    const client = new TmsHttpClient({ baseUrl: sandbox.tmsUrl, timeoutMs: 2000 });

    const outcome = await client.pushShipment(shipment);
    expect(outcome).toMatchObject({
      ok: false,
      retryable: true,
      error: expect.stringContaining('/api/tms/shipments: HTTP 503 Service Unavailable'),
    });
    expect(delays).toEqual([250]);

    sandbox.tms.faults.set({});
    expect(await client.pushShipment(shipment)).toMatchObject({ ok: true });
  });
});
