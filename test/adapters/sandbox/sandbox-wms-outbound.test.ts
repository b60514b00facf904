import { describe, expect, test } from 'vitest';
import {
  outboundCallback,
  outboundCreateAnswer,
  outboundProgressCallback,
  outboundShortageCallback,
} from '../../../src/adapters/wms/wms-wire.ts';
import { articleOutboundCallback, articleOutboundCreate } from '../../support/article-payloads.ts';
import type { Received } from './fake-hub.ts';
import { byHand, order, startRig } from './sandbox-fixtures.ts';

/** What a callback says, in short: `PICKING`, `PACKED`, `SHORT SKU001×1`, `SHIPPED SF…`; bodies checked against the wire schemas. */
const story = (received: readonly Received[]): string[] =>
  received.map(({ path, body }) => {
    if (path === '/api/oms/outbound/progress') return outboundProgressCallback.parse(body).status;
    if (path === '/api/oms/outbound/shortage')
      return `SHORT ${outboundShortageCallback
        .parse(body)
        .shortItems.map((i) => `${i.sku}×${i.quantity}`)
        .join(',')}`;
    if (path === '/api/oms/outbound/callback')
      return `SHIPPED ${outboundCallback
        .parse(body)
        .actualItems.map((i) => `${i.sku}×${i.quantity}`)
        .join(',')}`;
    return path;
  });

describe('sandbox WMS: outbound orders', () => {
  test('takes the article body as it is and answers an outboundNo made of WMS, the day and a sequence', async () => {
    const { sandbox } = await startRig({ faults: { mode: 'manual' } });
    const response = await fetch(`${sandbox.wmsUrl}/api/wms/outbound/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: articleOutboundCreate,
    });
    expect(response.status).toBe(200);
    expect(outboundCreateAnswer.parse(await response.json())).toEqual({
      code: 200,
      message: 'success',
      data: { outboundNo: 'WMS202511220001', status: 'PENDING' },
    });
  });

  test('calls the hub back PICKING, PACKED, then the shipment in the article body, time local to Shanghai', async () => {
    const { hub, sandbox, client } = await startRig();
    const created = await client.createOutbound(order('OMS202511220001'));
    expect(created).toEqual({ ok: true, value: { outboundNo: 'WMS202511220001' } });

    const received = await hub.waitFor(3);
    expect(story(received)).toEqual(['PICKING', 'PACKED', 'SHIPPED SKU001×2']);
    expect(received[0]?.body).toEqual({
      orderNo: 'OMS202511220001',
      outboundNo: 'WMS202511220001',
      warehouseCode: 'WH001',
      status: 'PICKING',
      time: '2025-11-22T10:00:00',
    });
    const shipped = received[2]?.body ?? {};
    expect(Object.keys(shipped)).toEqual(Object.keys(JSON.parse(articleOutboundCallback) as object));
    expect(shipped).toEqual({
      orderNo: 'OMS202511220001',
      outboundNo: 'WMS202511220001',
      waybillNo: expect.stringMatching(/^SF\d{10}$/),
      carrier: '顺丰速运',
      actualItems: [{ sku: 'SKU001', quantity: 2, batchNo: 'BATCH001' }],
      shippedTime: '2025-11-22T10:00:00',
    });
    await sandbox.wms.settled();
    expect(sandbox.wms.orders()).toMatchObject([
      { orderNo: 'OMS202511220001', status: 'SHIPPED', waybills: [{ waybillNo: shipped.waybillNo }] },
    ]);
  });

  test('the same order again gets the same outboundNo and is played once; another order gets the next number', async () => {
    const { hub, sandbox, client } = await startRig();
    const first = await client.createOutbound(order('OMS1'));
    const again = await client.createOutbound(order('OMS1'));
    const other = await client.createOutbound(order('OMS2'));
    expect(first).toEqual({ ok: true, value: { outboundNo: 'WMS202511220001' } });
    expect(again).toEqual(first);
    expect(other).toEqual({ ok: true, value: { outboundNo: 'WMS202511220002' } });

    await sandbox.wms.settled();
    expect(hub.received.filter((r) => r.body.orderNo === 'OMS1')).toHaveLength(3);
    expect(sandbox.wms.createCalls('OMS1')).toBe(2);
    const listed = (await (await fetch(`${sandbox.wmsUrl}/sandbox/orders`)).json()) as {
      data: { orders: Array<{ orderNo: string; outboundNo: string }>; createCalls: object };
    };
    expect(listed.data.orders.map(({ orderNo, outboundNo }) => `${orderNo}=${outboundNo}`)).toEqual([
      'OMS1=WMS202511220001',
      'OMS2=WMS202511220002',
    ]);
    expect(listed.data.createCalls).toEqual({ OMS1: 2, OMS2: 1 });
  });

  test('cancel before it ships: intercepted, and nothing more is called back for that order', async () => {
    const steps = byHand();
    const { hub, sandbox, client } = await startRig({ schedule: steps.schedule });
    await client.createOutbound(order('OMS1'));
    expect(steps.queued()).toBe(1);

    const cancelled = await client.cancelOutbound({
      orderNo: 'OMS1',
      warehouseCode: 'WH001',
      outboundNo: 'WMS202511220001',
      reason: 'customer cancelled',
    });
    expect(cancelled).toEqual({ ok: true, value: { intercepted: true, detail: 'OMS1 intercepted at WH001 before it shipped' } });

    steps.runQueued();
    await sandbox.wms.settled();
    expect(hub.received).toEqual([]);
    expect(sandbox.wms.orders()).toMatchObject([{ orderNo: 'OMS1', status: 'CANCELLED', waybills: [] }]);
  });

  test('cancel after it shipped: too late, the shipment stands', async () => {
    const { hub, sandbox, client } = await startRig();
    await client.createOutbound(order('OMS1'));
    const [, , shipment] = await hub.waitFor(3);

    const cancelled = await client.cancelOutbound({
      orderNo: 'OMS1',
      warehouseCode: 'WH001',
      outboundNo: 'WMS202511220001',
      reason: 'customer cancelled',
    });
    expect(cancelled).toEqual({
      ok: true,
      value: { intercepted: false, detail: `too late: OMS1 already left WH001 under ${String(shipment?.body.waybillNo)}` },
    });
    expect(sandbox.wms.orders()).toMatchObject([{ orderNo: 'OMS1', status: 'SHIPPED' }]);
  });

  test('cancel of an order it never received: nothing to stop, and the order is refused if it comes later', async () => {
    const { sandbox, client } = await startRig();
    const cancelled = await client.cancelOutbound({ orderNo: 'OMS9', warehouseCode: 'WH001', outboundNo: null, reason: 'closed' });
    expect(cancelled).toMatchObject({ ok: true, value: { intercepted: true } });
    const late = await client.createOutbound(order('OMS9'));
    expect(late).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringContaining('HTTP 409 Conflict: OMS9 was cancelled before it reached WH001'),
    });
    expect(sandbox.wms.orders()).toEqual([]);
  });

  test('an order moved to another warehouse is a new order there, even after it was cancelled at the first', async () => {
    const steps = byHand();
    const { hub, sandbox, client } = await startRig({ schedule: steps.schedule });
    await client.createOutbound(order('OMS1'));
    await client.cancelOutbound({ orderNo: 'OMS1', warehouseCode: 'WH001', outboundNo: 'WMS202511220001', reason: 'rerouted to WH002' });
    const moved = await client.createOutbound({ ...order('OMS1'), warehouseCode: 'WH002' });
    expect(moved).toEqual({ ok: true, value: { outboundNo: 'WMS202511220002' } });

    for (let turn = 0; turn < 100 && hub.received.length < 3; turn += 1) {
      steps.runQueued();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await sandbox.wms.settled();
    expect(hub.received.map((r) => `${String(r.body.outboundNo)} ${story([r]).join()}`)).toEqual([
      'WMS202511220002 PICKING',
      'WMS202511220002 PACKED',
      'WMS202511220002 SHIPPED SKU001×2',
    ]);
    expect(sandbox.wms.orders()).toMatchObject([
      { warehouseCode: 'WH001', status: 'CANCELLED' },
      { warehouseCode: 'WH002', status: 'SHIPPED' },
    ]);
    expect(sandbox.wms.createCalls('OMS1')).toBe(2);
  });

  test('manual mode takes orders and calls nothing back', async () => {
    const scheduled: number[] = [];
    const { hub, sandbox, client } = await startRig({
      faults: { mode: 'manual' },
      schedule: (delayMs, fn) => {
        scheduled.push(delayMs);
        setImmediate(fn);
      },
    });
    expect(await client.createOutbound(order('OMS1'))).toMatchObject({ ok: true });
    await sandbox.wms.settled();
    expect(scheduled).toEqual([]);

    sandbox.wms.faults.set({ mode: 'auto' });
    await client.createOutbound(order('OMS2'));
    const received = await hub.waitFor(3);
    expect(received.map((r) => r.body.orderNo)).toEqual(['OMS2', 'OMS2', 'OMS2']);
    expect(sandbox.wms.orders()).toMatchObject([
      { orderNo: 'OMS1', status: 'PENDING' },
      { orderNo: 'OMS2', status: 'SHIPPED' },
    ]);
  });

  test('spreads the delay over the callbacks: the shipment comes delayMs after the order', async () => {
    const scheduled: number[] = [];
    const { hub, client } = await startRig({
      delayMs: 900,
      schedule: (delayMs, fn) => {
        scheduled.push(delayMs);
        setImmediate(fn);
      },
    });
    await client.createOutbound(order('OMS1'));
    await hub.waitFor(3);
    expect(scheduled).toEqual([300, 300, 300]);
  });
});

describe('sandbox WMS: callback faults', () => {
  test('shortage: reports the short units instead of shipping them, and ships the rest', async () => {
    const { hub, sandbox, client } = await startRig({ faults: { shortage: { SKU001: 1 } } });
    await client.createOutbound(
      order('OMS1', [
        { sku: 'SKU001', quantity: 2 },
        { sku: 'SKU002', quantity: 1 },
      ]),
    );
    await sandbox.wms.settled();
    expect(story(hub.received)).toEqual(['PICKING', 'SHORT SKU001×1', 'PACKED', 'SHIPPED SKU001×1,SKU002×1']);
  });

  test('shortage of everything: reports it and ships nothing', async () => {
    const { hub, sandbox, client } = await startRig({ faults: { shortage: { SKU003: 5 } } });
    await client.createOutbound(order('OMS1', [{ sku: 'SKU003', quantity: 2 }]));
    await sandbox.wms.settled();
    expect(story(hub.received)).toEqual(['PICKING', 'SHORT SKU003×2']);
    expect(sandbox.wms.orders()).toMatchObject([{ status: 'SHORT', shortItems: [{ sku: 'SKU003', quantity: 2 }] }]);
  });

  test('partialShipments: two waybills that add up to the order', async () => {
    const { hub, sandbox, client } = await startRig({ faults: { partialShipments: true } });
    await client.createOutbound(
      order('OMS1', [
        { sku: 'SKU001', quantity: 3 },
        { sku: 'SKU002', quantity: 2 },
      ]),
    );
    await sandbox.wms.settled();
    expect(story(hub.received)).toEqual(['PICKING', 'PACKED', 'SHIPPED SKU001×3', 'SHIPPED SKU002×2']);
    const waybills = hub.received.filter((r) => r.path === '/api/oms/outbound/callback').map((r) => r.body.waybillNo);
    expect(new Set(waybills).size).toBe(2);
  });

  test('duplicateCallbacks: every callback twice, the same body each time', async () => {
    const { hub, sandbox, client } = await startRig({ faults: { duplicateCallbacks: true } });
    await client.createOutbound(order('OMS1'));
    await sandbox.wms.settled();
    expect(story(hub.received)).toEqual(['PICKING', 'PICKING', 'PACKED', 'PACKED', 'SHIPPED SKU001×2', 'SHIPPED SKU001×2']);
    expect(hub.received[5]?.body).toEqual(hub.received[4]?.body);
  });

  test('outOfOrderCallbacks: the shipment before the progress reports', async () => {
    const { hub, sandbox, client } = await startRig({ faults: { outOfOrderCallbacks: true } });
    await client.createOutbound(order('OMS1'));
    await sandbox.wms.settled();
    expect(story(hub.received)).toEqual(['SHIPPED SKU001×2', 'PICKING', 'PACKED']);
    expect(sandbox.wms.orders()).toMatchObject([{ status: 'SHIPPED' }]);
  });
});
