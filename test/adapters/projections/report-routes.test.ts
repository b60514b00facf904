/**
 * The reporting endpoints over real HTTP on loopback: the report routes served the way the hub
 * serves its routes (same envelope, same error answers), reading projections built on a SQLite
 * file from a small, known day of business.
 */
import { openCaller } from '../../../src/adapters/credentials/callers.ts';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../../src/adapters/event-store/memory/memory-event-store.ts';
import { answerErrors, send } from '../../../src/adapters/http/answer.ts';
import type { HttpContext } from '../../../src/adapters/http/http-context.ts';
import { openApiDocument } from '../../../src/adapters/http/openapi.ts';
import { expressPath } from '../../../src/adapters/http/route.ts';
import { reportRoutes } from '../../../src/adapters/http/routes/report-routes.ts';
import { SqliteProjections } from '../../../src/adapters/projections/sqlite-projections.ts';
import type { DomainMessage } from '../../../src/application/ports/event-store.ts';
import type { OrderEvent } from '../../../src/domain/outbound-order/index.ts';
import {
  articleOrder,
  articleShipment,
  failed,
  line,
  placed,
  pushed,
  reserved,
  reservationRequested,
  retryScheduled,
  shipped,
} from '../../domain/outbound-order/order-fixtures.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import { depsOver } from '../../support/memory-deps.ts';
import { freshFile } from './projection-files.ts';

const store = new MemoryEventStore();
let ids = 0;
const record = async (stream: string, recordedAt: string, ...events: DomainMessage[]) => {
  const last = (await store.readStream(stream)).at(-1);
  await store.append(
    stream,
    events.map((event) => ({ ...event, id: `id-${(ids += 1)}`, metadata: { correlationId: 'c', causationId: 'c', recordedAt } })),
    last === undefined ? 'no_stream' : last.revision,
  );
};

// Saturday 22 November 2025, Shanghai: three orders at WH001; two at WH002 the next day, one of them cancelled.
const day1 = (hhmm: string) => `2025-11-22T${hhmm}:00.000+08:00`;
const day2 = (hhmm: string) => `2025-11-23T${hhmm}:00.000+08:00`;
const lifeOf = async (
  orderNo: string,
  warehouseCode: string,
  at: (hhmm: string) => string,
  story: 'shipped' | 'stuck' | 'short' | 'short-then-cancelled' | 'placed',
) => {
  const order = articleOrder({
    orderNo,
    warehouseCode,
    priority: story === 'stuck' ? 'HIGH' : 'NORMAL',
    items: [line('SKU001', 2), line('SKU002', 1)],
    policy: { allowPartialShip: true, allowCancel: false },
  });
  const stream = `order-${orderNo}`;
  await record(
    stream,
    at('09:00'),
    placed(order, at('09:00')),
    reservationRequested(1, [line('SKU001', 2), line('SKU002', 1)], warehouseCode),
  );
  if (story === 'placed') return;
  await record(stream, at('09:01'), reserved(1, warehouseCode, at('09:01')));
  if (story === 'stuck') {
    const gaveUp: OrderEvent[] = [
      failed(1, at('09:02')),
      retryScheduled(2, at('09:03')),
      failed(2, at('09:03')),
      {
        type: 'ManualInterventionRequired',
        data: { reason: 'PUSH_ATTEMPTS_EXHAUSTED', detail: 'push to WH001: 2 attempts failed: HTTP 503', at: at('09:03') },
      },
    ];
    await record(stream, at('09:03'), ...gaveUp);
    return;
  }
  await record(stream, at('09:05'), pushed(1, `WMS-${orderNo}`, at('09:05'), warehouseCode));
  if (story === 'short' || story === 'short-then-cancelled') {
    await record(
      stream,
      at('10:00'),
      {
        type: 'StockShortageDetected',
        data: { source: 'WMS', warehouseCode, lines: [line('SKU002', 1)], reportKey: 'k', detectedAt: at('10:00') },
      },
      {
        type: 'BackorderCreated',
        data: { backorderNo: `${orderNo}-BO1`, warehouseCode, lines: [line('SKU002', 1)], heldUnderReservation: 1, createdAt: at('10:00') },
      },
    );
  }
  if (story === 'short-then-cancelled') {
    await record(stream, at('10:30'), {
      type: 'OrderCancelled',
      data: { requestId: 'c1', reason: 'customer', lines: [line('SKU001', 2)], warehouseCode, reservationNo: 1, cancelledAt: at('10:30') },
    });
    // the hub cancels the backorder of a cancelled order that was not placed yet (drop-backorders-when-cancelled)
    await record(stream, at('10:31'), {
      type: 'BackorderCancelled',
      data: {
        backorderNo: `${orderNo}-BO1`,
        lines: [line('SKU002', 1)],
        requestId: `original-cancelled:${orderNo}-BO1`,
        reason: `order ${orderNo} was cancelled`,
        cancelledBy: 'hub',
        cancelledAt: at('10:31'),
      },
    });
    return;
  }
  const items = story === 'short' ? [line('SKU001', 2)] : [line('SKU001', 2), line('SKU002', 1)];
  await record(
    stream,
    at('11:05'),
    shipped(articleShipment({ outboundNo: `WMS-${orderNo}`, waybillNo: `SF-${orderNo}`, items, shippedAt: at('11:05') }), at('11:05')),
  );
};

let server: Server;
let url = '';
let projections: SqliteProjections;
const clock = new ManualClock('2025-11-22T04:03:00.000Z'); // 12:03 in Shanghai

const get = async (path: string) => {
  const response = await fetch(`${url}${path}`);
  return { status: response.status, body: (await response.json()) as { code: number; message: string; data: any } };
};

beforeAll(async () => {
  await lifeOf('OMS1', 'WH001', day1, 'shipped');
  await lifeOf('OMS2', 'WH001', day1, 'stuck');
  await lifeOf('OMS3', 'WH001', day1, 'short');
  await lifeOf('OMS4', 'WH002', day2, 'placed');
  await lifeOf('OMS5', 'WH002', day2, 'short-then-cancelled');
  await record(
    'stock-WH001.SKU001',
    day1('08:00'),
    {
      type: 'StockReceived',
      data: { reference: 'PO-1', warehouseCode: 'WH001', sku: 'SKU001', quantity: 100, condition: 'SELLABLE', receivedAt: day1('08:00') },
    },
    {
      type: 'StockReserved',
      data: { reference: 'OMS2/R1', warehouseCode: 'WH001', sku: 'SKU001', quantity: 2, reservedAt: day1('09:01') },
    },
  );
  await record('order-OMS1', day1('12:00'), {
    type: 'AnomalyDetected',
    data: {
      kind: 'CONFLICTING_SHIPMENT',
      detail: 'waybill SF-OMS1 was reported before with other items',
      factKeys: [],
      attempt: null,
      shipment: null,
      outboundNo: 'WMS-OMS1',
      warehouseCode: 'WH001',
      detectedAt: day1('12:00'),
    },
  });
  const variance = (sku: string, condition: 'SELLABLE' | 'DEFECTIVE', hubFigure: number, warehouseFigure: number, at: string) => ({
    type: 'StockVarianceRecorded',
    data: {
      reference: 'REC-1',
      warehouseCode: 'WH003',
      sku,
      source: 'RECONCILIATION',
      condition,
      hubFigure,
      warehouseFigure,
      difference: warehouseFigure - hubFigure,
      reason: 'stock snapshot of WH003 (REC-1)',
      batchNo: null,
      recordedAt: at,
    },
  });
  await record(
    'stock-WH003.SKU009',
    day2('08:00'),
    variance('SKU009', 'SELLABLE', 0, 12, day2('08:00')),
    variance('SKU009', 'DEFECTIVE', 0, 1, day2('08:00')),
    variance('SKU009', 'SELLABLE', 12, 9, day2('09:00')),
  );
  await record('stock-WH003.SKU010', day2('09:00'), variance('SKU010', 'SELLABLE', 0, 4, day2('09:00')));
  projections = SqliteProjections.open(freshFile('reports'));
  await projections.start(store);
  const ctx = { deps: depsOver(store, clock), zoneOf: () => 'Asia/Shanghai' } satisfies HttpContext;
  const routes = reportRoutes(ctx, projections);
  const app = express();
  for (const route of routes) {
    app[route.method](expressPath(route.path), async (req, res) => {
      const answer = await route.handle({
        params: req.params as Record<string, string>,
        body: req.body,
        query: req.query,
        headers: {},
        caller: openCaller,
        messageId: undefined,
      });
      send(res, answer.status, answer.data, answer.message);
    });
  }
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(routes, []));
  });
  app.use(
    answerErrors(
      () => undefined,
      async () => undefined,
    ),
  );
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await projections.close();
});

describe('GET /api/oms/reports/orders', () => {
  it('lists orders newest placed first, in the envelope, as a page', async () => {
    const answer = await get('/api/oms/reports/orders');
    expect(answer.status).toBe(200);
    expect(answer.body.code).toBe(200);
    expect(answer.body.message).toBe('success');
    expect(answer.body.data.items.map((o: any) => o.orderNo)).toEqual(['OMS4', 'OMS5', 'OMS1', 'OMS2', 'OMS3']);
    expect(answer.body.data.nextCursor).toBeNull();
    expect(answer.body.data.items[2]).toMatchObject({
      orderNo: 'OMS1',
      status: 'SHIPPED',
      warehouseCode: 'WH001',
      consignee: '张三',
      shippedAt: day1('11:05'),
      quantities: { ordered: 3, shipped: 3, backordered: 0, cancelled: 0 },
      lines: [
        { sku: 'SKU001', ordered: 2, shipped: 2, backordered: 0, cancelled: 0 },
        { sku: 'SKU002', ordered: 1, shipped: 1, backordered: 0, cancelled: 0 },
      ],
      anomalies: 1,
    });
  });

  it('pages with the cursor it hands out, without skipping or repeating', async () => {
    const first = await get('/api/oms/reports/orders?limit=3');
    expect(first.body.data.items).toHaveLength(3);
    const second = await get(`/api/oms/reports/orders?limit=3&cursor=${first.body.data.nextCursor}`);
    expect([...first.body.data.items, ...second.body.data.items].map((o: any) => o.orderNo)).toEqual([
      'OMS4',
      'OMS5',
      'OMS1',
      'OMS2',
      'OMS3',
    ]);
    expect(second.body.data.nextCursor).toBeNull();
  });

  it('filters by status (one or several), warehouse, priority, placed and shipped times', async () => {
    const orderNos = async (query: string) => (await get(`/api/oms/reports/orders?${query}`)).body.data.items.map((o: any) => o.orderNo);
    expect(await orderNos('status=MANUAL_INTERVENTION')).toEqual(['OMS2']);
    expect(await orderNos('status=SHIPPED,CREATED')).toEqual(['OMS4', 'OMS1', 'OMS3']);
    expect(await orderNos('status=SHIPPED&status=CREATED')).toEqual(['OMS4', 'OMS1', 'OMS3']);
    expect(await orderNos('warehouseCode=WH002')).toEqual(['OMS4', 'OMS5']);
    expect(await orderNos('status=CANCELLED')).toEqual(['OMS5']);
    expect(await orderNos('priority=HIGH')).toEqual(['OMS2']);
    expect(await orderNos('placedFrom=2025-11-23&placedTo=2025-11-23')).toEqual(['OMS4', 'OMS5']);
    expect(await orderNos('placedTo=2025-11-22')).toEqual(['OMS1', 'OMS2', 'OMS3']);
    expect(await orderNos('shippedFrom=2025-11-22T11:00:00%2B08:00&shippedTo=2025-11-22T12:00:00%2B08:00')).toEqual(['OMS1', 'OMS3']);
    expect(await orderNos('shippedFrom=2025-11-22T11:00:00 08:00')).toEqual(['OMS1', 'OMS3']);
  });

  it('a bad filter is a 422 naming it, and so is an unknown one or a cursor it never handed out', async () => {
    const bad = await get('/api/oms/reports/orders?status=LOST&limit=501&placedFrom=yesterday&colour=red');
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe(422);
    const paths = bad.body.data.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['query.status.0', 'query.limit', 'query.placedFrom', 'query']));
    expect(bad.body.data.errors.find((e: { path: string }) => e.path === 'query').message).toMatch(/colour/);
    const cursor = await get('/api/oms/reports/orders?cursor=not-a-cursor');
    expect(cursor.status).toBe(422);
    expect(cursor.body.data.errors).toEqual([{ path: 'query.cursor', message: 'not a cursor this report handed out' }]);
  });
});

describe('the other reports', () => {
  it('status counts per warehouse, and per day placed', async () => {
    const byWarehouse = await get('/api/oms/reports/status-counts');
    expect(byWarehouse.body.data).toEqual({
      items: [
        { warehouseCode: 'WH001', total: 3, counts: { SHIPPED: 2, MANUAL_INTERVENTION: 1 } },
        { warehouseCode: 'WH002', total: 2, counts: { CREATED: 1, CANCELLED: 1 } },
      ],
      nextCursor: null,
    });
    const byDay = await get('/api/oms/reports/status-counts?by=day&limit=1');
    expect(byDay.body.data.items).toEqual([{ day: '2025-11-23', total: 2, counts: { CREATED: 1, CANCELLED: 1 } }]);
    const next = await get(`/api/oms/reports/status-counts?by=day&limit=1&cursor=${byDay.body.data.nextCursor}`);
    expect(next.body.data).toEqual({
      items: [{ day: '2025-11-22', total: 3, counts: { SHIPPED: 2, MANUAL_INTERVENTION: 1 } }],
      nextCursor: null,
    });
    expect((await get('/api/oms/reports/status-counts?by=week')).body.data.errors).toEqual([
      { path: 'query.by', message: 'by must be warehouse or day' },
    ]);
  });

  it('the backorder queue: what is owed, against which order, to whom, since when, how long (not what a cancelled order was owed)', async () => {
    const answer = await get('/api/oms/reports/backorders');
    expect(answer.body.data).toEqual({
      items: [
        {
          backorderNo: 'OMS3-BO1',
          orderNo: 'OMS3',
          consignee: '张三',
          warehouseCode: 'WH001',
          lines: [{ sku: 'SKU002', quantity: 1 }],
          quantity: 1,
          since: day1('10:00'),
          ageSeconds: 2 * 3600 + 180,
        },
      ],
      nextCursor: null,
    });
    expect((await get('/api/oms/reports/backorders?sku=SKU001')).body.data.items).toEqual([]);
  });

  it('the manual-intervention queue, oldest first, with its age from the clock', async () => {
    const answer = await get('/api/oms/reports/manual-interventions');
    expect(answer.body.data.items).toEqual([
      {
        subject: 'order-OMS2',
        kind: 'order',
        reference: 'OMS2',
        warehouseCode: 'WH001',
        reason: 'PUSH_ATTEMPTS_EXHAUSTED',
        detail: 'push to WH001: 2 attempts failed: HTTP 503',
        since: day1('09:03'),
        ageSeconds: 3 * 3600,
        attempts: 2,
        lastError: 'HTTP 503',
      },
    ]);
    expect((await get('/api/oms/reports/manual-interventions?kind=inbound')).body.data.items).toEqual([]);
  });

  it('stock by warehouse and SKU', async () => {
    const answer = await get('/api/oms/reports/stock?warehouseCode=WH001');
    expect(answer.body.data.items).toEqual([
      { warehouseCode: 'WH001', sku: 'SKU001', onHand: 100, reserved: 2, available: 98, defective: 0, anomalies: 0 },
    ]);
  });

  it('stock variances per warehouse, SKU and condition: the latest, how many and their sum; a page at a time', async () => {
    const first = await get('/api/oms/reports/stock-variance?warehouseCode=WH003&limit=2');
    expect(first.body.data.items).toEqual([
      {
        warehouseCode: 'WH003',
        sku: 'SKU009',
        condition: 'DEFECTIVE',
        hubFigure: 0,
        warehouseFigure: 1,
        difference: 1,
        source: 'RECONCILIATION',
        reason: 'stock snapshot of WH003 (REC-1)',
        reference: 'REC-1',
        recordedAt: day2('08:00'),
        variances: 1,
        netDifference: 1,
      },
      expect.objectContaining({
        sku: 'SKU009',
        condition: 'SELLABLE',
        hubFigure: 12,
        warehouseFigure: 9,
        difference: -3,
        variances: 2,
        netDifference: 9,
      }),
    ]);
    const next = await get(`/api/oms/reports/stock-variance?warehouseCode=WH003&limit=2&cursor=${first.body.data.nextCursor}`);
    expect(next.body.data).toEqual({ items: [expect.objectContaining({ sku: 'SKU010', difference: 4 })], nextCursor: null });
    expect((await get('/api/oms/reports/stock-variance?sku=SKU010')).body.data.items).toHaveLength(1);
    expect((await get('/api/oms/reports/stock-variance?warehouseCode=WH001')).body.data.items).toEqual([]);
    const bad = await get('/api/oms/reports/stock-variance?cursor=nope&bogus=1');
    expect(bad.status).toBe(422);
  });

  it('lead times per warehouse and day, p50 / p95 in seconds', async () => {
    const answer = await get('/api/oms/reports/lead-times?warehouseCode=WH001');
    expect(answer.body.data.items).toEqual([
      {
        day: '2025-11-22',
        warehouseCode: 'WH001',
        orders: 3,
        placedToPushed: { orders: 2, p50: 300, p95: 300 },
        pushedToShipped: { orders: 2, p50: 7200, p95: 7200 },
        placedToShipped: { orders: 2, p50: 7500, p95: 7500 },
      },
    ]);
    expect((await get('/api/oms/reports/lead-times?by=shipped&from=2025-11-23')).body.data.items).toEqual([]);
    expect((await get('/api/oms/reports/lead-times?from=2025-13-40')).body.data.errors[0].path).toBe('query.from');
  });

  it('shipped quantity per day, warehouse and SKU', async () => {
    const answer = await get('/api/oms/reports/shipped-per-day');
    expect(answer.body.data.items).toEqual([
      { day: '2025-11-22', warehouseCode: 'WH001', sku: 'SKU001', quantity: 4, shipments: 2 },
      { day: '2025-11-22', warehouseCode: 'WH001', sku: 'SKU002', quantity: 1, shipments: 1 },
    ]);
  });

  it('anomalies by kind, and by day', async () => {
    expect((await get('/api/oms/reports/anomalies')).body.data.items).toEqual([
      {
        source: 'order',
        kind: 'CONFLICTING_SHIPMENT',
        count: 1,
        lastAt: day1('12:00'),
        lastSubject: 'order-OMS1',
        lastDetail: 'waybill SF-OMS1 was reported before with other items',
      },
    ]);
    expect((await get('/api/oms/reports/anomalies?by=day')).body.data.items).toMatchObject([
      { day: '2025-11-22', kind: 'CONFLICTING_SHIPMENT', count: 1 },
    ]);
  });

  it('every report is described in the OpenAPI document, with its query parameters', async () => {
    const document = (await (await fetch(`${url}/openapi.json`)).json()) as {
      paths: Record<string, { get: { parameters: { name: string }[] } }>;
    };
    expect(Object.keys(document.paths)).toEqual([
      '/api/oms/reports/orders',
      '/api/oms/reports/status-counts',
      '/api/oms/reports/backorders',
      '/api/oms/reports/manual-interventions',
      '/api/oms/reports/stock',
      '/api/oms/reports/stock-variance',
      '/api/oms/reports/lead-times',
      '/api/oms/reports/shipped-per-day',
      '/api/oms/reports/anomalies',
    ]);
    expect(document.paths['/api/oms/reports/orders']?.get.parameters.map((p) => p.name)).toEqual([
      'status',
      'warehouseCode',
      'priority',
      'placedFrom',
      'placedTo',
      'shippedFrom',
      'shippedTo',
      'q',
      'limit',
      'cursor',
    ]);
  });
});
