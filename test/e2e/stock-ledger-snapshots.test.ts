/**
 * A hub with SNAPSHOT_EVERY=2 keeps its stock ledgers' snapshots in `snapshots.sqlite` in its data
 * directory, closes it when it stops, and after a restart goes on from them: the next order on
 * the SKU reserves and ships once, and the ledger's snapshot moves on.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, test } from 'vitest';
import { ManualClock } from '../support/manual-clock.ts';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { anOrder, eventTypes } from './e2e-fixtures.ts';

const running: TestHub[] = [];
afterAll(async () => {
  for (const hub of running) await hub.stop().catch(() => undefined);
});

const snapshotOf = (dataDir: string, stream: string): Readonly<{ revision: number; schema: string }> | undefined => {
  const db = new Database(join(dataDir, 'snapshots.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[string], { revision: number; schema: string }>('SELECT revision, schema FROM snapshots WHERE stream = ?')
      .get(stream);
  } finally {
    db.close();
  }
};

const typesOf = (dataDir: string, stream: string): readonly string[] => {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[string], string>('SELECT type FROM events WHERE stream = ? ORDER BY revision').pluck().all(stream);
  } finally {
    db.close();
  }
};

test('a stock ledger snapshotted before a restart: after it, the next order reserves and ships once, and the snapshot moves on', async () => {
  const clock = new ManualClock();
  const env = { SNAPSHOT_EVERY: '2' };
  const first = await startTestHub({ clock, env });
  running.push(first);
  await first.post('/api/oms/orders', anOrder('SNAP1', { items: [{ sku: 'SKU001', quantity: 2 }] }));
  await first.orderReaches('SNAP1', 'SHIPPED');
  await waitFor('the deduction', async () => (await first.get('/api/oms/stock?warehouseCode=WH001&sku=SKU001')).body.data[0].onHand === 98);
  await first.stop();
  // received, reserved, deducted: kept when the ledger passed its 2nd event
  const before = snapshotOf(first.dataDir, 'stock-WH001.SKU001');
  expect(before).toEqual({ revision: 1, schema: 'stock-ledger/2' });

  const second = await startTestHub({ clock, env, dataDir: first.dataDir });
  running.push(second);
  await second.post('/api/oms/orders', anOrder('SNAP2', { items: [{ sku: 'SKU001', quantity: 3 }] }));
  await second.orderReaches('SNAP2', 'SHIPPED');
  await waitFor(
    'the deduction',
    async () => (await second.get('/api/oms/stock?warehouseCode=WH001&sku=SKU001')).body.data[0].onHand === 95,
  );
  expect((await second.get('/api/oms/stock?warehouseCode=WH001&sku=SKU001')).body.data[0]).toMatchObject({ onHand: 95, reserved: 0 });
  const types = eventTypes((await second.get('/api/oms/orders/SNAP2/events')).body.data);
  expect(types.filter((type) => type === 'StockReserved')).toHaveLength(1);
  await second.stop();
  // each order reserved and deducted once on the ledger, across the restart
  expect(typesOf(first.dataDir, 'stock-WH001.SKU001')).toEqual([
    'StockReceived',
    'StockReserved',
    'StockDeducted',
    'StockReserved',
    'StockDeducted',
  ]);
  // reserved (the 4th event) and deducted (the 5th): kept when the ledger passed its 4th
  expect(snapshotOf(first.dataDir, 'stock-WH001.SKU001')).toEqual({ revision: 3, schema: 'stock-ledger/2' });
});
