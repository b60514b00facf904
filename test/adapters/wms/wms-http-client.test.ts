import express, { type RequestHandler } from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { OutboundInstruction } from '../../../src/application/ports/warehouse.ts';
import { type Listening, listenOn } from '../../../src/adapters/sandbox/sandbox-http.ts';
import { WmsHttpClient } from '../../../src/adapters/wms/wms-http-client.ts';
import { inboundCreateRequest, outboundCancelRequest, outboundCreateRequest } from '../../../src/adapters/wms/wms-wire.ts';

/** A tiny WMS whose answer each test sets; it records the bodies it receives. */
let answerWith: RequestHandler;
const bodies: unknown[] = [];
let fake: Listening;

beforeAll(async () => {
  const app = express();
  app.use(express.json());
  app.post('/api/wms/*path', (req, res, next) => {
    bodies.push(req.body);
    return answerWith(req, res, next);
  });
  fake = await listenOn(app, 0);
});
afterAll(() => fake.close());
beforeEach(() => {
  bodies.length = 0;
});

const client = (timeoutMs = 2000) => new WmsHttpClient({ baseUrl: `${fake.url}/`, timeoutMs });

const instruction: OutboundInstruction = {
  orderNo: 'OMS202511220001',
  warehouseCode: 'WH001',
  priority: 'HIGH',
  timeRequirement: 'EXPRESS',
  items: [
    { sku: 'SKU001', quantity: 2, batchNo: 'BATCH001' },
    { sku: 'SKU002', quantity: 1 },
  ],
  consignee: { name: '张三', phone: '13800138000', province: '北京市', city: '北京市', district: '朝阳区', address: 'XX街道XX号' },
};
const created =
  (outboundNo: string): RequestHandler =>
  (_req, res) => {
    res.json({ code: 200, message: 'success', data: { outboundNo, status: 'PENDING' } });
  };

describe('WmsHttpClient against a fake WMS', () => {
  test('creates an outbound order with the article body and reads the outboundNo', async () => {
    answerWith = created('WMS202511220001');
    const outcome = await client().createOutbound(instruction);
    expect(outcome).toEqual({ ok: true, value: { outboundNo: 'WMS202511220001' } });
    expect(bodies).toEqual([
      {
        orderNo: 'OMS202511220001',
        warehouseCode: 'WH001',
        priority: 'HIGH',
        timeRequirement: 'EXPRESS',
        items: [
          { sku: 'SKU001', quantity: 2, batchNo: 'BATCH001' },
          { sku: 'SKU002', quantity: 1 },
        ],
        consignee: { name: '张三', phone: '13800138000', province: '北京市', city: '北京市', district: '朝阳区', address: 'XX街道XX号' },
      },
    ]);
    expect(outboundCreateRequest.safeParse(bodies[0]).success).toBe(true);
  });

  test('an order sent again gets the same answer (the WMS is idempotent by orderNo)', async () => {
    answerWith = created('WMS202511220007');
    const first = await client().createOutbound(instruction);
    const again = await client().createOutbound(instruction);
    expect(again).toEqual(first);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toEqual(bodies[0]);
  });

  test('503 is retryable and names the endpoint and the status', async () => {
    answerWith = (_req, res) => {
      res.status(503).json({ code: 503, message: 'overloaded', data: null });
    };
    const outcome = await client().createOutbound(instruction);
    expect(outcome).toEqual({
      ok: false,
      retryable: true,
      error: `POST ${fake.url}/api/wms/outbound/create: HTTP 503 Service Unavailable: overloaded`,
    });
  });

  test('429 with Retry-After in seconds is retryable after that long', async () => {
    answerWith = (_req, res) => {
      res.status(429).set('Retry-After', '7').send('slow down');
    };
    expect(await client().createOutbound(instruction)).toMatchObject({ ok: false, retryable: true, retryAfterMs: 7000 });
  });

  test('Retry-After as an HTTP-date is turned into milliseconds from now', async () => {
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    answerWith = (_req, res) => {
      res.status(503).set('Retry-After', inAMinute).end();
    };
    const outcome = await client().createOutbound(instruction);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.retryable).toBe(true);
    expect(outcome.retryAfterMs).toBeGreaterThan(55_000);
    expect(outcome.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  test('408 is retryable; 400, 404 and 422 are not', async () => {
    const outcomes = [];
    for (const status of [408, 400, 404, 422]) {
      answerWith = (_req, res) => {
        res.status(status).json({ code: status, message: `refused with ${status}`, data: null });
      };
      outcomes.push(await client().createOutbound(instruction));
    }
    expect(outcomes.map((outcome) => !outcome.ok && outcome.retryable)).toEqual([true, false, false, false]);
    expect(outcomes[1]).toEqual({
      ok: false,
      retryable: false,
      error: `POST ${fake.url}/api/wms/outbound/create: HTTP 400 Bad Request: refused with 400`,
    });
  });

  test('no answer within timeoutMs is a retryable timeout', async () => {
    answerWith = () => undefined; // never answers
    const outcome = await client(50).createOutbound(instruction);
    expect(outcome).toEqual({ ok: false, retryable: true, error: `POST ${fake.url}/api/wms/outbound/create: no answer within 50 ms` });
  });

  test('a refused connection is retryable', async () => {
    const gone = await listenOn(express(), 0);
    await gone.close();
    const outcome = await new WmsHttpClient({ baseUrl: gone.url, timeoutMs: 2000 }).createOutbound(instruction);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.retryable).toBe(true);
    expect(outcome.error).toContain(`POST ${gone.url}/api/wms/outbound/create: fetch failed`);
    expect(outcome.error).toContain('ECONNREFUSED');
  });

  test('a 2xx whose envelope breaks the contract is a failure that is not retried', async () => {
    const answers: Array<(res: express.Response) => void> = [
      (res) => res.json({ code: 200, message: 'success', data: { status: 'PENDING' } }),
      (res) => res.json({ outboundNo: 'WMS1' }),
      (res) => res.type('text/html').send('<html>gateway</html>'),
    ];
    const outcomes = [];
    for (const answerOf of answers) {
      answerWith = (_req, res) => answerOf(res);
      outcomes.push(await client().createOutbound(instruction));
    }
    expect(outcomes.every((outcome) => !outcome.ok && !outcome.retryable)).toBe(true);
    expect(outcomes.map((outcome) => (outcome.ok ? '' : outcome.error))).toEqual([
      expect.stringContaining('HTTP 200 OK but the answer breaks the contract: data.outboundNo:'),
      expect.stringContaining('HTTP 200 OK but the answer breaks the contract: code:'),
      expect.stringContaining('HTTP 200 OK but the answer is not JSON: <html>gateway</html>'),
    ]);
  });

  test('a 2xx whose envelope code is not 200 is a failure, retryable when the code says so', async () => {
    const outcomes = [];
    for (const code of [500, 429, 409]) {
      answerWith = (_req, res) => {
        res.json({ code, message: `envelope says ${code}`, data: null });
      };
      outcomes.push(await client().createOutbound(instruction));
    }
    expect(outcomes).toEqual([
      { ok: false, retryable: true, error: `POST ${fake.url}/api/wms/outbound/create: HTTP 200 OK but answer code 500: envelope says 500` },
      { ok: false, retryable: true, error: expect.stringContaining('answer code 429') },
      { ok: false, retryable: false, error: expect.stringContaining('answer code 409: envelope says 409') },
    ]);
  });

  test('cancel sends the cancel body and reads intercepted and detail', async () => {
    answerWith = (_req, res) => {
      res.json({ code: 200, message: 'success', data: { orderNo: 'OMS1', intercepted: true, status: 'CANCELLED', detail: 'intercepted' } });
    };
    const outcome = await client().cancelOutbound({
      orderNo: 'OMS1',
      warehouseCode: 'WH001',
      outboundNo: null,
      reason: 'customer changed mind',
    });
    expect(outcome).toEqual({ ok: true, value: { intercepted: true, detail: 'intercepted' } });
    expect(bodies).toEqual([{ orderNo: 'OMS1', warehouseCode: 'WH001', outboundNo: null, reason: 'customer changed mind' }]);
    expect(outboundCancelRequest.safeParse(bodies[0]).success).toBe(true);
  });

  test('inbound create sends the inbound body and reads the wmsInboundNo', async () => {
    answerWith = (_req, res) => {
      res.json({ code: 200, message: 'success', data: { wmsInboundNo: 'RK202511220001', status: 'EXPECTED' } });
    };
    const outcome = await client().createInbound({
      inboundNo: 'PO-1',
      kind: 'PURCHASE',
      warehouseCode: 'WH001',
      supplier: 'ACME',
      poNumber: 'PO-1',
      returnNo: null,
      lines: [{ sku: 'SKU001', quantity: 10, batchNo: 'B1' }],
    });
    expect(outcome).toEqual({ ok: true, value: { wmsInboundNo: 'RK202511220001' } });
    expect(bodies).toEqual([
      {
        inboundNo: 'PO-1',
        warehouseCode: 'WH001',
        type: 'PURCHASE',
        supplier: 'ACME',
        poNumber: 'PO-1',
        returnNo: null,
        items: [{ sku: 'SKU001', quantity: 10 }],
      },
    ]);
    expect(inboundCreateRequest.safeParse(bodies[0]).success).toBe(true);
  });
});

describe('WmsHttpClient: the stock snapshot', () => {
  const page =
    (data: object): RequestHandler =>
    (_req, res) => {
      res.json({ code: 200, message: 'success', data });
    };

  test('asks for one page of one warehouse, and reads its lines in the hub’s words', async () => {
    answerWith = page({
      warehouseCode: 'WH001',
      pageNo: 2,
      hasMore: false,
      items: [
        { sku: 'SKU001', inventoryType: 'SELLABLE', quantity: 7, batchNo: 'B1' },
        { sku: 'SKU001', inventoryType: 'DEFECTIVE', quantity: 0 },
      ],
    });
    expect(await client().stockSnapshot({ warehouseCode: 'WH001', pageNo: 2, pageSize: 50 })).toEqual({
      ok: true,
      value: {
        lines: [
          { sku: 'SKU001', condition: 'SELLABLE', quantity: 7, batchNo: 'B1' },
          { sku: 'SKU001', condition: 'DEFECTIVE', quantity: 0, batchNo: null },
        ],
        hasMore: false,
      },
    });
    expect(bodies).toEqual([{ warehouseCode: 'WH001', pageNo: 2, pageSize: 50 }]);
  });

  test('refuses an answer for another page or warehouse, or with a negative quantity: the snapshot would be wrong', async () => {
    answerWith = page({ warehouseCode: 'WH002', pageNo: 1, hasMore: false, items: [] });
    const other = await client().stockSnapshot({ warehouseCode: 'WH001', pageNo: 1, pageSize: 50 });
    expect(other).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringContaining('asked for page 1 of WH001, answered page 1 of WH002'),
    });
    answerWith = page({
      warehouseCode: 'WH001',
      pageNo: 1,
      hasMore: false,
      items: [{ sku: 'SKU001', inventoryType: 'SELLABLE', quantity: -1 }],
    });
    const negative = await client().stockSnapshot({ warehouseCode: 'WH001', pageNo: 1, pageSize: 50 });
    expect(negative).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('breaks the contract') });
  });
});
