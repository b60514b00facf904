/**
 * Every snapshot store to the same rules (../../../src/application/ports/snapshot-store.ts): memory,
 * SQLite on a file in a temporary directory, PostgreSQL in a database of this file's own on the
 * run's embedded server. A snapshot reads back as saved (revisions as bigints beyond 2^53); one
 * per stream and schema; an older one never replaces a newer.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { MemorySnapshotStore } from '../../../src/adapters/snapshots/memory-snapshot-store.ts';
import { PostgresSnapshotStore } from '../../../src/adapters/snapshots/postgres-snapshot-store.ts';
import { SqliteSnapshotStore } from '../../../src/adapters/snapshots/sqlite-snapshot-store.ts';
import type { SnapshotStore } from '../../../src/application/ports/snapshot-store.ts';
import { testDatabase } from '../../support/test-database.ts';

const directory = mkdtempSync(join(tmpdir(), 'snapshot-stores-'));
const toClose: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const close of toClose) await close();
  rmSync(directory, { recursive: true, force: true });
});

const stores: ReadonlyArray<readonly [string, () => Promise<SnapshotStore>]> = [
  ['memory', async () => new MemorySnapshotStore()],
  [
    'SQLite',
    async () => {
      const store = SqliteSnapshotStore.open(join(directory, `${randomUUID()}.sqlite`));
      toClose.push(() => store.close());
      return store;
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const store = PostgresSnapshotStore.connect(await testDatabase('snapshots'));
      toClose.push(() => store.close());
      return store;
    },
  ],
];

const state = { onHand: 3, handled: ['OMS1/R1', '顺丰.SF1'], batches: { '': { batchNo: null } } };

describe.each(stores)('the %s snapshot store', (_, open) => {
  test('answers nothing for a stream it has no snapshot of', async () => {
    const store = await open();
    expect(await store.load('stock-WH1.SKU1', 'stock-ledger/1')).toBeUndefined();
  });

  test('reads a snapshot back as it was saved, its revision a bigint beyond 2^53', async () => {
    const store = await open();
    const revision = 2n ** 60n + 7n;
    await store.save({ stream: 'stock-WH1.SKU1', schema: 'stock-ledger/1', revision, lastEventId: 'e-1', state });
    expect(await store.load('stock-WH1.SKU1', 'stock-ledger/1')).toEqual({ revision, lastEventId: 'e-1', state });
  });

  test('keeps the newest snapshot: a later revision replaces it, an earlier one (a slower writer) does not', async () => {
    const store = await open();
    const save = (revision: bigint, onHand: number) =>
      store.save({ stream: 'stock-WH1.SKU1', schema: 'stock-ledger/1', revision, lastEventId: `e-${onHand}`, state: { onHand } });
    await save(10n, 1);
    await save(20n, 2);
    await save(15n, 3);
    await save(20n, 4);
    expect(await store.load('stock-WH1.SKU1', 'stock-ledger/1')).toEqual({ revision: 20n, lastEventId: 'e-2', state: { onHand: 2 } });
  });

  test('keeps one snapshot per stream and schema, and answers only for the schema asked', async () => {
    const store = await open();
    await store.save({ stream: 'stock-WH1.SKU1', schema: 'stock-ledger/1', revision: 5n, lastEventId: 'e-5', state: { one: 1 } });
    await store.save({ stream: 'stock-WH1.SKU1', schema: 'stock-ledger/2', revision: 3n, lastEventId: 'e-3', state: { two: 2 } });
    await store.save({ stream: 'stock-WH1.SKU2', schema: 'stock-ledger/1', revision: 9n, lastEventId: 'e-9', state: { other: 1 } });
    expect(await store.load('stock-WH1.SKU1', 'stock-ledger/1')).toEqual({ revision: 5n, lastEventId: 'e-5', state: { one: 1 } });
    expect(await store.load('stock-WH1.SKU1', 'stock-ledger/2')).toEqual({ revision: 3n, lastEventId: 'e-3', state: { two: 2 } });
    expect(await store.load('stock-WH1.SKU1', 'stock-ledger/3')).toBeUndefined();
  });
});
