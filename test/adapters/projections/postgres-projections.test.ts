/**
 * The projections on a real PostgreSQL (the run's server, a database of this file's own), fed by
 * hub histories the deciders wrote, held to what the SQLite ones are held to:
 *   - live, they hold what the projections' operations mean (the in-memory reading);
 *   - crashed in the middle of a batch and resumed: the same rows;
 *   - rebuilt: the same rows as built live, and verify finds nothing, then finds a tampered row;
 *   - two runners (two processes) following one store at once apply every event once;
 *   - a rebuild by another process while one follows: it goes back with the tables;
 *   - every report answers as the SQLite one does, page by page.
 */
import { fc, test } from '@fast-check/vitest';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventStore } from '../../../src/adapters/event-store/memory/memory-event-store.ts';
import {
  PostgresProjections,
  type PostgresProjectionsOptions,
  comparePostgresProjections,
} from '../../../src/adapters/projections/postgres-projections.ts';
import { readModelPool } from '../../../src/adapters/projections/postgres-projection-store.ts';
import { numberParameters } from '../../../src/adapters/projections/postgres-reader.ts';
import type { Projections } from '../../../src/adapters/projections/projections.ts';
import { SqliteProjections } from '../../../src/adapters/projections/sqlite-projections.ts';
import { allProjections } from '../../../src/application/projections/all-projections.ts';
import type { Page } from '../../../src/application/projections/report-queries.ts';
import { testDatabase } from '../../support/test-database.ts';
import { appendAll, appendRest, historyArb, play, sampleAppends, storeWith } from './hub-history.ts';
import { type Dump, byKey, dumpModel, failingAt, freshFile, settle } from './projection-files.ts';

const live = { rebuildFreshOnStart: false } as const;

let url: string;
let reader: pg.Pool;
let schemas = 0;
const freshSchema = (name = 'rm'): string => `${name}_${(schemas += 1)}`;

beforeAll(async () => {
  url = await testDatabase('projections');
  reader = readModelPool(url, 'public', 2);
});
afterAll(async () => {
  await reader.end();
});

const open = (schema: string, options: PostgresProjectionsOptions = {}) => PostgresProjections.open(url, { ...live, ...options, schema });

/** Every table of the projections in a schema, rows in key order, JSON columns parsed. */
const dumpSchema = async (schema: string): Promise<Dump> => {
  const dump: Dump = {};
  for (const projection of allProjections)
    for (const t of projection.tables) {
      const { rows } = await reader.query<Record<string, unknown>>(`SELECT * FROM "${schema}"."${t.name}"`);
      for (const row of rows)
        for (const [column, type] of Object.entries(t.columns))
          if (type === 'json' && typeof row[column] === 'string') row[column] = JSON.parse(row[column] as string);
      dump[t.name] = rows.sort(byKey(t.key));
    }
  return dump;
};

describe('the PostgreSQL projections, live', () => {
  test.prop([historyArb(60)], { numRuns: 8 })('hold what the projections say, whatever the history', async (history) => {
    const store = await storeWith(play(history));
    const schema = freshSchema();
    const projections = open(schema, { batchSize: 5 });
    await projections.start(store);
    await projections.close();
    expect(await dumpSchema(schema)).toEqual(dumpModel(await store.readAll()));
  });

  test.prop([historyArb(40), fc.nat(), fc.integer({ min: 1, max: 30 })], { numRuns: 6 })(
    'killed in the middle of a batch, reopened, resumed: the rows of one pass',
    async (history, cut, batchSize) => {
      const store = await storeWith(play(history));
      const schema = freshSchema('crashed');
      const crashing = open(schema, { batchSize, projections: failingAt(1 + (cut % 150)) });
      await crashing.start(store).catch(() => undefined);
      await crashing.close();
      const resumed = open(schema, { batchSize });
      await resumed.start(store);
      await resumed.close();
      expect(await dumpSchema(schema)).toEqual(dumpModel(await store.readAll()));
    },
  );

  it('two runners following one store at once (two processes) apply every event once', async () => {
    const appends = sampleAppends(11);
    const store = new MemoryEventStore();
    await appendAll(store, appends.slice(0, 20));
    const schema = freshSchema('two');
    const one = open(schema, { batchSize: 3 });
    const other = open(schema, { batchSize: 4 });
    await Promise.all([one.start(store), other.start(store)]);
    await appendRest(store, appends.slice(20));
    await settle(async () => Object.values(await one.lag(store)).every((behind) => behind === 0));
    await Promise.all([one.close(), other.close()]);
    // counts are additions: an event applied twice would count twice
    expect(await dumpSchema(schema)).toEqual(dumpModel(await store.readAll()));
  });
});

describe('rebuild and verify on PostgreSQL', () => {
  it('a rebuild gives the rows built live, verify finds nothing; a tampered row and a missing one are found', async () => {
    const store = await storeWith(sampleAppends(5));
    const schema = freshSchema('rebuilt');
    const projections = open(schema, { batchSize: 7, rebuildBatchSize: 9 });
    await projections.start(store);
    const built = await dumpSchema(schema);
    const result = await projections.rebuild(store);
    expect(result.events).toBe((await store.readAll()).length);
    expect(await dumpSchema(schema)).toEqual(built);
    await projections.close();
    expect(await comparePostgresProjections(store, url, { live: schema, scratch: `${schema}_scratch` })).toEqual([]);

    await reader.query(
      `UPDATE "${schema}"."order_list" SET "status" = 'CANCELLED' WHERE "orderNo" = (SELECT min("orderNo") FROM "${schema}"."order_list")`,
    );
    await reader.query(`DELETE FROM "${schema}"."stock_levels" WHERE "sku" = (SELECT min("sku") FROM "${schema}"."stock_levels")`);
    const differences = await comparePostgresProjections(store, url, { live: schema, scratch: `${schema}_scratch` });
    expect(differences.some((line) => line.startsWith('orders: order_list {orderNo:'))).toBe(true);
    expect(differences.some((line) => line.startsWith('stock-levels: stock_levels {'))).toBe(true);
    const { rows } = await reader.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [`${schema}_scratch`]);
    expect(rows).toEqual([]);
  });

  it('a rebuild by another process while one follows the store: the follower goes back with the tables', async () => {
    const appends = sampleAppends(3);
    const store = new MemoryEventStore();
    await appendAll(store, appends.slice(0, 30));
    const schema = freshSchema('behind');
    const hub = open(schema, { batchSize: 4 });
    await hub.start(store);
    const cli = open(schema);
    await cli.rebuild(store);
    await cli.close();
    await appendRest(store, appends.slice(30));
    await settle(async () => Object.values(await hub.lag(store)).every((behind) => behind === 0));
    await hub.close();
    expect(await dumpSchema(schema)).toEqual(dumpModel(await store.readAll()));
  });
});

/** Every page of a report, following its cursors. */
const allPages = async <T>(ask: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> => {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 500; pages += 1) {
    const page = await ask(cursor);
    items.push(...page.items);
    if (page.nextCursor === null) return items;
    cursor = page.nextCursor;
  }
  throw new Error('a report that never ends');
};

/** Each report, asked the same ways of both databases. */
const everyReport = async (reports: Projections): Promise<Record<string, unknown>> => {
  const now = '2026-01-01T00:00:00Z';
  const limit = 3;
  const orders = await allPages((cursor) => reports.orders({ limit, cursor }));
  const someOrder = orders[0];
  const someSku = someOrder?.lines[0]?.sku;
  return {
    orders,
    ordersShipped: await allPages((cursor) => reports.orders({ limit, cursor, status: ['SHIPPED', 'CANCELLED'] })),
    ordersBySku: await allPages((cursor) => reports.orders({ limit, cursor, term: someSku })),
    ordersByNumber: await allPages((cursor) => reports.orders({ limit, cursor, term: someOrder?.orderNo })),
    ordersPlacedSince: await allPages((cursor) => reports.orders({ limit, cursor, placed: { from: 0, to: Date.parse(now) } })),
    statusByWarehouse: await allPages((cursor) => reports.statusCounts({ limit, cursor, by: 'warehouse' })),
    statusByDay: await allPages((cursor) => reports.statusCounts({ limit, cursor, by: 'day' })),
    backorders: await allPages((cursor) => reports.backorders({ limit, cursor, now })),
    backordersOfSku: await allPages((cursor) => reports.backorders({ limit, cursor, now, sku: someSku })),
    manual: await allPages((cursor) => reports.manualInterventions({ limit, cursor, now })),
    manualInWarehouse: await allPages((cursor) => reports.manualInterventions({ limit, cursor, now, warehouseCode: 'WH001' })),
    stock: await allPages((cursor) => reports.stock({ limit, cursor })),
    variances: await allPages((cursor) => reports.stockVariances({ limit, cursor })),
    leadTimesPlaced: await allPages((cursor) => reports.leadTimes({ limit, cursor, by: 'placed' })),
    leadTimesShipped: await allPages((cursor) => reports.leadTimes({ limit, cursor, by: 'shipped', warehouseCode: 'WH001' })),
    shipped: await allPages((cursor) => reports.shippedPerDay({ limit, cursor })),
    anomaliesByKind: await allPages((cursor) => reports.anomalies({ limit, cursor, by: 'kind' })),
    anomaliesByDay: await allPages((cursor) => reports.anomalies({ limit, cursor, by: 'day' })),
  };
};

describe('the reports on PostgreSQL', () => {
  it('answer as the SQLite ones do, every filter and every page', async () => {
    for (const seed of [1, 2, 7]) {
      const store = await storeWith(sampleAppends(seed));
      const sqlite = SqliteProjections.open(freshFile('reports'), live);
      const postgres = open(freshSchema('reports'));
      await Promise.all([sqlite.start(store), postgres.start(store)]);
      const expected = await everyReport(sqlite);
      expect((expected['orders'] as unknown[]).length).toBeGreaterThan(0);
      expect(await everyReport(postgres)).toEqual(expected);
      await Promise.all([sqlite.close(), postgres.close()]);
    }
  });

  it("number the reports' parameters outside quoted literals and names", () => {
    expect(numberParameters(`SELECT '?' AS "a?", x FROM t WHERE a = ? AND b IN (?, ?)`)).toBe(
      `SELECT '?' AS "a?", x FROM t WHERE a = $1 AND b IN ($2, $3)`,
    );
  });
});
