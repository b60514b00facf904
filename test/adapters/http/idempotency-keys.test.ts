/**
 * An Idempotency-Key names one request: the same request again is applied once, another request
 * with the key is refused (422) and changes nothing, across restarts. Over real HTTP.
 */
import { fc } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleOutboundCreate } from '../../support/article-payloads.ts';
import { type TestHub, startTestHub } from '../../support/test-hub.ts';

let t: TestHub;
let dataDir: string;
const place = async (orderNo: string) =>
  expect((await t.post('/api/oms/orders', { ...JSON.parse(articleOutboundCreate), orderNo })).status).toBe(201);

beforeAll(async () => {
  t = await startTestHub({ env: { SANDBOX_MODE: 'manual' } });
  dataDir = t.dataDir;
  await t.hub.work.stop(); // every event appended is then one a request appended
  for (const orderNo of ['OMS1', 'OMS2', 'OMS3', 'OMS4']) await place(orderNo);
});
afterAll(async () => {
  await t.stop();
});

const events = async (): Promise<number> => (await t.hub.deps.store.readAll({})).length;
const withKey = (key: string) => ({ 'idempotency-key': key, 'x-operator': 'ops' });

describe('an Idempotency-Key', () => {
  it('sent again with the same request is applied once, and answers as the first did', async () => {
    const first = await t.post('/api/oms/orders/OMS1/cancel', { reason: 'customer asked' }, withKey('K-same'));
    expect(first.status).toBe(200);
    const after = await events();
    const again = await t.post('/api/oms/orders/OMS1/cancel', { reason: 'customer asked' }, withKey('K-same'));
    expect(again.status).toBe(200);
    expect(again.body.data.status).toBe(first.body.data.status);
    expect(await events()).toBe(after);
  });

  it('sent with another request is refused with 422, naming the request it was used for, and nothing changes', async () => {
    expect((await t.post('/api/oms/orders/OMS2/cancel', {}, withKey('K-cancel'))).status).toBe(200);
    const before = await events();
    for (const [path, body] of [
      ['/api/oms/orders/OMS2/reroute', { warehouseCode: 'WH002' }],
      ['/api/oms/orders/OMS3/cancel', {}],
      ['/api/oms/orders/OMS2/cancel', { reason: 'another reason' }],
    ] as const) {
      const reused = await t.post(path, body, withKey('K-cancel'));
      expect({ path, status: reused.status }).toEqual({ path, status: 422 });
      expect(reused.body.message).toContain('POST /api/oms/orders/OMS2/cancel');
      expect(reused.body.data.errors).toEqual([{ path: 'headers.idempotency-key', message: 'already used for another request' }]);
    }
    expect(await events()).toBe(before);
    expect((await t.order('OMS3')).status).toBe('CREATED');
  });

  it('is not taken by a request that was refused, so the corrected request may use it', async () => {
    expect((await t.post('/api/oms/orders/OMS4/cancel', { reason: 42 }, withKey('K-fix'))).status).toBe(422);
    expect((await t.post('/api/oms/orders/OMS4/cancel', { reason: 'customer asked' }, withKey('K-fix'))).status).toBe(200);
  });

  it('of more than 256 characters is refused (400)', async () => {
    expect((await t.post('/api/oms/orders/OMS3/retry-push', {}, withKey('K'.repeat(257)))).status).toBe(400);
  });

  it('stays bound to its request when the hub restarts', async () => {
    await t.stop();
    t = await startTestHub({ dataDir, env: { SANDBOX_MODE: 'manual' } });
    await t.hub.work.stop();
    expect((await t.post('/api/oms/orders/OMS3/cancel', {}, withKey('K-cancel'))).status).toBe(422);
  });

  it('reused for any two different requests refuses the second; the same request twice goes through both times', async () => {
    const requests = [
      ['/api/oms/orders/OMS3/cancel', {}],
      ['/api/oms/orders/OMS3/cancel', { reason: 'x' }],
      ['/api/oms/orders/OMS3/retry-push', {}],
      ['/api/oms/orders/OMS3/reroute', { warehouseCode: 'WH001' }],
      ['/api/oms/orders/OMS2/retry-push', {}],
    ] as const;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...requests.keys()), fc.constantFrom(...requests.keys()), async (a, b) => {
        const key = `K-prop-${(n += 1)}`;
        const [pathA, bodyA] = requests[a] ?? requests[0];
        const [pathB, bodyB] = requests[b] ?? requests[0];
        const first = await t.post(pathA, bodyA, withKey(key));
        const second = await t.post(pathB, bodyB, withKey(key));
        if (first.status >= 300) expect(second.status).not.toBe(422);
        else if (a === b) expect(second.status).toBe(first.status);
        else expect(second.status).toBe(422);
      }),
      { numRuns: 40 },
    );
  });
});
