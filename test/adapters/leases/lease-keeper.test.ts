/**
 * The worker loop over leases: what it starts, renews and stops. On LocalLeases (one process), on
 * a fake whose renewals can be told to answer `lost` or to hang, and on PostgresLeases with two
 * keepers racing for the same works, as two hub processes would. Waits poll a condition within a
 * bound (vi.waitFor), never sleep a fixed time.
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
  private readonly local = new LocalLeases();

  acquire(name: string, holder: string): Promise<Lease> {
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
}

const errors: unknown[] = [];
const quiet = { onError: (error: unknown) => void errors.push(error) };

describe('LeaseKeeper', () => {
  test('on LocalLeases: holds and starts every work at start; stop() stops them and releases', async () => {
    const [a, b] = [recordingWork('a'), recordingWork('b')];
    const keeper = new LeaseKeeper(new LocalLeases(), [a.work, b.work], { holder: 'me', ttlMs: 180_000, ...quiet });
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
    await vi.waitFor(() => expect(a.log).toEqual(['start 1', 'stop 1']), { timeout: 2_000, interval: 5 });
    await keeper.stop();
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

  test('each work runs in exactly one of them; when the holder stops answering, the other takes over after the time to live', async () => {
    const ttlMs = 300;
    const names = ['r1', 'r2', 'r3'].map((name) => `${name}-${randomUUID().slice(0, 6)}`);
    const running = new Map<string, Set<string>>(names.map((name) => [name, new Set()]));
    const worksOf = (holder: string): LeasedWork[] =>
      names.map((name) => ({
        name,
        start: async () => {
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
    };
    const one = new LeaseKeeper(freezable, worksOf('one'), { holder: 'one', ttlMs, ...quiet });
    await one.start();
    const two = new LeaseKeeper(await open(ttlMs), worksOf('two'), { holder: 'two', ttlMs, ...quiet });
    await two.start();
    for (const name of names) {
      expect([...(running.get(name) ?? [])]).toEqual(['one']);
      expect([one.held(name), two.held(name)]).toEqual([true, false]);
    }
    freeze = true;
    const frozenAt = Date.now();
    await vi.waitFor(() => expect(names.every((name) => two.held(name))).toBe(true), { timeout: 5_000, interval: 10 });
    expect(Date.now() - frozenAt).toBeGreaterThanOrEqual(ttlMs - 50);
    // the frozen one gave the works up on its own by then (its deadline is earlier than the database's expiry)
    for (const name of names) expect([...(running.get(name) ?? [])]).toEqual(['two']);
    await two.stop();
    thaw();
    await one.stop();
  });
});
