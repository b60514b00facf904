/**
 * docs/contracts.md#retry-policy, docs/architecture.md#manual-intervention: a WMS that is down is retried with backoff (3 attempts: 1 min, then 2 min),
 * driven by the clock, never by waiting; one that refuses, or stays down, goes to a person.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { anOrder } from './e2e-fixtures.ts';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ env: { WMS_TIMEOUT_MS: '300' } });
});
afterAll(async () => {
  await t.stop();
});
beforeEach(() => {
  t.hub.sandbox?.wms.faults.set({});
});

const attemptsOf = async (orderNo: string, attempts: number) =>
  waitFor(`order ${orderNo} to have ${attempts} push attempts`, async () => {
    const order = await t.order(orderNo);
    return order.push.attempts === attempts && order.status !== 'RESERVED' ? order : undefined;
  });

const alertsAbout = async (orderNo: string) =>
  (await t.get(`/api/oms/alerts?subject=order-${orderNo}`)).body.data as {
    kind: string;
    message: string;
    acknowledgedAt: string | null;
    acknowledgedBy: string | null;
  }[];

describe('the WMS is down for a while, then back', () => {
  test('each failure waits longer (60 s, then 120 s); nothing is retried before it is due; then it ships', async () => {
    t.hub.sandbox?.wms.faults.set({ errorRate: 1 });
    const start = t.clock.now();
    expect((await t.post('/api/oms/orders', anOrder('RETRY1'))).status).toBe(201);

    const first = await attemptsOf('RETRY1', 1);
    expect(first).toMatchObject({ status: 'PUSH_FAILED', push: { lastError: expect.stringContaining('503') } });
    expect(Date.parse(first.push.nextAttemptAt) - Date.parse(start)).toBe(60_000);

    t.clock.advance({ seconds: 59 });
    await t.hub.work.dueRetries.runDue();
    expect((await t.order('RETRY1')).push.attempts).toBe(1);

    t.clock.advance({ seconds: 1 });
    await t.hub.work.dueRetries.runDue();
    const second = await attemptsOf('RETRY1', 2);
    expect(Date.parse(second.push.nextAttemptAt) - Date.parse(t.clock.now())).toBe(120_000);

    t.hub.sandbox?.wms.faults.set({});
    t.clock.advance({ seconds: 120 });
    await t.hub.work.dueRetries.runDue();
    const shipped = await t.orderReaches('RETRY1', 'SHIPPED');
    expect(shipped.push.attempts).toBe(3);
    expect(t.hub.sandbox?.wms.createCalls('RETRY1')).toBe(3);
    expect(await alertsAbout('RETRY1')).toEqual([]);
  });
});

describe('the WMS keeps failing', () => {
  test('always 503: three attempts, then manual intervention and an alert; a person retries and it ships', async () => {
    t.hub.sandbox?.wms.faults.set({ errorRate: 1 });
    await t.post('/api/oms/orders', anOrder('DOWN1'));
    await attemptsOf('DOWN1', 1);
    for (const attempt of [2, 3]) {
      t.clock.advance({ seconds: 15 * 60 });
      await t.hub.work.dueRetries.runDue();
      await attemptsOf('DOWN1', attempt);
    }
    const stuck = await t.orderReaches('DOWN1', 'MANUAL_INTERVENTION');
    expect(stuck.manualIntervention).toMatchObject({ reason: 'PUSH_ATTEMPTS_EXHAUSTED' });
    const [alert] = await waitFor('the alert', async () => {
      const alerts = await alertsAbout('DOWN1');
      return alerts.length > 0 ? alerts : undefined;
    });
    expect(alert).toMatchObject({ kind: 'MANUAL_INTERVENTION', message: expect.stringContaining('PUSH_ATTEMPTS_EXHAUSTED') });

    t.clock.advance({ seconds: 3600 });
    await t.hub.work.dueRetries.runDue();
    expect((await t.order('DOWN1')).push.attempts).toBe(3);

    t.hub.sandbox?.wms.faults.set({});
    expect((await t.post('/api/oms/orders/DOWN1/retry-push', {}, { 'Idempotency-Key': 'ops-retry-1', 'X-Operator': 'alice' })).status).toBe(
      200,
    );
    await t.orderReaches('DOWN1', 'SHIPPED');
    // the person's retry answered the alert: it leaves the queue, saying who asked
    const settled = await waitFor('the alert settled', async () => {
      const [after] = await alertsAbout('DOWN1');
      return after?.acknowledgedAt === null ? undefined : after;
    });
    expect(settled).toMatchObject({ kind: 'MANUAL_INTERVENTION', acknowledgedBy: 'hub: order-DOWN1 retried at the request of alice' });
    const again = await t.post('/api/oms/orders/DOWN1/retry-push', {}, { 'Idempotency-Key': 'ops-retry-1', 'X-Operator': 'alice' });
    expect(again.status).toBe(200);
  });

  test('a refusal (HTTP 400) is not retried: manual intervention at once, with an alert', async () => {
    t.hub.sandbox?.wms.faults.set({ rejectRate: 1 });
    await t.post('/api/oms/orders', anOrder('REJECT1'));
    const stuck = await t.orderReaches('REJECT1', 'MANUAL_INTERVENTION');
    expect(stuck).toMatchObject({ push: { attempts: 1, nextAttemptAt: null }, manualIntervention: { reason: 'PUSH_REJECTED' } });
    await waitFor('the alert', async () => (await alertsAbout('REJECT1')).some((a) => a.kind === 'MANUAL_INTERVENTION'));
    t.clock.advance({ seconds: 3600 });
    await t.hub.work.dueRetries.runDue();
    expect(t.hub.sandbox?.wms.createCalls('REJECT1')).toBe(1);
  });

  test('an answer that never comes (timeout) is retried, and the WMS gives the same outboundNo: the order is never there twice', async () => {
    t.hub.sandbox?.wms.faults.set({ timeoutRate: 1, mode: 'manual' });
    await t.post('/api/oms/orders', anOrder('HANG1'));
    const failed = await waitFor('the timeout', async () => {
      const order = await t.order('HANG1');
      return order.status === 'PUSH_FAILED' ? order : undefined;
    });
    expect(failed.push.lastError).toMatch(/no answer within 300 ms/);
    t.hub.sandbox?.wms.faults.set({ mode: 'manual' });
    t.clock.advance({ seconds: 60 });
    await t.hub.work.dueRetries.runDue();
    const pushed = await t.orderReaches('HANG1', 'PUSHED_TO_WMS');
    expect(
      t.hub.sandbox?.wms
        .orders()
        .filter((o) => o.orderNo === 'HANG1')
        .map((o) => o.outboundNo),
    ).toEqual([pushed.outboundNo]);
  });
});
