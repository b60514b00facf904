/**
 * Group commit on the PostgreSQL store (src/adapters/event-store/postgres/postgres-group-commit.ts):
 * appends asked for at the same moment are written in one transaction (counted by the store, and
 * seen in the table: their rows share one transaction id), each judged on its own, so that a
 * refused one (a conflict, an event id taken, a row the database will not take) is refused alone
 * and the others stand; two appends to one stream chain in arrival order; positions follow the
 * order of arrival and of commit.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate as aTurn } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { MAX_GROUP } from '../../../src/adapters/event-store/postgres/postgres-group-commit.ts';
import { PostgresEventStore } from '../../../src/adapters/event-store/postgres/postgres-event-store.ts';
import { type AppendResult, comparePositions } from '../../../src/application/ports/event-store.ts';
import { StreamConflict } from '../../../src/application/ports/stream-conflict.ts';
import { numbered } from '../../support/payload.ts';
import { testDatabase } from '../../support/test-database.ts';

let databaseUrl: string;
let store: PostgresEventStore;
let client: pg.Client;

beforeAll(async () => {
  databaseUrl = await testDatabase('group');
  store = PostgresEventStore.connect(databaseUrl);
  await store.opened();
  client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await store?.close();
});

const freshCategory = (): string => `group${randomUUID().replaceAll('-', '').slice(0, 12)}`;

/** How many transactions wrote the events of `category` (their distinct transaction ids). */
const transactionsOf = async (category: string): Promise<number> =>
  (await client.query<{ n: number }>('SELECT count(DISTINCT transaction_id)::int AS n FROM events WHERE category = $1', [category])).rows[0]
    ?.n ?? 0;

/** Lets the group of the appends asked for so far begin: an append waits for the store to be ready (a microtask), its group a turn more. */
const groupBegun = async (): Promise<void> => {
  await aTurn();
  await aTurn();
};

const rejection = (outcome: PromiseSettledResult<AppendResult> | undefined): unknown => (outcome as PromiseRejectedResult).reason;

test('20 appends to different streams asked for at once are one transaction; so are the appends that wait for it', async () => {
  const category = freshCategory();
  const before = store.committed;
  const results = await Promise.all(Array.from({ length: 20 }, (_, n) => store.append(`${category}-A${n}`, [numbered(n)], 'no_stream')));
  expect(store.committed - before).toBe(1);
  expect(await transactionsOf(category)).toBe(1);
  expect(results.map((result) => result.nextExpectedRevision)).toEqual(Array.from({ length: 20 }, () => 0n));

  // 30 more while a group is being committed: they wait for it, then go together
  const first = store.append(`${category}-B`, [numbered(20)], 'no_stream');
  await groupBegun(); // the others wait for it
  const waiting = Array.from({ length: 30 }, (_, n) => store.append(`${category}-C${n}`, [numbered(n + 21)], 'no_stream'));
  await Promise.all([first, ...waiting]);
  expect(store.committed - before).toBe(3);
  expect(await transactionsOf(category)).toBe(3);
  expect(await store.readAll({ category })).toHaveLength(51);
});

test(`a group takes at most ${MAX_GROUP} appends`, async () => {
  const category = freshCategory();
  const before = store.committed;
  await Promise.all(Array.from({ length: 2 * MAX_GROUP + 1 }, (_, n) => store.append(`${category}-${n}`, [numbered(n)], 'any')));
  expect(store.committed - before).toBe(3);
  expect(await transactionsOf(category)).toBe(3);
});

test('one refused append of a group is refused alone, with its own error: a conflict, a taken id; the neighbours commit', async () => {
  const category = freshCategory();
  const taken = numbered(100);
  await store.append(`${category}-TAKEN`, [taken], 'no_stream');
  const [a, c] = [numbered(1), numbered(4)];
  const before = store.committed;
  const outcomes = await Promise.allSettled([
    store.append(`${category}-A`, [a], 'no_stream'),
    // the second of two 'no_stream' appends to one stream conflicts with the first, in the same transaction
    store.append(`${category}-A`, [numbered(2)], 'no_stream'),
    // an event id another stream holds
    store.append(`${category}-B`, [numbered(3), taken], 'no_stream'),
    store.append(`${category}-C`, [c], 3n),
    store.append(`${category}-D`, [numbered(5)], 'no_stream'),
  ]);
  expect(store.committed - before).toBe(1);
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled']);
  const conflict = rejection(outcomes[1]);
  expect(conflict).toBeInstanceOf(StreamConflict);
  expect(conflict).toMatchObject({ stream: `${category}-A`, expected: 'no_stream', actual: 0n });
  expect(String(rejection(outcomes[2]))).toContain(`event id ${taken.id} is already stored in stream ${category}-TAKEN`);
  expect(rejection(outcomes[3])).toMatchObject({ stream: `${category}-C`, expected: 3n, actual: 'no_stream' });
  expect((await store.readStream(`${category}-A`)).map((event) => event.id)).toEqual([a.id]);
  expect(await store.readStream(`${category}-B`)).toEqual([]); // not even its first event
  expect(await store.readStream(`${category}-C`)).toEqual([]);
  expect(await store.readStream(`${category}-D`)).toHaveLength(1);
});

test('appends to one stream in one group, their expected revisions chained, all stand, in arrival order', async () => {
  const stream = `${freshCategory()}-S`;
  const [first, second, third] = [numbered(0), numbered(1), numbered(2)];
  const before = store.committed;
  const results = await Promise.all([
    store.append(stream, [first], 'no_stream'),
    store.append(stream, [second], 0n),
    store.append(stream, [third], 'stream_exists'),
  ]);
  expect(store.committed - before).toBe(1);
  expect(results.map((result) => result.nextExpectedRevision)).toEqual([0n, 1n, 2n]);
  const read = await store.readStream(stream);
  expect(read.map((event) => event.id)).toEqual([first.id, second.id, third.id]);
  expect(read.map((event) => event.position)).toEqual(results.map((result) => result.position));
});

test('a re-append in the same group as the first append is a replay: the same result, nothing written twice', async () => {
  const stream = `${freshCategory()}-R`;
  const events = [numbered(0), numbered(1)];
  const [first, again] = await Promise.all([store.append(stream, events, 'no_stream'), store.append(stream, events, 'no_stream')]);
  expect(again).toEqual(first);
  expect(await store.readStream(stream)).toHaveLength(2);
});

test('positions strictly increase in arrival and commit order, within a group and from one group to the next', async () => {
  const category = freshCategory();
  const wave = (from: number) =>
    Array.from({ length: 10 }, (_, n) => store.append(`${category}-${(from + n) % 3}`, [numbered(from + n)], 'any'));
  const firstWave = wave(0);
  await groupBegun(); // the second wave waits for it
  const results = await Promise.all([...firstWave, ...wave(10)]);
  expect(await transactionsOf(category)).toBe(2);
  results.slice(1).forEach((result, index) => expect(comparePositions(result.position, (results[index] as AppendResult).position)).toBe(1));
  const all = await store.readAll({ category });
  expect(all.map((event) => event.position)).toEqual(results.map((result) => result.position));
});

test('a row the database will not take fails its own append only: the group is tried again one append at a time', async () => {
  const category = freshCategory();
  const outcomes = await Promise.allSettled([
    store.append(`${category}-A`, [numbered(1)], 'no_stream'),
    store.append(`${category}-\u0000`, [numbered(2)], 'no_stream'), // text cannot hold NUL
    store.append(`${category}-C`, [numbered(3)], 'no_stream'),
  ]);
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect(String(rejection(outcomes[1]))).toMatch(/0x00/);
  expect(await store.readAll({ category })).toHaveLength(2);
});

test('an event id another writer stores while the group waits to insert it: that append is refused, the others commit', async () => {
  const category = freshCategory();
  const raced = numbered(1);
  const other = new pg.Client({ connectionString: databaseUrl });
  await other.connect();
  try {
    await other.query('BEGIN');
    await other.query(
      `INSERT INTO events (stream, category, revision, id, type, data, metadata) VALUES ($1, $2, 0, $3, 'Numbered', '{}', '{}')`,
      [`${category}-OTHER`, category, raced.id],
    );
    const outcomes = Promise.allSettled([
      store.append(`${category}-A`, [numbered(0)], 'no_stream'),
      store.append(`${category}-B`, [raced], 'no_stream'),
    ]);
    // the group's insert waits on the other writer's uncommitted row of the same id
    await vi.waitFor(
      async () => {
        const waiting = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO events%'`,
        );
        expect(waiting.rows[0]?.n).toBe(1);
      },
      { timeout: 10_000, interval: 5 },
    );
    await other.query('COMMIT');
    const settled = await outcomes;
    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected']);
    expect(String(rejection(settled[1]))).toContain(`is already stored in stream ${category}-OTHER`);
    expect(await store.readStream(`${category}-A`)).toHaveLength(1);
  } finally {
    await other.end();
  }
});
