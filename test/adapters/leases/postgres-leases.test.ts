/**
 * Leases in a real PostgreSQL (the run's embedded server, a database of this file's own). Each
 * holder is a `PostgresLeases` of its own, with its own pool, as separate hub processes would be.
 * Expiry is by the server's clock: the tests that wait for a lease to run out poll a condition
 * within a bound (vi.waitFor), never sleep a fixed time.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { DEFAULT_LEASE_TTL_MS, PostgresLeases } from '../../../src/adapters/leases/postgres-leases.ts';
import type { Lease } from '../../../src/application/ports/lease.ts';
import { testDatabase } from '../../support/test-database.ts';

const SHORT_TTL_MS = 200;
/** how long past its time to live a lease may take to be taken over here: polling, a loaded machine */
const TAKE_OVER_BOUND_MS = 5_000;

let databaseUrl: string;
const opened: PostgresLeases[] = [];

const leases = async (ttlMs?: number): Promise<PostgresLeases> => {
  const holder = await PostgresLeases.open(databaseUrl, ttlMs === undefined ? {} : { ttlMs });
  opened.push(holder);
  return holder;
};

const freshName = (): string => `reaction-${randomUUID().slice(0, 8)}`;

/** Polls `acquire` until it grants the lease (within the bound); returns it. */
const acquireWhenFree = (from: PostgresLeases, name: string, holder: string, boundMs: number): Promise<Lease> =>
  vi.waitFor(
    async () => {
      const lease = await from.acquire(name, holder);
      if (lease === null) throw new Error(`${name} is still held`);
      return lease;
    },
    { timeout: boundMs, interval: 10 },
  );

/** a connection of the test's own, to look at the table without changing it */
let probe: pg.Client;

beforeAll(async () => {
  databaseUrl = await testDatabase('leases');
  probe = new pg.Client({ connectionString: databaseUrl });
  await probe.connect();
});
afterAll(async () => {
  await probe.end();
  await Promise.all(opened.map((holder) => holder.close()));
});

describe('PostgresLeases', () => {
  test('two holders racing for one lease, each on its own pool: exactly one wins', async () => {
    const [a, b] = [await leases(), await leases()];
    for (let round = 0; round < 20; round++) {
      const name = freshName();
      const granted = await Promise.all([a.acquire(name, 'worker-a'), b.acquire(name, 'worker-b')]);
      const winners = granted.filter((lease) => lease !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]?.token).toBe(1n);
    }
  });

  test('a held lease is refused to another holder, and renewing keeps it', async () => {
    const [a, b] = [await leases(), await leases()];
    const name = freshName();
    const lease = await a.acquire(name, 'worker-a');
    expect(lease).not.toBeNull();
    expect(await b.acquire(name, 'worker-b')).toBeNull();
    expect(await a.renew(lease as Lease)).toBe('held');
    expect(await b.acquire(name, 'worker-b')).toBeNull();
  });

  test('a holder that keeps renewing every TTL/3 keeps its lease well past its TTL', async () => {
    const ttlMs = 1_000;
    const [a, b] = [await leases(ttlMs), await leases(ttlMs)];
    expect(a.renewEveryMs).toBe(333);
    const name = freshName();
    const lease = (await a.acquire(name, 'worker-a')) as Lease;
    const start = performance.now();
    // the holder's renewal loop, paced as a worker paces it; the other worker tries meanwhile
    while (performance.now() - start < 2 * ttlMs) {
      expect(await b.acquire(name, 'worker-b')).toBeNull();
      await sleep(a.renewEveryMs / 4); // pacing the holder's renewals (what is under test), not waiting for work
      expect(await a.renew(lease)).toBe('held');
    }
  });

  test('a holder that stops renewing is taken over after its TTL (server clock), under a higher token; its renew is then lost', async () => {
    const [a, b] = [await leases(SHORT_TTL_MS), await leases(SHORT_TTL_MS)];
    const name = freshName();
    const start = performance.now();
    const first = (await a.acquire(name, 'worker-a')) as Lease;
    expect(first).not.toBeNull();
    // worker-a stops renewing; worker-b polls acquire until the lease has run out
    const second = await acquireWhenFree(b, name, 'worker-b', SHORT_TTL_MS + TAKE_OVER_BOUND_MS);
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(SHORT_TTL_MS); // started before worker-a's lease was granted, by the server, until now() + TTL
    expect(elapsed).toBeLessThan(SHORT_TTL_MS + TAKE_OVER_BOUND_MS);
    expect(second).toEqual({ name, holder: 'worker-b', token: first.token + 1n });
    expect(await a.renew(first)).toBe('lost');
    expect(await b.renew(second)).toBe('held');
    expect(await a.acquire(name, 'worker-a')).toBeNull();
  });

  test('a lease that ran out cannot be renewed, even before anyone takes it over', async () => {
    const a = await leases(SHORT_TTL_MS);
    const name = freshName();
    const lease = (await a.acquire(name, 'worker-a')) as Lease;
    // a renewal would extend it: watch the row instead, by the server's clock
    await vi.waitFor(
      async () => {
        const row = await probe.query<{ expired: boolean }>('SELECT expires_at <= now() AS expired FROM leases WHERE name = $1', [name]);
        if (row.rows[0]?.expired !== true) throw new Error(`${name} has not run out yet`);
      },
      { timeout: SHORT_TTL_MS + TAKE_OVER_BOUND_MS, interval: 10 },
    );
    expect(await a.renew(lease)).toBe('lost');
    expect((await a.acquire(name, 'worker-a'))?.token).toBe(lease.token + 1n);
  });

  test('tokens only grow: every take-over and every re-acquire gets a higher one', async () => {
    const [a, b] = [await leases(), await leases()];
    const name = freshName();
    const tokens: bigint[] = [];
    let lease = (await a.acquire(name, 'worker-a')) as Lease;
    tokens.push(lease.token);
    for (let turn = 0; turn < 6; turn++) {
      await (turn % 2 === 0 ? a : b).release(lease);
      const next = turn % 2 === 0 ? await b.acquire(name, 'worker-b') : await a.acquire(name, 'worker-a');
      expect(next).not.toBeNull();
      lease = next as Lease;
      tokens.push(lease.token);
    }
    const again = (await a.acquire(name, 'worker-a')) as Lease; // worker-a holds it now: asking again gives a new token
    expect(await a.renew(lease)).toBe('lost');
    tokens.push(again.token);
    expect(tokens).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
  });

  test('release lets another holder acquire at once, without waiting for the TTL', async () => {
    const [a, b] = [await leases(DEFAULT_LEASE_TTL_MS), await leases(DEFAULT_LEASE_TTL_MS)];
    const name = freshName();
    const lease = (await a.acquire(name, 'worker-a')) as Lease;
    expect(await b.acquire(name, 'worker-b')).toBeNull();
    await a.release(lease);
    expect(await a.renew(lease)).toBe('lost');
    const taken = await b.acquire(name, 'worker-b');
    expect(taken).toEqual({ name, holder: 'worker-b', token: lease.token + 1n });
  });

  test("releasing a lease already lost does not release its new holder's", async () => {
    const [a, b] = [await leases(), await leases()];
    const name = freshName();
    const old = (await a.acquire(name, 'worker-a')) as Lease;
    await a.release(old);
    const current = (await b.acquire(name, 'worker-b')) as Lease;
    await a.release(old);
    expect(await b.renew(current)).toBe('held');
    expect(await a.acquire(name, 'worker-a')).toBeNull();
  });

  test('leases on different names are independent', async () => {
    const [a, b] = [await leases(), await leases()];
    const [one, two] = [freshName(), freshName()];
    expect(await a.acquire(one, 'worker-a')).not.toBeNull();
    expect(await b.acquire(two, 'worker-b')).not.toBeNull();
  });

  test('the time to live is a whole, positive number of milliseconds; renewals come every third of it', async () => {
    for (const ttlMs of [0, -1, 1.5, Number.NaN, 2 ** 31])
      await expect(PostgresLeases.open(databaseUrl, { ttlMs })).rejects.toThrow(RangeError);
    const byDefault = await leases();
    expect(byDefault.ttlMs).toBe(15_000);
    expect(byDefault.renewEveryMs).toBe(5_000);
  });
});

describe('PostgresLeases members', () => {
  const holdersAlive = async (): Promise<string[]> =>
    (await probe.query<{ holder: string }>('SELECT holder FROM lease_members ORDER BY holder')).rows.map((row) => row.holder);

  test('a heartbeat counts the holders alive, itself once; one that leaves is counted out at once, one that stops beating once it has run out (server clock), and its row goes', async () => {
    const [short, long] = [await leases(SHORT_TTL_MS), await leases()];
    const [a, b, c] = [`a-${randomUUID()}`, `b-${randomUUID()}`, `c-${randomUUID()}`];
    expect(await long.heartbeat(b)).toBe(1);
    expect(await long.heartbeat(c)).toBe(2);
    expect(await long.heartbeat(b)).toBe(2);
    await long.leave(c);
    expect(await long.heartbeat(b)).toBe(1);
    const start = performance.now();
    expect(await short.heartbeat(a)).toBe(2);
    expect(await long.heartbeat(b)).toBe(2);
    // a beats no more: b counts it out once a's row has run out by the server's clock (watched without a heartbeat)
    await vi.waitFor(
      async () => {
        const row = await probe.query<{ expired: boolean }>('SELECT expires_at <= now() AS expired FROM lease_members WHERE holder = $1', [
          a,
        ]);
        if (row.rows[0]?.expired !== true) throw new Error(`${a} has not run out yet`);
      },
      { timeout: SHORT_TTL_MS + TAKE_OVER_BOUND_MS, interval: 10 },
    );
    expect(performance.now() - start).toBeGreaterThanOrEqual(SHORT_TTL_MS);
    expect(await long.heartbeat(b)).toBe(1);
    expect(await holdersAlive()).toEqual([b]); // the heartbeat that counted a out deleted its row
    expect(await short.heartbeat(a)).toBe(2); // a that wakes is counted in again
    await Promise.all([short.leave(a), long.leave(b)]);
    expect(await holdersAlive()).toEqual([]);
  });

  test('heartbeats racing, on their own pools, while rows that ran out are deleted: none fails or waits for another', async () => {
    const [one, two] = [await leases(), await leases()];
    const holders = Array.from({ length: 8 }, (_, i) => `racer-${i}`);
    for (const holder of holders) await one.heartbeat(holder);
    await probe.query(
      "INSERT INTO lease_members (holder, expires_at) SELECT 'gone-' || i, now() - interval '1 second' FROM generate_series(1, 50) AS i",
    );
    for (let round = 0; round < 5; round++) {
      const counts = await Promise.all(holders.map((holder, i) => (i % 2 === 0 ? one : two).heartbeat(holder)));
      expect(counts).toEqual(Array(8).fill(8));
    }
    expect(await holdersAlive()).toEqual([...holders].sort());
    await Promise.all(holders.map((holder) => one.leave(holder)));
  });
});
