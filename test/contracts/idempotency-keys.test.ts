/**
 * Every store of idempotency keys to the same rules (IdempotencyKeys,
 * ../../src/adapters/http/idempotency-key.ts): SQLite on a file in a temporary directory,
 * PostgreSQL in a database of its own on the run's embedded server. A key is new until bound;
 * bound, it is the same for its request and names that request to any other; it is bound once (a
 * later bind changes nothing); a second store on the same file or database (a restart, another
 * hub) sees the binding. Then, on PostgreSQL only, two hubs at once: two stores with pools of
 * their own on one database, binding the same keys to different requests together, leave one
 * binding per key, and both answer by it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import type { IdempotencyKeys } from '../../src/adapters/http/idempotency-key.ts';
import { PostgresIdempotencyKeys } from '../../src/adapters/idempotency/postgres-idempotency-keys.ts';
import { SqliteIdempotencyKeys } from '../../src/adapters/idempotency/sqlite-idempotency-keys.ts';
import { testDatabase } from '../support/test-database.ts';

type ClosableKeys = IdempotencyKeys & Readonly<{ close(): Promise<void> }>;
/** Where a store keeps its keys (a file, a database), and how to open one there. */
type Adapter = Readonly<{ place(): Promise<string>; open(place: string): ClosableKeys }>;

const directory = mkdtempSync(join(tmpdir(), 'idempotency-contract-'));
const opened: ClosableKeys[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((keys) => keys.close()));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const adapters: ReadonlyArray<readonly [string, Adapter]> = [
  ['SQLite', { place: async () => join(directory, `${randomUUID()}.sqlite`), open: (path) => SqliteIdempotencyKeys.open(path) }],
  ['PostgreSQL', { place: () => testDatabase('keys'), open: (url) => PostgresIdempotencyKeys.connect(url) }],
];

const CANCEL = 'POST /api/oms/orders/OMS1/cancel 0123456789abcdef0123456789abcdef';
const REROUTE = 'POST /api/oms/orders/OMS1/reroute fedcba9876543210fedcba9876543210';
const AT = '2025-11-22T02:00:00.000Z';

describe.each(adapters)('the %s idempotency keys', (_, adapter) => {
  const open = async (place?: string) => {
    const keys = adapter.open(place ?? (await adapter.place()));
    opened.push(keys);
    return keys;
  };

  test('a key is new until it is bound; then the same for its request, and names it to any other', async () => {
    const keys = await open();
    expect(await keys.use('K1', CANCEL)).toEqual({ kind: 'new' });
    await keys.bind('K1', CANCEL, AT);
    expect(await keys.use('K1', CANCEL)).toEqual({ kind: 'same' });
    expect(await keys.use('K1', REROUTE)).toEqual({ kind: 'other', request: CANCEL });
    expect(await keys.use('K2', CANCEL)).toEqual({ kind: 'new' });
  });

  test('a key is bound once: binding it again, to another request, changes nothing', async () => {
    const keys = await open();
    await keys.bind('K1', CANCEL, AT);
    await keys.bind('K1', REROUTE, '2025-11-22T03:00:00.000Z');
    expect(await keys.use('K1', CANCEL)).toEqual({ kind: 'same' });
    expect(await keys.use('K1', REROUTE)).toEqual({ kind: 'other', request: CANCEL });
  });

  test('a second store on the same place sees the binding, and keeps it', async () => {
    const place = await adapter.place();
    const first = await open(place);
    await first.bind('K1', CANCEL, AT);
    const second = await open(place);
    expect(await second.use('K1', REROUTE)).toEqual({ kind: 'other', request: CANCEL });
    await second.bind('K1', REROUTE, AT);
    expect(await first.use('K1', CANCEL)).toEqual({ kind: 'same' });
  });
});

describe('PostgreSQL: two hubs on one database at once', () => {
  test('the same keys bound by both together, to different requests, keep one binding each, which both answer by', async () => {
    const url = await testDatabase('keys');
    const hubs = [PostgresIdempotencyKeys.connect(url), PostgresIdempotencyKeys.connect(url)];
    opened.push(...hubs);
    const requests = [CANCEL, REROUTE];
    const keys = Array.from({ length: 20 }, (__, n) => `K${n}`);
    await Promise.all(keys.flatMap((key) => hubs.map((hub, n) => hub.bind(key, requests[n] ?? '', AT))));

    for (const key of keys) {
      const uses = await Promise.all(hubs.flatMap((hub) => requests.map((request) => hub.use(key, request))));
      const [cancelAtFirst, rerouteAtFirst, cancelAtSecond, rerouteAtSecond] = uses;
      expect([cancelAtSecond, rerouteAtSecond]).toEqual([cancelAtFirst, rerouteAtFirst]);
      const bound = cancelAtFirst?.kind === 'same' ? CANCEL : REROUTE;
      expect(uses.filter((use) => use.kind === 'same')).toHaveLength(2);
      expect(uses.filter((use) => use.kind === 'other')).toEqual([
        { kind: 'other', request: bound },
        { kind: 'other', request: bound },
      ]);
    }
  });
});
