/**
 * The hub restarts in the middle of a flow: reactions resume from their checkpoints, retries
 * from the events; nothing is pushed twice, deducted twice or lost.
 */
import { afterAll, expect, test } from 'vitest';
import { ManualClock } from '../support/manual-clock.ts';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { anOrder, eventTypes } from './e2e-fixtures.ts';

const running: TestHub[] = [];
afterAll(async () => {
  for (const hub of running) await hub.stop().catch(() => undefined);
});

test('stopped with one order shipped and one waiting for a retry; restarted: the first is left alone, the second ships once', async () => {
  const clock = new ManualClock();
  const first = await startTestHub({ clock });
  running.push(first);
  await first.post('/api/oms/orders', anOrder('KEEP1', { items: [{ sku: 'SKU001', quantity: 2 }] }));
  await first.orderReaches('KEEP1', 'SHIPPED');
  await waitFor(
    'the first deduction',
    async () => (await first.get('/api/oms/stock?warehouseCode=WH001&sku=SKU001')).body.data[0].onHand === 98,
  );
  first.hub.sandbox?.wms.faults.set({ errorRate: 1 });
  await first.post('/api/oms/orders', anOrder('LATER1', { items: [{ sku: 'SKU002', quantity: 5 }] }));
  await waitFor('the failed push', async () => (await first.order('LATER1')).status === 'PUSH_FAILED');
  await first.stop();

  const second = await startTestHub({ clock, dataDir: first.dataDir });
  running.push(second);
  await second.hub.work.caughtUp;
  expect(second.hub.work.dueRetries.pending().map((p) => p.stream)).toContain('order-LATER1');
  clock.advance({ seconds: 60 });
  await second.hub.work.dueRetries.runDue();
  await second.orderReaches('LATER1', 'SHIPPED');

  expect(second.hub.sandbox?.wms.createCalls('KEEP1')).toBe(0);
  expect(second.hub.sandbox?.wms.createCalls('LATER1')).toBe(1);
  await waitFor(
    'the second deduction',
    async () => (await second.get('/api/oms/stock?warehouseCode=WH001&sku=SKU002')).body.data[0].onHand === 45,
  );
  expect((await second.get('/api/oms/stock?warehouseCode=WH001&sku=SKU001')).body.data[0]).toMatchObject({ onHand: 98, reserved: 0 });
  for (const orderNo of ['KEEP1', 'LATER1']) {
    const types = eventTypes((await second.get(`/api/oms/orders/${orderNo}/events`)).body.data);
    expect(types.filter((type) => type === 'OrderPlaced')).toHaveLength(1);
    expect(types.filter((type) => type === 'StockReserved')).toHaveLength(1);
    expect(types.filter((type) => type === 'ShipmentRecorded')).toHaveLength(1);
  }
  const handOffs = (await second.hub.deps.store.readAll({ category: 'shipment' })).filter((e) => e.type === 'PushSucceeded');
  expect(handOffs).toHaveLength(2);
});
