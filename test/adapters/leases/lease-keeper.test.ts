/**
 * The worker loop over leases: what it starts, renews and stops. On LocalLeases, on a fake whose
 * renewals can be told to answer `lost` or to hang, and on PostgresLeases with two keepers sharing
 * the same works, as two hub processes would (the shares themselves: ./lease-shares.test.ts).
 * Waits poll a condition within a bound (vi.waitFor), never sleep a fixed time.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { type LeasedWork, LeaseKeeper, type RunningWork } from '../../../src/adapters/leases/lease-keeper.ts';
import { LocalLeases } from '../../../src/adapters/leases/local-leases.ts';
import { PostgresLeases } from '../../../src/adapters/leases/postgres-leases.ts';
import { type Lease, LeaseLost, type Leases, type Renewal } from '../../../src/application/ports/lease.ts';
import { testDatabase } from '../../support/test-database.ts';

/** A work that records its starts and stops; `fail(error)` ends its current run by itself. */
const recordingWork = (name: string) => {
  const log: string[] = [];
  let end: ((error: unknown) => void) | undefined;
  const work: LeasedWork = {
    name,
    start: async (lease) => {
      log.push(`start ${lease.token}`);
      let stopped: () => void = () => undefined;
      const done = new Promise<void>((resolve, reject) => {
        stopped = resolve;
        end = reject;
      });
      const running: RunningWork = {
        done,
        stop: async () => {
          log.push(`stop ${lease.token}`);
          stopped();
        },
      };
      return running;
    },
  };
  return { work, log, fail: (error: unknown) => end?.(error) };
};

/** LocalLeases whose renewals answer what the test says: `held`, `lost`, or never (a database out of reach). */
class ScriptedLeases implements Leases {
  readonly renewEveryMs = 20;
  renewals: Renewal | 'hang' = 'held';
  released: Lease[] = [];
  private readonly local = new LocalLeases({ ttlMs: 3_600_000 });

  acquire(name: string, holder: string): Promise<Lease | null> {
    return this.local.acquire(name, holder);
  }

  renew(_lease: Lease): Promise<Renewal> {
    if (this.renewals === 'hang') return new Promise(() => undefined);
    return Promise.resolve(this.renewals);
  }

  async release(lease: Lease): Promise<void> {
    this.released.push(lease);
    await this.local.release(lease);
  }

  heartbeat(holder: string): Promise<number> {
    return this.local.heartbeat(holder);
  }

  leave(holder: string): Promise<void> {
    return this.local.leave(holder);
  }
}

const errors: unknown[] = [];
const quiet = { onError: (error: unknown) => void errors.push(error) };

describe('LeaseKeeper', () => {
  test('on LocalLeases: holds and starts every work at start; stop() stops them and releases', async () => {
    const [a, b] = [recordingWork('a'), recordingWork('b')];
    const keeper = new LeaseKeeper(new LocalLeases({ ttlMs: 180_000 }), [a.work, b.work], { holder: 'me', ttlMs: 180_000, ...quiet });
    await keeper.start();
    expect([keeper.held('a'), keeper.held('b')]).toEqual([true, true]);
    expect(a.log).toEqual(['start 1']);
    await keeper.stop();
    expect([keeper.held('a'), keeper.held('b')]).toEqual([false, false]);
    expect([a.log, b.log]).toEqual([
      ['start 1', 'stop 1'],
      ['start 1', 'stop 1'],
    ]);
  });

  test('a renewal that says lost stops the work; a later tick acquires it again and starts it anew', async () => {
    const leases = new ScriptedLeases();
    const a = recordingWork('a');
    const changes: string[] = [];
    const keeper = new LeaseKeeper(leases, [a.work], {
      holder: 'me',
      ttlMs: 60,
      ...quiet,
      onChange: (name, held, why) => changes.push(`${name} ${held} ${why ?? ''}`.trim()),
    });
    await keeper.start();
    leases.renewals = 'lost';
    await vi.waitFor(() => expect(a.log).toContain('stop 1'), { timeout: 2_000, interval: 5 });
    leases.renewals = 'held';
    await vi.waitFor(() => expect(a.log).toContain('start 2'), { timeout: 2_000, interval: 5 });
    expect(changes.slice(0, 3)).toEqual(['a true', 'a false lost', 'a true']);
    await keeper.stop();
  });

  test('renewals that never answer: the work stops once a whole time to live has passed since the last good one was sent', async () => {
    const leases = new ScriptedLeases();
    const a = recordingWork('a');
    let now = 0;
    const keeper = new LeaseKeeper(leases, [a.work], { holder: 'me', ttlMs: 100, now: () => now, ...quiet });
    await keeper.start();
    leases.renewals = 'hang';
    now = 50;
    keeper.tick(); // a renewal sent, never answered
    now = 99;
    keeper.tick();
    expect(keeper.held('a')).toBe(true);
    now = 100;
    keeper.tick();
    expect(keeper.held('a')).toBe(false);
    // the same tick's heartbeat may acquire it again at once (acquires still answer here): a new run, under a new token
    await vi.waitFor(() => expect(a.log.slice(0, 2)).toEqual(['start 1', 'stop 1']), { timeout: 2_000, interval: 5 });
    await keeper.stop();
  });

  test('a work dropped here is not acquired again until its run has stopped: two runs of one work never overlap in one process', async () => {
    const leases = new ScriptedLeases();
    const log: string[] = [];
    let finishStop: () => void = () => undefined;
    const slowToStop: LeasedWork = {
      name: 'a',
      start: async (lease) => {
        log.push(`start ${lease.token}`);
        const stop = () => {
          log.push(`stopping ${lease.token}`);
          return new Promise<void>((resolve) => (finishStop = resolve));
        };
        return { stop };
      },
    };
    // in memory, everything a tick starts has run after one turn of the event loop
    const flushed = () => new Promise<void>((resolve) => setImmediate(resolve));
    const keeper = new LeaseKeeper(leases, [slowToStop], { holder: 'me', ttlMs: 10_000, tryEveryMs: 3_600_000, ...quiet });
    await keeper.start();
    leases.renewals = 'lost';
    keeper.tick();
    await flushed();
    expect(log).toEqual(['start 1', 'stopping 1']);
    leases.renewals = 'held';
    keeper.tick(); // its heartbeat finds it under its share: the lease is free, but the run has not stopped
    await flushed();
    expect(log).toEqual(['start 1', 'stopping 1']);
    finishStop();
    await flushed(); // stopped, and the lease released
    keeper.tick();
    await flushed();
    expect(log).toEqual(['start 1', 'stopping 1', 'start 2']);
    const stopped = keeper.stop();
    await flushed();
    finishStop();
    await stopped;
  });

  test('a work that ends by itself with LeaseLost is dropped and its lease released; another error is reported too', async () => {
    const leases = new ScriptedLeases();
    const a = recordingWork('a');
    const seen: unknown[] = [];
    const keeper = new LeaseKeeper(leases, [a.work], { holder: 'me', ttlMs: 10_000, tryEveryMs: 60_000, onError: (e) => seen.push(e) });
    await keeper.start();
    const lease = { name: 'a', holder: 'me', token: 1n };
    a.fail(new LeaseLost(lease));
    await vi.waitFor(() => expect(leases.released).toEqual([lease]), { timeout: 2_000, interval: 5 });
    expect(keeper.held('a')).toBe(false);
    expect(seen).toEqual([]);
    keeper.tick();
    await vi.waitFor(() => expect(keeper.held('a')).toBe(true), { timeout: 2_000, interval: 5 });
    a.fail(new Error('the store went away'));
    await vi.waitFor(() => expect(keeper.held('a')).toBe(false), { timeout: 2_000, interval: 5 });
    expect(seen).toEqual([new Error('the store went away')]);
    await keeper.stop();
  });
});

describe('LeaseKeeper on PostgresLeases: two processes', () => {
  let databaseUrl: string;
  const opened: PostgresLeases[] = [];
  const open = async (ttlMs: number) => {
    const leases = await PostgresLeases.open(databaseUrl, { ttlMs });
    opened.push(leases);
    return leases;
  };
  beforeAll(async () => {
    databaseUrl = await testDatabase('keeper');
  });
  afterAll(async () => {
    await Promise.all(opened.map((leases) => leases.close()));
  });

  test('they share the works, each run by one of them at a time; when one stops answering, the other takes them all over after the time to live', async () => {
    const ttlMs = 1_000; // long enough that a loaded machine's late tick does not miss a renewal
    const names = ['r1', 'r2', 'r3', 'r4'].map((name) => `${name}-${randomUUID().slice(0, 6)}`);
    const running = new Map<string, Set<string>>(names.map((name) => [name, new Set()]));
    const overlaps: string[] = [];
    let frozenYet = false;
    const worksOf = (holder: string): LeasedWork[] =>
      names.map((name) => ({
        name,
        start: async () => {
          // once frozen, the frozen one runs its works until its own deadline: the fence is the checkpoint's token then
          if (!frozenYet && (running.get(name)?.size ?? 0) > 0) overlaps.push(`${holder} started ${name} while another ran it`);
          running.get(name)?.add(holder);
          return { stop: async () => void running.get(name)?.delete(holder) };
        },
      }));
    const frozen = await open(ttlMs);
    let freeze = false;
    let thaw: () => void = () => undefined;
    const thawed = new Promise<void>((resolve) => (thaw = resolve));
    // the first process's database connection can be made to hang, as a paused or cut-off process's would (until thawed)
    const later = <T>(call: () => Promise<T>): Promise<T> => (freeze ? thawed.then(call) : call());
    const freezable: Leases = {
      renewEveryMs: frozen.renewEveryMs,
      acquire: (name, holder) => later(() => frozen.acquire(name, holder)),
      renew: (lease) => later(() => frozen.renew(lease)),
      release: (lease) => later(() => frozen.release(lease)),
      heartbeat: (holder) => later(() => frozen.heartbeat(holder)),
      leave: (holder) => later(() => frozen.leave(holder)),
    };
    const one = new LeaseKeeper(freezable, worksOf('one'), { holder: 'one', ttlMs, ...quiet });
    await one.start();
    expect(names.map((name) => one.held(name))).toEqual([true, true, true, true]); // alone: it takes them all
    const two = new LeaseKeeper(await open(ttlMs), worksOf('two'), { holder: 'two', ttlMs, ...quiet });
    await two.start();
    const heldBy = (keeper: LeaseKeeper) => names.filter((name) => keeper.held(name)).length;
    await vi.waitFor(() => expect([heldBy(one), heldBy(two)]).toEqual([2, 2]), { timeout: 5_000, interval: 10 });
    for (const name of names) expect(running.get(name)?.size).toBe(1);
    expect(overlaps).toEqual([]);
    freeze = true;
    frozenYet = true;
    const frozenAt = performance.now();
    await vi.waitFor(() => expect(names.every((name) => two.held(name))).toBe(true), { timeout: 5_000, interval: 10 });
    // its last renewal and heartbeat were sent at most a renewal interval before the freeze
    expect(performance.now() - frozenAt).toBeGreaterThanOrEqual(ttlMs - frozen.renewEveryMs);
    // the frozen one gives the works up on its own, without the database: its deadline is earlier than the database's
    // expiry, but it looks at it on its ticks, so it may still run one until its next tick
    await vi.waitFor(() => expect(names.map((name) => [...(running.get(name) ?? [])])).toEqual(names.map(() => ['two'])), {
      timeout: frozen.renewEveryMs + 2_000,
      interval: 10,
    });
    await two.stop();
    thaw();
    await one.stop();
  });
});
