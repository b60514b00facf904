/**
 * docs/architecture.md#retries, issue 11 "Retries with jitter": orders that fail at the same
 * instant are not all retried at the same instant. The jitter is drawn by the hub (here from a
 * seeded source, so the schedule is known) and recorded with each deadline; the warehouse that
 * comes back sees the retries spread over the backoff window.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PlatformRandom } from '../../src/adapters/random/platform-random.ts';
import { SeededRandom } from '../support/seeded-random.ts';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { anOrder } from './e2e-fixtures.ts';

const seed = 20261126;
const orders = ['JIT1', 'JIT2', 'JIT3', 'JIT4', 'JIT5', 'JIT6', 'JIT7', 'JIT8'];
/** the first retry's delays the seed gives, whichever order draws which: full jitter over the first minute */
const expectedDelays = (() => {
  const random = new SeededRandom(seed);
  return orders.map(() => Math.floor(random.fraction() * 60_000)).sort((a, b) => a - b);
})();

let t: TestHub;
beforeAll(async () => {
  // the breaker off: with it, the pushes after the 5th failure in a row would not be sent at all
  // (test/e2e/warehouse-breaker.test.ts), and this test is about when each one is tried again
  t = await startTestHub({ env: { RETRY_JITTER: 'full', WMS_BREAKER_FAILURES: '0' }, retryJitter: new SeededRandom(seed) });
});
afterAll(async () => {
  await t.stop();
});

test('eight orders failing at the same instant come due at eight different times within the first minute, and are retried as they come due', async () => {
  t.hub.sandbox?.wms.faults.set({ errorRate: 1 });
  const start = Date.parse(t.clock.now());
  for (const orderNo of orders) expect((await t.post('/api/oms/orders', anOrder(orderNo))).status).toBe(201);
  const failed = await Promise.all(
    orders.map((orderNo) =>
      waitFor(`order ${orderNo} to fail once`, async () => {
        const order = await t.order(orderNo);
        return order?.status === 'PUSH_FAILED' && order.push.nextAttemptAt !== null ? order : undefined;
      }),
    ),
  );
  expect(Date.parse(t.clock.now())).toBe(start);
  const delays = failed.map((order) => Date.parse(order.push.nextAttemptAt) - start).sort((a, b) => a - b);
  expect(delays).toEqual(expectedDelays);
  expect(new Set(delays).size).toBe(orders.length);
  expect(new Set(delays.map((delay) => Math.floor(delay / 1000))).size).toBe(orders.length);
  for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(0);
  for (const delay of delays) expect(delay).toBeLessThan(60_000);

  // the warehouse is back: at any moment only the retries that have come due call it
  t.hub.sandbox?.wms.faults.set({});
  const halfway = delays[3] ?? 0;
  t.clock.advance({ milliseconds: halfway });
  expect(await t.hub.work.dueRetries.runDue()).toBe(4);
  t.clock.advance({ milliseconds: 60_000 - halfway });
  expect(await t.hub.work.dueRetries.runDue()).toBe(4);
  for (const orderNo of orders) {
    await t.orderReaches(orderNo, 'SHIPPED');
    expect(t.hub.sandbox?.wms.createCalls(orderNo)).toBe(2);
  }
});

test('the composition root draws jitter at random with RETRY_JITTER=full, and none with RETRY_JITTER=none', async () => {
  for (const [setting, jittered] of [
    ['full', true],
    ['none', false],
  ] as const) {
    const hub = await startTestHub({ env: { RETRY_JITTER: setting } });
    try {
      const random = hub.hub.deps.retryJitter;
      expect(random instanceof PlatformRandom).toBe(jittered);
      const fraction = random?.fraction() ?? 0;
      expect(fraction).toBeGreaterThanOrEqual(0);
      expect(fraction).toBeLessThan(1);
    } finally {
      await hub.stop();
    }
  }
});
