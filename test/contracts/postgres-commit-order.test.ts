/**
 * The commit-order gap of the PostgreSQL store (src/adapters/event-store/postgres): positions are
 * taken at insert and transactions commit in any order. Two raw connections hold transactions
 * open so that the one with the lower position commits last; readers and subscribers must still
 * deliver both, in order, none skipped. Each reader runs in its own store, named by its
 * `application_name`, so that the test can see (pg_stat_activity) that it is waiting on the
 * horizon while the earlier transaction is still open: no sleeping.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { PostgresEventStore } from '../../src/adapters/event-store/postgres/postgres-event-store.ts';
import { type StoredEvent, comparePositions } from '../../src/application/ports/event-store.ts';
import { testDatabase } from '../support/test-database.ts';

let databaseUrl: string;
const stores: PostgresEventStore[] = [];
const clients: pg.Client[] = [];

beforeAll(async () => {
  databaseUrl = await testDatabase('order');
  const schema = PostgresEventStore.connect(databaseUrl);
  stores.push(schema);
  await schema.opened();
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  await Promise.all(stores.map((store) => store.close()));
});

/** A store whose connections say `name` in pg_stat_activity; its safety-net poll is out of reach, so that no test passes thanks to it. */
const storeNamed = async (name: string): Promise<PostgresEventStore> => {
  const url = new URL(databaseUrl);
  url.searchParams.set('application_name', name);
  const store = PostgresEventStore.connect(url.toString(), { safetyPollMs: 3_600_000 });
  stores.push(store);
  await store.opened();
  return store;
};

const rawClient = async (): Promise<pg.Client> => {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  clients.push(client);
  return client;
};

const freshCategory = (): string => `gap${randomUUID().replaceAll('-', '').slice(0, 12)}`;

/** Inserts one event as another writer would, inside the client's open transaction; returns its id and identity position. */
const insertRaw = async (client: pg.Client, stream: string): Promise<Readonly<{ id: string; identity: bigint }>> => {
  const id = randomUUID();
  const metadata = { correlationId: id, causationId: id, recordedAt: '2025-11-22T02:00:00.000Z' };
  const result = await client.query<{ position: string }>(
    `INSERT INTO events (stream, category, revision, id, type, data, metadata) VALUES ($1, $2, 0, $3, 'OrderPlaced', $4, $5) RETURNING position::text`,
    [stream, stream.split('-')[0], id, JSON.stringify({ orderNo: stream }), JSON.stringify(metadata)],
  );
  return { id, identity: BigInt(result.rows[0]?.position ?? '0') };
};

/** Whether a connection of the store named `name` has asked for the horizon (it found rows held back and waits). */
const waitingOnHorizon = async (watcher: pg.Client, name: string): Promise<boolean> => {
  const result = await watcher.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND query LIKE '%AS passed'`,
    [name],
  );
  return (result.rows[0]?.n ?? 0) > 0;
};

const settledFlag = <T>(promise: Promise<T>): { settled: boolean } => {
  const flag = { settled: false };
  void promise.finally(() => {
    flag.settled = true;
  });
  return flag;
};

const ids = (events: readonly StoredEvent[]): string[] => events.map((event) => event.id);

describe('positions that commit out of order', () => {
  test('the lower position commits last: a reader waits for it, a subscriber delivers both in order, none skipped', async () => {
    const category = freshCategory();
    const subscriberStore = await storeNamed(`subscriber-${category}`);
    const readerStore = await storeNamed(`reader-${category}`);
    const [first, second, watcher] = [await rawClient(), await rawClient(), await rawClient()];
    const seen: StoredEvent[] = [];
    const subscription = subscriberStore.subscribe({ category, onEvent: (event) => void seen.push(event) });
    await subscription.caughtUp;

    await first.query('BEGIN');
    const early = await insertRaw(first, `${category}-A`); // the lower position, still uncommitted
    await second.query('BEGIN');
    const late = await insertRaw(second, `${category}-B`);
    await second.query('COMMIT'); // the higher position is visible first
    expect(late.identity).toBeGreaterThan(early.identity);

    const read = readerStore.readAll({ category, maxCount: 1 }); // a page of one: B alone would be a full page
    const reading = settledFlag(read);
    await vi.waitFor(async () => expect(await waitingOnHorizon(watcher, `reader-${category}`)).toBe(true), {
      timeout: 10_000,
      interval: 5,
    });
    await vi.waitFor(async () => expect(await waitingOnHorizon(watcher, `subscriber-${category}`)).toBe(true), {
      timeout: 10_000,
      interval: 5,
    });
    expect(reading.settled).toBe(false); // B is committed, but held back while A may still come before it
    expect(seen).toEqual([]);

    await first.query('COMMIT');
    expect(ids(await read)).toEqual([early.id]);
    expect(ids(await readerStore.readAll({ category }))).toEqual([early.id, late.id]);
    await vi.waitFor(() => expect(seen).toHaveLength(2), { timeout: 10_000, interval: 5 });
    await subscription.stop();
    expect(ids(seen)).toEqual([early.id, late.id]);
    expect(comparePositions((seen[0] as StoredEvent).position, (seen[1] as StoredEvent).position)).toBe(-1);
    expect(await readerStore.readAll({ category, after: (seen[0] as StoredEvent).position })).toEqual([seen[1]]);
  });

  test('the store order is the order of transaction ids: a transaction that took its id first comes first, whatever its identity', async () => {
    const category = freshCategory();
    const store = await storeNamed(`reader-${category}`);
    const [first, second] = [await rawClient(), await rawClient()];
    await first.query('BEGIN');
    await first.query('SELECT pg_current_xact_id()'); // first takes its transaction id now…
    await second.query('BEGIN');
    const other = await insertRaw(second, `${category}-B`); // …second its id and the lower identity
    const own = await insertRaw(first, `${category}-A`);
    expect(own.identity).toBeGreaterThan(other.identity);
    await second.query('COMMIT');
    const read = store.readAll({ category });
    await first.query('COMMIT');
    const events = await read;
    expect(ids(events)).toEqual([own.id, other.id]);
    expect(comparePositions((events[0] as StoredEvent).position, (events[1] as StoredEvent).position)).toBe(-1);
  });

  test('a transaction that rolls back holds nothing back for ever: the subscriber delivers what committed after it', async () => {
    const category = freshCategory();
    const store = await storeNamed(`subscriber-${category}`);
    const [first, second, watcher] = [await rawClient(), await rawClient(), await rawClient()];
    const seen: StoredEvent[] = [];
    const subscription = store.subscribe({ category, onEvent: (event) => void seen.push(event) });
    await subscription.caughtUp;
    await first.query('BEGIN');
    await insertRaw(first, `${category}-A`);
    await second.query('BEGIN');
    const late = await insertRaw(second, `${category}-B`);
    await second.query('COMMIT');
    await vi.waitFor(async () => expect(await waitingOnHorizon(watcher, `subscriber-${category}`)).toBe(true), {
      timeout: 10_000,
      interval: 5,
    });
    expect(seen).toEqual([]);
    await first.query('ROLLBACK'); // no NOTIFY comes of it
    await vi.waitFor(() => expect(ids(seen)).toEqual([late.id]), { timeout: 10_000, interval: 5 });
    await subscription.stop();
  });

  test('appends through the store in parallel: every reader and subscriber gets them all, in one order, none twice', async () => {
    const category = freshCategory();
    const writers = await Promise.all([1, 2, 3, 4].map((n) => storeNamed(`writer${n}-${category}`)));
    const reader = await storeNamed(`reader-${category}`);
    const seen: StoredEvent[] = [];
    const subscription = reader.subscribe({ category, onEvent: (event) => void seen.push(event) });
    await subscription.caughtUp;
    const metadata = { correlationId: 'c', causationId: 'c', recordedAt: '2025-11-22T02:00:00.000Z' };
    await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        (writers[n % writers.length] as PostgresEventStore).append(
          `${category}-P${n}`,
          [{ id: randomUUID(), type: 'OrderPlaced', data: { n }, metadata }],
          'no_stream',
        ),
      ),
    );
    const all = await reader.readAll({ category });
    expect(all).toHaveLength(200);
    await vi.waitFor(() => expect(seen).toHaveLength(200), { timeout: 10_000, interval: 5 });
    await subscription.stop();
    expect(ids(seen)).toEqual(ids(all));
    all.slice(1).forEach((event, index) => expect(comparePositions(event.position, (all[index] as StoredEvent).position)).toBe(1));
  });
});

describe('reads of one stream', () => {
  test('revisions in numeric order past ten, both ways', async () => {
    const store = await storeNamed('streams');
    const stream = `${freshCategory()}-S1`;
    const metadata = { correlationId: 'c', causationId: 'c', recordedAt: '2025-11-22T02:00:00.000Z' };
    await store.append(
      stream,
      Array.from({ length: 12 }, (_, n) => ({ id: randomUUID(), type: 'OrderPlaced', data: { n }, metadata })),
      'no_stream',
    );
    const forwards = (await store.readStream(stream)).map((event) => event.revision);
    expect(forwards).toEqual(Array.from({ length: 12 }, (_, n) => BigInt(n)));
    expect((await store.readStream(stream, { direction: 'backwards' })).map((event) => event.revision)).toEqual([...forwards].reverse());
  });
});

describe('the listening connection', () => {
  test('when it is cut, it is opened again and the subscriber hears what was appended meanwhile', async () => {
    const category = freshCategory();
    const name = `listener-${category}`;
    const store = await storeNamed(name);
    const [writer, watcher] = [await rawClient(), await rawClient()];
    const seen: StoredEvent[] = [];
    const subscription = store.subscribe({ category, onEvent: (event) => void seen.push(event) });
    await subscription.caughtUp;
    const listening = async (): Promise<number[]> =>
      (
        await watcher.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND query LIKE 'LISTEN %'`,
          [name],
        )
      ).rows.map((row) => row.pid);
    const [cut] = await listening();
    await watcher.query('SELECT pg_terminate_backend($1)', [cut]);
    const first = await insertRaw(writer, `${category}-A`); // committed at once, maybe while nobody listens
    await vi.waitFor(() => expect(ids(seen)).toEqual([first.id]), { timeout: 10_000, interval: 5 });
    await vi.waitFor(async () => expect((await listening()).filter((pid) => pid !== cut)).toHaveLength(1), {
      timeout: 10_000,
      interval: 5,
    });
    const second = await insertRaw(writer, `${category}-B`);
    await vi.waitFor(() => expect(ids(seen)).toEqual([first.id, second.id]), { timeout: 10_000, interval: 5 });
    await subscription.stop();
  });
});
