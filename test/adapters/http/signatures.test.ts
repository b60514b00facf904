/**
 * Signed messages (src/adapters/signature/hub-signature.ts), both ways, over real HTTP: a warehouse
 * caller's callbacks are taken only signed with its secret, over the bytes sent, in time, once;
 * the hub's calls to the WMS and the TMS are signed, and the sandbox refuses them unsigned.
 */
import { createHmac } from 'node:crypto';
import { fc, test as property } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signatureOf, signedHeaders } from '../../../src/adapters/signature/hub-signature.ts';
import { WmsHttpClient } from '../../../src/adapters/wms/wms-http-client.ts';
import { TmsHttpClient } from '../../../src/adapters/tms/tms-http-client.ts';
import type { TestHub } from '../../support/test-hub.ts';
import { anOrder } from '../../e2e/e2e-fixtures.ts';
import { keys, secrets, startHubWithOrder } from '../../support/credentials.ts';

let t: TestHub;

const progress = (stage: 'PICKING' | 'PACKED') =>
  JSON.stringify({ orderNo: 'SIG1', outboundNo: 'X', warehouseCode: 'WH001', status: stage, time: '2025-11-22T10:00:00' });

const deliver = async (body: string, headers: Record<string, string>) => {
  const response = await fetch(`${t.hub.url}/api/oms/outbound/progress`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': keys.sandbox, ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as { message: string; data: { applied?: boolean } } };
};

const progressEvents = async () =>
  (await t.hub.deps.store.readStream('order-SIG1')).filter((event) => event.type === 'WmsProgressRecorded').length;

beforeAll(async () => {
  t = await startHubWithOrder('SIG1');
});
afterAll(async () => {
  await t.stop();
});

describe('callbacks from a warehouse caller', () => {
  test('unsigned, signed with another secret, or more than 300 s out of time either way (305 s: a timestamp is whole seconds): 401, nothing applied', async () => {
    const body = progress('PICKING');
    const now = Date.now();
    const refusals = [
      await deliver(body, {}),
      await deliver(body, signedHeaders(secrets.north, body, now)),
      await deliver(body, signedHeaders(secrets.sandbox, body, now - 305_000)),
      await deliver(body, signedHeaders(secrets.sandbox, body, now + 305_000)),
      await deliver(body, { 'x-hub-timestamp': 'yesterday', 'x-hub-signature': signatureOf(secrets.sandbox, 'yesterday', body) }),
    ];
    expect(refusals.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401]);
    expect(refusals[0]?.body.message).toContain('not signed');
    expect(refusals[1]?.body.message).toContain('does not sign this body');
    expect(refusals[2]?.body.message).toContain('away from the hub');
    expect(await progressEvents()).toBe(0);
  });

  test('signed in time: applied once; the same signed message again is a replay (409); signed anew, it is an ordinary duplicate', async () => {
    const body = progress('PICKING');
    const headers = signedHeaders(secrets.sandbox, body, Date.now() - 290_000);
    const first = await deliver(body, headers);
    expect(first).toMatchObject({ status: 200, body: { data: { applied: true } } });
    expect((await deliver(body, headers)).status).toBe(409);
    const resigned = await deliver(body, signedHeaders(secrets.sandbox, body, Date.now()));
    expect(resigned).toMatchObject({ status: 200, body: { data: { applied: false } } });
    expect(await progressEvents()).toBe(1);
  });

  property.prop([fc.nat(), fc.integer({ min: 1, max: 255 })], { numRuns: 25 })(
    'a signature over other bytes is refused: any one byte of the body changed → 401, nothing applied',
    async (at, delta) => {
      const body = Buffer.from(progress('PACKED'));
      const headers = signedHeaders(secrets.sandbox, body, Date.now());
      const changed = Buffer.from(body);
      const index = at % changed.length;
      changed[index] = ((changed[index] ?? 0) + delta) % 256;
      const response = await fetch(`${t.hub.url}/api/oms/outbound/progress`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': keys.sandbox, ...headers },
        body: changed,
      });
      expect(response.status).not.toBe(200);
      expect([400, 401]).toContain(response.status);
      const events = await t.hub.deps.events.readStream('order', 'order-SIG1');
      expect(events.some((event) => event.type === 'WmsProgressRecorded' && event.data.stage === 'PACKED')).toBe(false);
    },
  );
});

describe("the hub's own calls", () => {
  test("the sandbox WMS and TMS take the hub's signed calls and refuse them unsigned or signed with another secret", async () => {
    const sandbox = t.hub.sandbox;
    if (sandbox === null) throw new Error('the sandbox runs');
    const instruction = {
      orderNo: 'SIG2',
      warehouseCode: 'WH001',
      priority: 'NORMAL' as const,
      timeRequirement: 'STANDARD' as const,
      items: [{ sku: 'SKU001', quantity: 1 }],
      consignee: anOrder('SIG2').consignee,
    };
    const client = (signingSecret?: (code: string) => string | null) =>
      new WmsHttpClient({ baseUrl: sandbox.wmsUrl, timeoutMs: 2000, ...(signingSecret === undefined ? {} : { signingSecret }) });
    const unsigned = await client().createOutbound(instruction);
    expect(unsigned).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('HTTP 401') });
    expect(await client(() => secrets.north).createOutbound(instruction)).toMatchObject({
      ok: false,
      error: expect.stringContaining('HTTP 401'),
    });
    expect(await client(() => secrets.sandbox).createOutbound(instruction)).toMatchObject({ ok: true });

    const shipment = {
      waybillNo: 'SIGW1',
      orderNo: 'SIG2',
      carrier: 'SF',
      consignee: instruction.consignee,
      items: instruction.items,
      shippedAt: '2025-11-22T10:30:00.000Z',
    };
    const tms = (signingSecret?: () => string | null) =>
      new TmsHttpClient({ baseUrl: sandbox.tmsUrl, timeoutMs: 2000, ...(signingSecret === undefined ? {} : { signingSecret }) });
    expect(await tms().pushShipment(shipment)).toMatchObject({ ok: false, error: expect.stringContaining('HTTP 401') });
    expect(await tms(() => secrets.tms).pushShipment(shipment)).toMatchObject({ ok: true });
  });
});

describe('the scheme', () => {
  test("README's worked example: HMAC-SHA256(secret, timestamp + '.' + body) in hex, after sha256=", () => {
    const secret = 'whsec_example_0123456789abcdef0123';
    const timestamp = '1763776800';
    const body =
      '{"orderNo":"OMS202511220001","outboundNo":"WMS-OUT-1","warehouseCode":"WH001","status":"PICKING","time":"2025-11-22T10:00:00"}';
    const independent = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    expect(signatureOf(secret, timestamp, body)).toBe(`sha256=${independent}`);
    expect(signatureOf(secret, timestamp, body)).toBe(WORKED_EXAMPLE);
  });
});

/** The signature README's "Signed messages" shows for its example (change both together). */
const WORKED_EXAMPLE = 'sha256=eafd214e90c5fcb14f3a98d17d96f835060c4339551b8c26dd5184a54cc1d82d';
