import { alertStreamName } from '../../../src/application/alerts/acknowledge-alert.ts';
import { checkStore } from '../../../src/main/cli/verify.ts';
/**
 * The REST API over real HTTP on loopback, against the real hub (SQLite file, sandbox WMS in
 * manual mode: it takes orders and never calls back, so the test plays the warehouse).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { articleOutboundCallback, articleOutboundCreate } from '../../support/article-payloads.ts';
import { type TestHub, startTestHub, waitFor } from '../../support/test-hub.ts';

let t: TestHub;
/** Events of the hub's own streams (the archive of warehouse messages aside: every message is kept there, whatever its answer). */
const eventCount = async () => (await t.hub.deps.store.readAll()).filter((event) => !event.stream.startsWith('message-')).length;
const raw = async (path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
  const response = await fetch(`${t.hub.url}${path}`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as { code: number; message: string; data: any } };
};

const order = (orderNo: string, overrides: Record<string, unknown> = {}) => ({
  orderNo,
  warehouseCode: 'WH001',
  priority: 'NORMAL',
  timeRequirement: 'EXPRESS',
  items: [{ sku: 'SKU002', quantity: 1 }],
  consignee: { name: '李四', phone: '13900139000', province: '上海市', city: '上海市', district: '浦东新区', address: '世纪大道1号' },
  ...overrides,
});

beforeAll(async () => {
  t = await startTestHub({ env: { SANDBOX_MODE: 'manual' } });
});
afterAll(async () => {
  await t.stop();
});

describe('intake: POST /api/oms/orders', () => {
  test("the article's body, verbatim, is taken: 201, placeholders read as NORMAL / STANDARD, and it reaches the WMS", async () => {
    const answer = await raw('/api/oms/orders', articleOutboundCreate);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      code: 201,
      message: 'success',
      data: { orderNo: 'OMS202511220001', priority: 'NORMAL', timeRequirement: 'STANDARD' },
    });
    const pushed = await t.orderReaches('OMS202511220001', 'PUSHED_TO_WMS');
    expect(pushed.outboundNo).toMatch(/^WMS/);
    expect(pushed.lines).toEqual([{ sku: 'SKU001', batchNo: 'BATCH001', ordered: 2, shipped: 0, backordered: 0, cancelled: 0 }]);
  });

  test('the same order again → 200 and the same order, nothing new stored', async () => {
    const before = await eventCount();
    const again = await raw('/api/oms/orders', articleOutboundCreate);
    expect(again.status).toBe(200);
    expect(again.body.data.orderNo).toBe('OMS202511220001');
    expect(await eventCount()).toBe(before);
  });

  test('the same orderNo with another body → 409, nothing stored', async () => {
    const before = await eventCount();
    const answer = await t.post('/api/oms/orders', order('OMS202511220001'));
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: 409, data: { reason: 'ORDER_ALREADY_EXISTS' } });
    expect(await eventCount()).toBe(before);
  });

  test('malformed JSON → 400, nothing stored', async () => {
    const before = await eventCount();
    const answer = await raw('/api/oms/orders', '{"orderNo": "X1", ');
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(400);
    expect(answer.body.message).toMatch(/not valid JSON/);
    expect(await eventCount()).toBe(before);
  });

  test('schema violations → 422 listing each bad field, nothing stored', async () => {
    const before = await eventCount();
    const answer = await t.post(
      '/api/oms/orders',
      order('BAD1', {
        priority: 'URGENT',
        items: [
          { sku: 'SKU001', quantity: 0 },
          { sku: '', quantity: 1.5 },
        ],
        consignee: { name: '张三' },
      }),
    );
    expect(answer.status).toBe(422);
    const paths = answer.body.data.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.priority',
        'body.items.0.quantity',
        'body.items.1.sku',
        'body.items.1.quantity',
        'body.consignee.phone',
        'body.consignee.address',
      ]),
    );
    expect(await eventCount()).toBe(before);
    expect((await t.get('/api/oms/orders/BAD1')).status).toBe(404);
  });

  test('a body that is not an object, or a missing body → 422', async () => {
    expect((await raw('/api/oms/orders', '[1,2]')).status).toBe(422);
    expect((await raw('/api/oms/orders', '')).status).toBe(422);
  });

  test('a SKU listed twice is refused by the domain with its reason → 422', async () => {
    const answer = await t.post(
      '/api/oms/orders',
      order('DUP1', {
        items: [
          { sku: 'SKU001', quantity: 1 },
          { sku: 'SKU001', quantity: 2 },
        ],
      }),
    );
    expect(answer.status).toBe(422);
    expect(answer.body.data.reason).toBe('INVALID_ORDER');
  });

  test('a body over the limit → 413, nothing stored', async () => {
    const before = await eventCount();
    const answer = await t.post('/api/oms/orders', order('BIG1', { consignee: { name: 'x'.repeat(300 * 1024) } }));
    expect(answer.status).toBe(413);
    expect(answer.body.code).toBe(413);
    expect(await eventCount()).toBe(before);
  });
});

describe('reading orders', () => {
  test('an unknown order → 404 in the envelope', async () => {
    const answer = await t.get('/api/oms/orders/NOPE');
    expect(answer).toEqual({ status: 404, body: { code: 404, message: 'no order NOPE', data: null } });
  });

  test("an order's events carry metadata: correlation, causation, time recorded", async () => {
    const answer = await t.get('/api/oms/orders/OMS202511220001/events');
    expect(answer.status).toBe(200);
    const [placed, ...rest] = answer.body.data;
    expect(placed).toMatchObject({ type: 'OrderPlaced', revision: '0', metadata: { recordedAt: expect.any(String) } });
    expect(rest.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['ReservationRequested', 'StockReserved', 'PushSucceeded']),
    );
    const pushed = rest.find((e: { type: string }) => e.type === 'PushSucceeded');
    expect(pushed.metadata.correlationId).toBe(placed.metadata.correlationId);
    expect(pushed.metadata.causationId).not.toBe(placed.id);
  });
});

describe('warehouse callbacks', () => {
  test("the article's callback, verbatim: shipped, shippedTime read in Asia/Shanghai, stock deducted, handed to transport", async () => {
    const pushed = await t.order('OMS202511220001');
    const body = articleOutboundCallback.replace('WMS202511220001', pushed.outboundNo);
    const answer = await raw('/api/oms/outbound/callback', body);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      code: 200,
      message: 'success',
      data: { applied: true, orderNo: 'OMS202511220001', status: 'SHIPPED' },
    });
    const shipped = await t.order('OMS202511220001');
    expect(shipped.shipments).toEqual([
      {
        waybillNo: 'SF1234567890',
        carrier: 'SF',
        outboundNo: pushed.outboundNo,
        warehouseCode: 'WH001',
        items: [{ sku: 'SKU001', quantity: 2, batchNo: 'BATCH001' }],
        shippedAt: '2025-11-22T10:00:00.000+08:00',
      },
    ]);
    const handedOff = await waitFor('the hand-off', async () => {
      const s = await t.get('/api/oms/shipments/SF/SF1234567890');
      return s.body.data?.status === 'HANDED_OFF' ? s.body.data : undefined;
    });
    expect(handedOff).toMatchObject({ carrier: 'SF', waybillNo: 'SF1234567890', transportRef: expect.any(String) });
    const stock = await waitFor('the deduction', async () => {
      const level = (await t.get('/api/oms/stock?warehouseCode=WH001&sku=SKU001')).body.data[0];
      return level?.onHand === 98 ? level : undefined;
    });
    expect(stock).toMatchObject({ onHand: 98, reserved: 0, available: 98 });
  });

  test('the same callback again → 200, applied: false, no new events', async () => {
    const pushed = await t.order('OMS202511220001');
    const body = articleOutboundCallback.replace('WMS202511220001', pushed.outboundNo);
    const before = (await t.hub.deps.store.readStream('order-OMS202511220001')).length;
    const answer = await raw('/api/oms/outbound/callback', body);
    expect(answer.status).toBe(200);
    expect(answer.body.data.applied).toBe(false);
    expect((await t.hub.deps.store.readStream('order-OMS202511220001')).length).toBe(before);
  });

  test('a callback for an unknown order → 404, and the raw body is kept as an alert', async () => {
    const body = articleOutboundCallback.replace('OMS202511220001', 'OMS-UNKNOWN-1');
    const answer = await raw('/api/oms/outbound/callback', body);
    expect(answer.status).toBe(404);
    expect(answer.body.message).toMatch(/kept/);
    const alerts = (await t.get('/api/oms/alerts?acknowledged=false')).body.data;
    const kept = alerts.find(
      (a: { kind: string; details: { body: { orderNo?: string } } }) =>
        a.kind === 'UNAPPLIED_CALLBACK' && a.details.body.orderNo === 'OMS-UNKNOWN-1',
    );
    expect(kept.details.body).toEqual(JSON.parse(body));
    // filed under the order it waits for, in the background: done before the next test counts events
    await waitFor(
      'the callback filed under OMS-UNKNOWN-1',
      async () => (await t.hub.deps.store.readStream('parked-order-OMS-UNKNOWN-1')).length > 0,
    );
  });

  test('a callback with a bad field → 422 naming it, nothing applied (the message itself is kept in the archive)', async () => {
    const before = await eventCount();
    const answer = await t.post('/api/oms/outbound/callback', {
      ...JSON.parse(articleOutboundCallback),
      shippedTime: 'yesterday',
      actualItems: [],
    });
    expect(answer.status).toBe(422);
    expect(answer.body.data.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.actualItems', 'body.shippedTime']);
    expect(await eventCount()).toBe(before);
  });

  test('a carrier that is no code, nor the name of a carrier the hub knows → 422 naming it, kept for a person, nothing applied', async () => {
    const before = (await t.hub.deps.store.readStream('order-OMS202511220001')).length;
    const pushed = await t.order('OMS202511220001');
    const answer = await t.post('/api/oms/outbound/callback', {
      ...JSON.parse(articleOutboundCallback),
      outboundNo: pushed.outboundNo,
      waybillNo: 'XY0000000001',
      carrier: '某某快递',
    });
    expect(answer.status).toBe(422);
    expect(answer.body.message).toMatch(/kept/);
    expect(answer.body.data.errors).toEqual([{ path: 'carrier', message: 'must be a carrier code: 1–32 letters, digits, _ or -' }]);
    expect((await t.hub.deps.store.readStream('order-OMS202511220001')).length).toBe(before);
  });

  test('a shipment is found by its carrier and waybill: the carrier by name, or the waybill alone, finds none', async () => {
    expect((await t.get('/api/oms/shipments/SF/SF1234567890')).status).toBe(200);
    expect((await t.get('/api/oms/shipments/YTO/SF1234567890')).status).toBe(404);
    expect((await t.get(`/api/oms/shipments/${encodeURIComponent('顺丰速运')}/SF1234567890`)).status).toBe(404);
    expect((await t.get('/api/oms/shipments/SF1234567890')).status).toBe(404);
  });
});

describe('operator requests', () => {
  test('cancel before the warehouse answers a push… and cancel of a shipped order → 409', async () => {
    const shipped = await t.post('/api/oms/orders/OMS202511220001/cancel', { reason: 'customer changed mind' });
    expect(shipped.status).toBe(409);
    expect(shipped.body.data.reason).toBe('ORDER_ALREADY_SHIPPED');
  });

  test('retry-push of an order with nothing to retry → 409; of an unknown order → 404', async () => {
    expect((await t.post('/api/oms/orders/OMS202511220001/retry-push', {})).body.data.reason).toBe('NOTHING_TO_RETRY');
    expect((await t.post('/api/oms/orders/NOPE/retry-push', {})).status).toBe(404);
  });

  test('reroute needs a warehouseCode → 422', async () => {
    const answer = await t.post('/api/oms/orders/OMS202511220001/reroute', {});
    expect(answer.status).toBe(422);
    expect(answer.body.data.errors).toEqual([{ path: 'body.warehouseCode', message: expect.any(String) }]);
  });
});

describe('stock, alerts, inbound, returns, documents', () => {
  test('a stock count sets on hand; the same count again changes nothing', async () => {
    const first = await t.post('/api/oms/stock/adjustments', { countId: 'C1', warehouseCode: 'WH002', sku: 'SKU004', countedOnHand: 20 });
    expect(first.body.data).toMatchObject({ applied: true, level: { onHand: 20 } });
    const again = await t.post('/api/oms/stock/adjustments', { countId: 'C1', warehouseCode: 'WH002', sku: 'SKU004', countedOnHand: 20 });
    expect(again.body.data.applied).toBe(false);
    expect(
      (await t.post('/api/oms/stock/adjustments', { countId: 'C2', warehouseCode: 'WH002', sku: 'SKU004', countedOnHand: -1 })).status,
    ).toBe(422);
  });

  test('alerts can be acknowledged, as an event naming who and when, once; an unknown alert → 404; a bad filter → 422', async () => {
    const [alert] = (await t.get('/api/oms/alerts?acknowledged=false&limit=1')).body.data;
    const first = await t.post(`/api/oms/alerts/${alert.id}/acknowledge`, { by: 'shift lead 李' });
    expect(first).toMatchObject({ status: 200, body: { message: 'success' } });
    const acknowledged = (await t.get('/api/oms/alerts?acknowledged=true')).body.data;
    expect(acknowledged.map((a: { id: number }) => a.id)).toContain(alert.id);
    const again = await t.post(`/api/oms/alerts/${alert.id}/acknowledge`, { by: 'someone else' });
    expect(again).toMatchObject({ status: 200, body: { message: 'already acknowledged' } });
    const events = await t.hub.deps.store.readStream(alertStreamName(alert.keyDigest));
    expect(events.map(({ type, data, metadata }) => ({ type, data, actor: metadata.actor }))).toEqual([
      {
        type: 'AlertAcknowledged',
        data: {
          alertKey: alert.key,
          keyDigest: alert.keyDigest,
          kind: alert.kind,
          subject: alert.subject,
          acknowledgedBy: 'shift lead 李',
          acknowledgedAt: t.clock.now(),
        },
        actor: 'open',
      },
    ]);
    expect((await checkStore(t.hub.deps.store)).broken).toEqual([]);
    expect((await t.post('/api/oms/alerts/999999/acknowledge', {})).status).toBe(404);
    expect((await t.get('/api/oms/alerts?limit=0')).status).toBe(422);
  });

  test('a purchase inbound is created, pushed, and its receipt puts stock on hand', async () => {
    const created = await t.post('/api/oms/inbound-orders', {
      inboundNo: 'IN1',
      warehouseCode: 'WH002',
      supplier: '供应商A',
      poNumber: 'PO-1',
      items: [{ sku: 'SKU002', quantity: 30 }],
    });
    expect(created.status).toBe(201);
    const pushed = await waitFor('the inbound push', async () => {
      const s = (await t.get('/api/oms/inbound-orders/IN1')).body.data;
      return s.status === 'PUSHED_TO_WMS' ? s : undefined;
    });
    const receipt = await t.post('/api/oms/inbound/callback', {
      inboundNo: 'IN1',
      wmsInboundNo: pushed.wmsInboundNo,
      warehouseCode: 'WH002',
      receivedItems: [{ sku: 'SKU002', quantity: 30 }],
      receivedTime: '2025-11-23T09:00:00',
    });
    expect(receipt.body.data).toMatchObject({ applied: true, status: 'RECEIVED' });
    await waitFor('stock received', async () => (await t.get('/api/oms/stock?warehouseCode=WH002&sku=SKU002')).body.data[0]?.onHand === 30);
    expect(
      (
        await t.post('/api/oms/inbound/callback', {
          inboundNo: 'IN-NOPE',
          wmsInboundNo: 'X',
          warehouseCode: 'WH002',
          receivedItems: [{ sku: 'SKU002', quantity: 1 }],
          receivedTime: '2025-11-23T09:00:00',
        })
      ).status,
    ).toBe(404);
  });

  test('a return without a reason is refused by its schema, naming the field (nothing recorded)', async () => {
    for (const reason of [undefined, '', '   ']) {
      const refused = await t.post('/api/oms/returns', {
        returnNo: 'RT0',
        orderNo: 'OMS202511220001',
        reason,
        items: [{ sku: 'SKU001', quantity: 1 }],
      });
      expect(refused.status).toBe(422);
      expect(refused.body.data.errors).toEqual([expect.objectContaining({ path: 'body.reason' })]);
    }
    expect(await t.hub.deps.store.readStream('return-RT0')).toEqual([]);
  });

  test('a return of more than shipped is refused; a good one is inspected back into stock, defective apart', async () => {
    const tooMany = await t.post('/api/oms/returns', {
      returnNo: 'RT1',
      orderNo: 'OMS202511220001',
      reason: 'damaged',
      items: [{ sku: 'SKU001', quantity: 3 }],
    });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.data).toMatchObject({
      reason: 'RETURN_EXCEEDS_SHIPPED',
      errors: [{ path: 'lines[0].quantity', message: '3 of SKU001 asked for, at most 2 may still be returned' }],
    });
    const created = await t.post('/api/oms/returns', {
      returnNo: 'RT2',
      orderNo: 'OMS202511220001',
      reason: 'damaged',
      items: [{ sku: 'SKU001', quantity: 2 }],
    });
    expect(created.status).toBe(201);
    const inspected = await t.post('/api/oms/return/callback', {
      returnNo: 'RT2',
      warehouseCode: 'WH001',
      inspectedItems: [{ sku: 'SKU001', qualified: 1, defective: 1 }],
      inspectedTime: '2025-11-25T15:00:00',
    });
    expect(inspected.body.data).toMatchObject({ applied: true, status: 'INSPECTED' });
    const level = await waitFor('the restock', async () => {
      const l = (await t.get('/api/oms/stock?warehouseCode=WH001&sku=SKU001')).body.data[0];
      return l?.defective === 1 ? l : undefined;
    });
    expect(level).toMatchObject({ onHand: 99, defective: 1 });
    expect((await t.post('/api/oms/returns/RT2/close', {})).body.data.status).toBe('CLOSED');
  });

  test('/openapi.json describes every route from the zod schemas; /health answers', async () => {
    const doc = (await fetch(`${t.hub.url}/openapi.json`).then((r) => r.json())) as { paths: Record<string, any> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/oms/orders',
        '/api/oms/orders/{orderNo}',
        '/api/oms/outbound/callback',
        '/api/oms/stock',
        '/api/oms/alerts',
      ]),
    );
    expect(doc.paths['/api/oms/orders'].post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['orderNo', 'warehouseCode', 'priority', 'timeRequirement', 'items', 'consignee']),
    );
    expect((await t.get('/health')).body.data).toMatchObject({
      status: 'ok',
      store: 'sqlite',
      projectionLag: { orders: expect.any(Number) },
      reactions: expect.objectContaining({
        'push-outbound-when-reserved': {
          position: expect.stringMatching(/^\d+\/\d+$/),
          behind: expect.any(Number),
          waitingSeconds: expect.any(Number),
        },
      }),
    });
    // once the hub is quiet, nothing waits for any reaction
    await waitFor('every reaction to be caught up', async () => {
      const reactions = (await t.get('/health')).body.data.reactions as Record<string, { behind: number; waitingSeconds: number }>;
      return Object.values(reactions).every((lag) => lag.behind === 0 && lag.waitingSeconds === 0);
    });
    const listed = await waitFor('the order list', async () => {
      const page = (await t.get('/api/oms/reports/orders?status=SHIPPED')).body.data;
      return page.items.some((o: { orderNo: string }) => o.orderNo === 'OMS202511220001') ? page : undefined;
    });
    expect(listed.items.every((o: { status: string }) => o.status === 'SHIPPED')).toBe(true);
    expect((await t.get('/api/oms/reports/orders?status=LOST')).status).toBe(422);
  });

  test('an unknown route → 404 in the envelope', async () => {
    expect((await t.get('/api/oms/nothing-here')).body).toMatchObject({ code: 404 });
  });
});
