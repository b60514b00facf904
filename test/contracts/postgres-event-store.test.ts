/**
 * The PostgreSQL adapter against a real PostgreSQL: the run's embedded server
 * (test/support/postgres-global-setup.ts) or TEST_DATABASE_URL's, in a database of this file's own.
 * The contract twice: on a fresh database, and on a second store over the same database (what a
 * second hub sees: the schema already there). Then what only this adapter has: positions that
 * commit out of order (test/contracts/postgres-commit-order.test.ts has the interleavings).
 */
import pg from 'pg';
import { describe, expect, test } from 'vitest';
import { PostgresEventStore, PostgresEventStoreUnavailable } from '../../src/adapters/event-store/postgres/postgres-event-store.ts';
import { testDatabase } from '../support/test-database.ts';
import { eventStoreContract } from './event-store-contract.ts';

const databaseUrl = testDatabase('contract');

const onDatabase = async () => {
  const store = PostgresEventStore.connect(await databaseUrl);
  await store.opened();
  return { store, close: () => store.close() };
};

eventStoreContract('PostgreSQL, a fresh database', onDatabase);
eventStoreContract('PostgreSQL, a second store on the same database', onDatabase);

describe('the PostgreSQL table itself', () => {
  test('unique (stream, revision) and unique event id; positions (transaction id, identity); a NOTIFY trigger', async () => {
    const store = PostgresEventStore.connect(await databaseUrl);
    await store.opened();
    const client = new pg.Client({ connectionString: await databaseUrl });
    await client.connect();
    try {
      const constraints = await client.query<{ name: string; definition: string }>(
        `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = 'events'::regclass AND contype = 'u' ORDER BY conname`,
      );
      expect(constraints.rows).toEqual([
        { name: 'events_id_unique', definition: 'UNIQUE (id)' },
        { name: 'events_stream_revision_unique', definition: 'UNIQUE (stream, revision)' },
      ]);
      const triggers = await client.query<{ name: string }>(`SELECT tgname AS name FROM pg_trigger WHERE tgrelid = 'events'::regclass`);
      expect(triggers.rows.map((row) => row.name)).toEqual(['events_appended']);
    } finally {
      await client.end();
      await store.close();
    }
  });

  test('a database that cannot be used fails every call, saying which (without the password) and why; the store still closes', async () => {
    const url = new URL(await databaseUrl);
    url.pathname = '/no_such_database';
    const store = PostgresEventStore.connect(url.toString());
    await expect(store.opened()).rejects.toThrow(PostgresEventStoreUnavailable);
    const failure = await store.readAll().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(PostgresEventStoreUnavailable);
    expect(String(failure)).toMatch(/the PostgreSQL event store at postgres:\/\/.*\/no_such_database cannot be used: .*no_such_database/);
    if (url.password !== '') expect(String(failure)).not.toContain(`:${url.password}@`);
    await expect(store.append('order-1', [], 'any')).rejects.toThrow(RangeError);
    await store.close();
  });
});
