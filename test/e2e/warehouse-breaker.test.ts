/**
 * A warehouse that keeps failing is left alone for a while (WMS_BREAKER_FAILURES in a row, then
 * WMS_BREAKER_COOLDOWN_MS by the clock): its orders' pushes fail at once instead of each waiting
 * for the warehouse, /health says so, and after the cool-down one push goes through and an
 * answer closes the circuit.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { anOrder } from './e2e-fixtures.ts';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ env: { WMS_BREAKER_FAILURES: '3', WMS_BREAKER_COOLDOWN_MS: '30000' } });
});
afterAll(async () => {
  await t.stop();
});

const failedPush = (orderNo: string) =>
  waitFor(`${orderNo}'s push to fail`, async () => {
    const order = await t.order(orderNo);
    return order?.status === 'PUSH_FAILED' ? order : undefined;
  });

test('three failed pushes to WH001 in a row: the fourth is not sent, /health and the metrics name the open circuit; after the cool-down the next push goes through', async () => {
  t.hub.sandbox?.wms.faults.set({ errorRate: 1 });
  for (const orderNo of ['CB1', 'CB2', 'CB3']) {
    await t.post('/api/oms/orders', anOrder(orderNo));
    await failedPush(orderNo);
  }
  await t.post('/api/oms/orders', anOrder('CB4'));
  const fourth = await failedPush('CB4');
  expect(fourth.push.lastError).toContain('circuit open');
  expect(t.hub.sandbox?.wms.createCalls('CB4')).toBe(0);
  expect((await t.get('/health')).body.data.warehouseCircuits).toEqual([
    { warehouseCode: 'WH001', until: expect.any(String), failures: 3 },
  ]);
  expect(await (await fetch(`${t.hub.url}/metrics`)).text()).toContain('oms_warehouse_circuit_open{warehouse="WH001"} 1');

  // the warehouse is back; the circuit's time is up: the next due retry is the trial, and it ships
  t.hub.sandbox?.wms.faults.set({});
  t.clock.advance({ seconds: 15 * 60 });
  await t.hub.work.dueRetries.runDue();
  await waitFor('every order pushed again', async () => {
    for (const orderNo of ['CB1', 'CB2', 'CB3', 'CB4']) if ((await t.order(orderNo))?.push.attempts !== 2) return false;
    return true;
  });
  expect(t.hub.sandbox?.wms.createCalls('CB4')).toBe(1);
  expect((await t.get('/health')).body.data.warehouseCircuits).toBeUndefined();
  expect(await (await fetch(`${t.hub.url}/metrics`)).text()).not.toContain('oms_warehouse_circuit_open{');
});
