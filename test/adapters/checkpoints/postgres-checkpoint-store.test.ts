/**
 * The PostgreSQL checkpoint store (fenced by the PostgreSQL leases) in a real PostgreSQL: the run's
 * embedded server, a database of this file's own. Each worker has its own leases and its own
 * checkpoint store, so its own pools, as separate hub processes would. A lease that must run out
 * either runs out by the server's clock (a short TTL, waited for by polling a condition within a
 * bound) or, in the properties, is made to run out by moving its expiry into the past, which is
 * what a holder paused past its lease looks like to everyone else.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { PostgresCheckpointStore } from '../../../src/adapters/checkpoints/postgres-checkpoint-store.ts';
import { PostgresLeases } from '../../../src/adapters/leases/postgres-leases.ts';
import type { CheckpointStore } from '../../../src/application/ports/checkpoint-store.ts';
import type { Position } from '../../../src/application/ports/event-store.ts';
import { type Lease, LeaseLost } from '../../../src/application/ports/lease.ts';
import { testDatabase } from '../../support/test-database.ts';

const SHORT_TTL_MS = 200;
const LONG_TTL_MS = 600_000;
const TAKE_OVER_BOUND_MS = 5_000;

type Worker = Readonly<{ leases: PostgresLeases; checkpoints: PostgresCheckpointStore }>;

let databaseUrl: string;
let probe: pg.Client;
const toClose: Array<{ close(): Promise<void> }> = [];

const worker = async (ttlMs = LONG_TTL_MS): Promise<Worker> => {
  const leases = await PostgresLeases.open(databaseUrl, { ttlMs });
  const checkpoints = await PostgresCheckpointStore.open(databaseUrl);
  toClose.push(leases, checkpoints);
  return { leases, checkpoints };
};

const fresh = (what: string): string => `${what}-${randomUUID().slice(0, 8)}`;
const at = (commit: bigint, prepare = commit): Position => ({ commit, prepare });

/** What a holder paused past its lease looks like to the others: its lease has run out, by the server's clock. */
const runOut = async (name: string): Promise<void> => {
  await probe.query(`UPDATE leases SET expires_at = now() - interval '1 millisecond' WHERE name = $1`, [name]);
};

/** The token the stored checkpoint was saved under. */
const savedUnder = async (subscriber: string): Promise<bigint | undefined> => {
  const row = await probe.query<{ token: string }>('SELECT lease_token::text AS token FROM checkpoints WHERE subscriber = $1', [
    subscriber,
  ]);
  return row.rows[0] === undefined ? undefined : BigInt(row.rows[0].token);
};

beforeAll(async () => {
  databaseUrl = await testDatabase('checkpoints');
  probe = new pg.Client({ connectionString: databaseUrl });
  await probe.connect();
});
afterAll(async () => {
  await probe.end();
  await Promise.all(toClose.map((each) => each.close()));
});

/** A worker holding a fresh lease, and its fenced port. */
const holding = async (): Promise<Readonly<{ lease: Lease; store: CheckpointStore; worker: Worker }>> => {
  const w = await worker();
  const lease = await w.leases.acquire(fresh('reaction'), 'worker-a');
  if (lease === null) throw new Error('a fresh lease was refused');
  return { lease, store: w.checkpoints.fencedBy(lease), worker: w };
};

describe('PostgresCheckpointStore: what every CheckpointStore does (as the SQLite one)', () => {
  test('a subscriber that never saved loads undefined', async () => {
    const { store } = await holding();
    expect(await store.load(fresh('never-saved'))).toBeUndefined();
  });

  test('loads what was saved, exactly, positions beyond 2^53 and 2^63 included', async () => {
    const { store, lease } = await holding();
    for (const position of [at(0n), at(7n, 3n), at(2n ** 53n + 1n, 2n ** 63n + 5n), at(2n ** 64n - 1n)]) {
      await store.save(lease.name, position);
      expect(await store.load(lease.name)).toEqual(position);
    }
  });

  test('the last save wins, and subscribers keep checkpoints of their own', async () => {
    const { store } = await holding();
    const [one, two] = [fresh('one'), fresh('two')];
    await store.save(one, at(10n));
    await store.save(two, at(3n));
    await store.save(one, at(12n));
    expect(await store.load(one)).toEqual(at(12n));
    expect(await store.load(two)).toEqual(at(3n));
  });

  test('a store opened afterwards (another process, a restart) reads what was saved', async () => {
    const { store, lease } = await holding();
    await store.save(lease.name, at(42n, 41n));
    const restarted = await PostgresCheckpointStore.open(databaseUrl);
    toClose.push(restarted);
    expect(await restarted.load(lease.name)).toEqual(at(42n, 41n));
  });
});

describe('PostgresCheckpointStore: saves fenced by the lease', () => {
  test('a worker paused past its lease: taken over after the TTL; its renew is lost, its save is refused and leaves the new holder’s checkpoint', async () => {
    const [a, b] = [await worker(SHORT_TTL_MS), await worker(SHORT_TTL_MS)];
    const reaction = fresh('reaction');
    const start = performance.now();
    const old = (await a.leases.acquire(reaction, 'worker-a')) as Lease;
    await a.checkpoints.fencedBy(old).save(reaction, at(5n));
    // worker-a pauses: no renewal. worker-b polls acquire until the lease has run out by the server's clock
    const taken = await vi.waitFor(
      async () => {
        const lease = await b.leases.acquire(reaction, 'worker-b');
        if (lease === null) throw new Error('still held');
        return lease;
      },
      { timeout: SHORT_TTL_MS + TAKE_OVER_BOUND_MS, interval: 10 },
    );
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(SHORT_TTL_MS);
    expect(elapsed).toBeLessThan(SHORT_TTL_MS + TAKE_OVER_BOUND_MS);
    expect(taken.token).toBeGreaterThan(old.token);
    expect(await b.checkpoints.load(reaction)).toEqual(at(5n)); // the new holder resumes where the old one got to
    await b.checkpoints.fencedBy(taken).save(reaction, at(9n));

    // worker-a wakes up
    expect(await a.leases.renew(old)).toBe('lost');
    const refused = a.checkpoints.fencedBy(old).save(reaction, at(7n));
    await expect(refused).rejects.toBeInstanceOf(LeaseLost);
    await expect(refused).rejects.toMatchObject({ name: 'LeaseLost', lease: old });
    expect(await a.checkpoints.load(reaction)).toEqual(at(9n));
    expect(await savedUnder(reaction)).toBe(taken.token);
  });

  test('a lease that ran out is refused even before anyone takes it over', async () => {
    const { store, lease } = await holding();
    await store.save(lease.name, at(1n));
    await runOut(lease.name);
    await expect(store.save(lease.name, at(2n))).rejects.toBeInstanceOf(LeaseLost);
    expect(await store.load(lease.name)).toEqual(at(1n));
  });

  test('a released lease, a superseded one, a never-granted token or another holder’s name: refused, nothing written', async () => {
    const { store, lease, worker: w } = await holding();
    await store.save(lease.name, at(1n));
    const forged = [
      { ...lease, token: lease.token + 1n },
      { ...lease, holder: 'worker-z' },
      { ...lease, name: fresh('no-such-lease') },
    ];
    for (const other of forged) await expect(w.checkpoints.saveUnder(other, lease.name, at(99n))).rejects.toBeInstanceOf(LeaseLost);
    const again = (await w.leases.acquire(lease.name, lease.holder)) as Lease; // the same worker asks again: the earlier lease is superseded
    await expect(store.save(lease.name, at(2n))).rejects.toBeInstanceOf(LeaseLost);
    await w.leases.release(again);
    await expect(w.checkpoints.fencedBy(again).save(lease.name, at(3n))).rejects.toBeInstanceOf(LeaseLost);
    expect(await store.load(lease.name)).toEqual(at(1n));
    expect(await savedUnder(lease.name)).toBe(lease.token);
  });

  test('a save that meets a take-over still in its transaction waits for it, then is refused', async () => {
    const a = await worker();
    const url = new URL(databaseUrl);
    const application = fresh('paused-saver');
    url.searchParams.set('application_name', application);
    const saver = await PostgresCheckpointStore.open(url.toString());
    toClose.push(saver);
    const reaction = fresh('reaction');
    const old = (await a.leases.acquire(reaction, 'worker-a')) as Lease;
    await saver.saveUnder(old, reaction, at(1n));
    const takeOver = new pg.Client({ connectionString: databaseUrl });
    await takeOver.connect();
    try {
      // another worker takes the lease over (as acquire does once it has run out), its transaction not yet committed
      await takeOver.query('BEGIN');
      await takeOver.query(
        `UPDATE leases SET holder = 'worker-b', token = token + 1, expires_at = now() + interval '10 minutes' WHERE name = $1`,
        [reaction],
      );
      const late = saver.saveUnder(old, reaction, at(2n)).then(
        () => 'saved',
        (error: unknown) => error,
      );
      // the save is under way: it waits on the lease row's lock (it read the row as it was, still worker-a's)
      await vi.waitFor(
        async () => {
          const waiting = await probe.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [
            application,
          ]);
          if (waiting.rowCount !== 1) throw new Error('the save is not waiting yet');
        },
        { timeout: TAKE_OVER_BOUND_MS, interval: 5 },
      );
      await takeOver.query('COMMIT');
      expect(await late).toBeInstanceOf(LeaseLost);
    } finally {
      await takeOver.end();
    }
    expect(await saver.load(reaction)).toEqual(at(1n));
  });

  test('a save racing a take-over: whichever comes first, the new holder’s checkpoint is the one that stays', async () => {
    const [a, b] = [await worker(), await worker()];
    for (let round = 0; round < 30; round++) {
      const reaction = fresh('race');
      const old = (await a.leases.acquire(reaction, 'worker-a')) as Lease;
      const [late] = await Promise.allSettled([
        a.checkpoints.saveUnder(old, reaction, at(1n)),
        (async () => {
          await runOut(reaction);
          const taken = (await b.leases.acquire(reaction, 'worker-b')) as Lease;
          await b.checkpoints.saveUnder(taken, reaction, at(2n));
        })(),
      ]);
      if (late.status === 'rejected') expect(late.reason).toBeInstanceOf(LeaseLost);
      expect(await a.checkpoints.load(reaction)).toEqual(at(2n));
    }
  });
});

describe('PostgresCheckpointStore: properties over interleavings of 2–3 workers', () => {
  type Op =
    /** `which`: of the leases the worker was granted, which one it uses (an older one: it missed that it lost it) */
    | Readonly<{ kind: 'acquire' | 'renew' | 'save' | 'release'; worker: number; which: number }>
    | Readonly<{ kind: 'expire' }>; /* the current holder pauses past its lease */
  const op: fc.Arbitrary<Op> = fc.oneof(
    {
      arbitrary: fc.record({ kind: fc.constantFrom('acquire', 'renew', 'save', 'release'), worker: fc.nat(2), which: fc.nat(3) }),
      weight: 8,
    },
    { arbitrary: fc.constant({ kind: 'expire' as const }), weight: 1 },
  );
  /** The worker's latest lease most of the time, else one of its earlier ones. */
  const pick = (granted: readonly Lease[] | undefined, which: number): Lease | undefined =>
    granted === undefined || granted.length === 0
      ? undefined
      : granted[which % 2 === 0 ? granted.length - 1 : Math.floor(which / 2) % granted.length];
  const grant = (all: Map<number, Lease[]>, worker: number, lease: Lease): void =>
    void all.set(worker, [...(all.get(worker) ?? []), lease]);

  let workers: Worker[];
  beforeAll(async () => {
    workers = [await worker(), await worker(), await worker()];
  });

  test('one at a time: every answer is the model’s; a save succeeds only under the current lease, one holder per token', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 3 }),
        fc.array(op, { minLength: 1, maxLength: 40, size: 'medium' }),
        async (count, ops) => {
          const name = fresh('model');
          const holderOf = (w: number): string => `worker-${w}`;
          const leaseOf = new Map<number, Lease[]>();
          let current: { holder: string; token: bigint; live: boolean } | undefined;
          let lastToken = 0n;
          let next = 0n;
          let saved: Position | undefined;
          const holdersPerToken = new Map<bigint, Set<string>>();
          const holds = (lease: Lease | undefined): boolean =>
            lease !== undefined &&
            current !== undefined &&
            current.live &&
            current.holder === lease.holder &&
            current.token === lease.token;

          for (const step of ops) {
            if (step.kind === 'expire') {
              await runOut(name);
              if (current !== undefined) current.live = false;
              continue;
            }
            const w = step.worker % count;
            const { leases, checkpoints } = workers[w] as Worker;
            const mine = pick(leaseOf.get(w), step.which);
            switch (step.kind) {
              case 'acquire': {
                const free = current === undefined || !current.live || current.holder === holderOf(w);
                const got = await leases.acquire(name, holderOf(w));
                if (!free) {
                  expect(got).toBeNull();
                  break;
                }
                lastToken += 1n;
                expect(got).toEqual({ name, holder: holderOf(w), token: lastToken });
                current = { holder: holderOf(w), token: lastToken, live: true };
                grant(leaseOf, w, got as Lease);
                break;
              }
              case 'renew':
                if (mine !== undefined) expect(await leases.renew(mine)).toBe(holds(mine) ? 'held' : 'lost');
                break;
              case 'release':
                if (mine !== undefined) {
                  await leases.release(mine);
                  if (holds(mine) && current !== undefined) current.live = false;
                }
                break;
              case 'save': {
                // a worker that never held the lease tries with a token nobody was given yet
                const lease = mine ?? { name, holder: holderOf(w), token: lastToken + 1n };
                const position = at((next += 1n));
                const expected = holds(lease);
                const outcome = await checkpoints.saveUnder(lease, name, position).then(
                  () => 'saved',
                  (error: unknown) => error,
                );
                if (!expected) {
                  expect(outcome).toBeInstanceOf(LeaseLost);
                  break;
                }
                expect(outcome).toBe('saved');
                saved = position;
                holdersPerToken.set(lease.token, (holdersPerToken.get(lease.token) ?? new Set()).add(lease.holder));
                // the lease row, as the server has it, is the saver's, unexpired, under that token
                const row = await probe.query<{ holder: string; token: string; live: boolean }>(
                  'SELECT holder, token::text AS token, expires_at > now() AS live FROM leases WHERE name = $1',
                  [name],
                );
                expect(row.rows[0]).toEqual({ holder: lease.holder, token: lease.token.toString(), live: true });
                break;
              }
            }
            expect(await workers[0]?.checkpoints.load(name)).toEqual(saved);
          }
          for (const holders of holdersPerToken.values()) expect(holders.size).toBe(1);
        },
      ),
      { numRuns: 100 },
    );
  });

  test('at once: steps of several workers run concurrently; a checkpoint never goes back to an older token, one holder per token', async () => {
    const batch = fc.uniqueArray(op, { minLength: 1, maxLength: 3, selector: (step) => (step.kind === 'expire' ? -1 : step.worker) });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 3 }), fc.array(batch, { minLength: 1, maxLength: 15 }), async (count, batches) => {
        const name = fresh('race');
        const leaseOf = new Map<number, Lease[]>();
        const holdersPerToken = new Map<bigint, Set<string>>();
        let next = 0n;
        let last: Readonly<{ position: Position; token: bigint }> | undefined;
        for (const steps of batches) {
          const saves = await Promise.all(
            steps
              .filter((step) => step.kind === 'expire' || step.worker < count)
              .map(async (step): Promise<Readonly<{ position: Position; token: bigint }> | undefined> => {
                if (step.kind === 'expire') return void (await runOut(name));
                const { leases, checkpoints } = workers[step.worker] as Worker;
                const holder = `worker-${step.worker}`;
                const mine = pick(leaseOf.get(step.worker), step.which);
                if (step.kind === 'acquire') {
                  const got = await leases.acquire(name, holder);
                  if (got !== null) grant(leaseOf, step.worker, got);
                } else if (step.kind === 'renew' && mine !== undefined) await leases.renew(mine);
                else if (step.kind === 'release' && mine !== undefined) await leases.release(mine);
                else if (step.kind === 'save' && mine !== undefined) {
                  const position = at((next += 1n));
                  try {
                    await checkpoints.saveUnder(mine, name, position);
                  } catch (error) {
                    expect(error).toBeInstanceOf(LeaseLost);
                    return undefined;
                  }
                  holdersPerToken.set(mine.token, (holdersPerToken.get(mine.token) ?? new Set()).add(holder));
                  return { position, token: mine.token };
                }
                return undefined;
              }),
          );
          const succeeded = saves.filter((save) => save !== undefined);
          // each worker makes one step per batch, and a token is granted to one worker: two saves of one batch cannot both hold the lease
          expect(succeeded.length).toBeLessThanOrEqual(1);
          if (succeeded[0] !== undefined) {
            if (last !== undefined) expect(succeeded[0].token).toBeGreaterThanOrEqual(last.token);
            last = succeeded[0];
          }
          expect(await workers[0]?.checkpoints.load(name)).toEqual(last?.position);
          expect(await savedUnder(name)).toBe(last?.token);
        }
        for (const holders of holdersPerToken.values()) expect(holders.size).toBe(1);
      }),
      { numRuns: 100 },
    );
  });
});
