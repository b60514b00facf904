/**
 * Several keepers sharing the leases fairly (issue 13): each holds at most ceil(works / workers
 * alive), one that joins is handed leases one a tick, one that dies or stops is taken over.
 *
 * In memory: keepers on one LocalLeases and one clock that only the test moves; a round moves it
 * and ticks every live keeper (their own timers are an hour apart, so only the test ticks them).
 * Everything here answers in microtasks, so one turn of the event loop after the ticks runs all
 * they started to its end: no wall-clock waits. Then on the real PostgreSQL, three keepers in
 * step with the server's clock, waits polling a condition within a bound (vi.waitFor).
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { type Dropped, type LeasedWork, LeaseKeeper } from '../../../src/adapters/leases/lease-keeper.ts';
import { LocalLeases } from '../../../src/adapters/leases/local-leases.ts';
import { PostgresLeases } from '../../../src/adapters/leases/postgres-leases.ts';
import type { Lease } from '../../../src/application/ports/lease.ts';
import { testDatabase } from '../../support/test-database.ts';

const TTL_MS = 300;
const TICK_MS = 100;
/** the keepers' own timers: never due during a test */
const NEVER_MS = 3_600_000;

/** One turn of the event loop: the microtasks the ticks started have all run. */
const flushed = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Works that record who runs them, and every start of a work another keeper was still running. */
class Runs {
  readonly running = new Map<string, Set<string>>();
  readonly overlaps: string[] = [];

  worksOf(holder: string, names: readonly string[]): LeasedWork[] {
    return names.map((name) => ({
      name,
      start: async () => {
        const runners = this.running.get(name) ?? new Set();
        this.running.set(name, runners);
        if (runners.size > 0) this.overlaps.push(`${holder} started ${name} while ${[...runners].join(', ')} ran it`);
        runners.add(holder);
        return { stop: async () => void runners.delete(holder) };
      },
    }));
  }

  /** A process killed: its works end with it. */
  forget(holder: string): void {
    for (const runners of this.running.values()) runners.delete(holder);
  }
}

type Change = Readonly<{ holder: string; name: string; held: boolean; why?: Dropped }>;

/** Keepers on one LocalLeases and one clock that the test moves. */
class World {
  now = 0;
  readonly leases = new LocalLeases({ ttlMs: TTL_MS, now: () => this.now });
  readonly runs = new Runs();
  readonly live = new Map<string, LeaseKeeper>();
  readonly dead: LeaseKeeper[] = [];
  readonly changes: Change[] = [];
  readonly errors: unknown[] = [];

  constructor(readonly names: readonly string[]) {}

  async join(holder: string): Promise<void> {
    const keeper = new LeaseKeeper(this.leases, this.runs.worksOf(holder, this.names), {
      holder,
      ttlMs: TTL_MS,
      tryEveryMs: NEVER_MS,
      now: () => this.now,
      onError: (error) => void this.errors.push(error),
      onChange: (name, held, why) => void this.changes.push({ holder, name, held, why }),
    });
    this.live.set(holder, keeper);
    await keeper.start();
  }

  /** SIGKILL: it never ticks again, releases nothing, and its works are gone. */
  kill(holder: string): void {
    const keeper = this.live.get(holder);
    if (keeper === undefined) return;
    this.live.delete(holder);
    this.dead.push(keeper);
    this.runs.forget(holder);
  }

  async stop(holder: string): Promise<void> {
    const keeper = this.live.get(holder);
    if (keeper === undefined) return;
    this.live.delete(holder);
    await keeper.stop();
  }

  /** The clock moves by `stepMs`, then every live keeper ticks. */
  async round(stepMs = TICK_MS): Promise<void> {
    this.now += stepMs;
    for (const keeper of this.live.values()) keeper.tick();
    await flushed();
  }

  held(holder: string): string[] {
    const keeper = this.live.get(holder);
    return keeper === undefined ? [] : this.names.filter((name) => keeper.held(name));
  }

  counts(): number[] {
    return [...this.live.keys()].map((holder) => this.held(holder).length);
  }

  /** Each work is held by exactly one live keeper, which runs it; none holds more than its share. */
  expectShared(): void {
    const share = Math.ceil(this.names.length / this.live.size);
    for (const name of this.names) {
      const holders = [...this.live.keys()].filter((holder) => this.held(holder).includes(name));
      expect({ name, holders }).toEqual({ name, holders: [...(this.runs.running.get(name) ?? [])] });
      expect({ name, holders: holders.length }).toEqual({ name, holders: 1 });
    }
    for (const count of this.counts()) expect(count).toBeLessThanOrEqual(share);
  }

  async end(): Promise<void> {
    await Promise.all([...this.live.values(), ...this.dead].map((keeper) => keeper.stop()));
  }
}

const worksNamed = (count: number): string[] => Array.from({ length: count }, (_, i) => `work-${i + 1}`);

describe('LeaseKeeper shares (LocalLeases, a clock the test moves)', () => {
  /** a alone, then b joins: what a gives up, round by round, and the counts after each round. */
  const aThenB = async () => {
    const world = new World(worksNamed(20));
    await world.join('a');
    expect(world.held('a')).toHaveLength(20);
    await world.join('b');
    expect(world.held('b')).toEqual([]); // nothing free: a gives its surplus up at its next ticks
    const counts: number[][] = [];
    for (let round = 0; round < 12; round++) {
      await world.round();
      counts.push(world.counts());
    }
    const givenUp = world.changes.filter((change) => change.why === 'surplus');
    return { world, counts, givenUp };
  };

  test('one alone takes every lease; one that joins is handed its share, one lease a tick, the same ones each time; then nothing moves', async () => {
    const { world, counts, givenUp } = await aThenB();
    // a gives up exactly one a tick while over its share of ceil(20 / 2), and no more
    expect(counts.map(([a]) => a)).toEqual([19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 10, 10]);
    expect(counts.at(-1)).toEqual([10, 10]);
    expect(givenUp.map((change) => change.holder)).toEqual(Array(10).fill('a'));
    world.expectShared();
    const moves = world.changes.length;
    for (let round = 0; round < 6; round++) await world.round();
    expect(world.changes.length).toBe(moves);
    expect(world.runs.overlaps).toEqual([]);
    expect(world.errors).toEqual([]);
    // a's order of preference is its own and fixed: the same leases are given up, in the same order
    const again = await aThenB();
    expect(again.givenUp.map((change) => change.name)).toEqual(givenUp.map((change) => change.name));
    await Promise.all([world.end(), again.world.end()]);
  });

  test('one that dies is counted out with its leases: the others take them over a time to live after its last tick, not before', async () => {
    const world = new World(worksNamed(20));
    for (const holder of ['a', 'b', 'c']) await world.join(holder);
    for (let round = 0; round < 20; round++) await world.round();
    world.expectShared();
    expect(world.counts().sort((x, y) => x - y)).toEqual([6, 7, 7]);
    const orphans = world.held('c');
    const diedAt = world.now;
    world.kill('c');
    while (world.now < diedAt + TTL_MS - TICK_MS) {
      await world.round();
      // its leases have not run out: nobody starts its works yet
      for (const name of orphans) expect(world.runs.running.get(name)?.size ?? 0).toBe(0);
    }
    await world.round(); // a time to live after c's last renewal and heartbeat
    expect(world.now).toBe(diedAt + TTL_MS);
    world.expectShared();
    expect(world.counts()).toEqual([10, 10]);
    expect(world.runs.overlaps).toEqual([]);
    await world.end();
  });

  test('one that stops leaves at once: the others take its leases at their next tick, not a time to live later', async () => {
    const world = new World(worksNamed(20));
    for (const holder of ['a', 'b']) await world.join(holder);
    for (let round = 0; round < 12; round++) await world.round();
    expect(world.counts()).toEqual([10, 10]);
    await world.stop('b');
    await world.round();
    expect(world.held('a')).toHaveLength(20);
    world.expectShared();
    expect(world.runs.overlaps).toEqual([]);
    await world.end();
  });

  test('a lease given up as surplus stays renewed until its work has stopped, however long that takes; then the other takes it at once', async () => {
    const world = new World(worksNamed(2));
    let finishStop: () => void = () => undefined;
    const stopping: string[] = [];
    const leases = new Map<string, Lease>();
    // a's works take as long to stop as the test says (a reaction finishing a call to the WMS)
    const slowWorks: LeasedWork[] = world.runs.worksOf('a', world.names).map((work) => ({
      name: work.name,
      start: async (lease) => {
        leases.set(work.name, lease);
        const running = await work.start(lease);
        const stop = async () => {
          stopping.push(work.name);
          await new Promise<void>((resolve) => (finishStop = resolve));
          await running.stop();
        };
        return { stop };
      },
    }));
    const a = new LeaseKeeper(world.leases, slowWorks, {
      holder: 'a',
      ttlMs: TTL_MS,
      tryEveryMs: NEVER_MS,
      now: () => world.now,
      onError: (error) => void world.errors.push(error),
    });
    world.live.set('a', a);
    await a.start();
    await world.join('b');
    await world.round();
    expect(stopping).toHaveLength(1); // a is over its share of 1: it gives one up
    const [givenUp = ''] = stopping;
    for (let round = 0; round < (3 * TTL_MS) / TICK_MS; round++) await world.round();
    expect([a.held(givenUp), world.held('b')]).toEqual([false, []]);
    expect(world.runs.running.get(givenUp)).toEqual(new Set(['a']));
    const lease = leases.get(givenUp) ?? { name: givenUp, holder: 'a', token: 0n };
    expect(a.stillHolds(lease)).toBe(true); // its work may still call out: the lease is still a's
    finishStop();
    await world.round();
    expect(world.held('b')).toEqual([givenUp]);
    expect(a.stillHolds(lease)).toBe(false);
    expect(world.runs.overlaps).toEqual([]);
    expect(world.errors).toEqual([]);
    const ended = world.end();
    await flushed(); // a's other work is stopping now
    finishStop();
    await ended;
  });

  test('property: whoever joins, dies or stops, no work ever runs in two live keepers at once, and the shares settle', async () => {
    const action = fc.oneof(
      fc.constant({ kind: 'join' as const }),
      fc.record({ kind: fc.constant('kill' as const), which: fc.nat() }),
      fc.record({ kind: fc.constant('stop' as const), which: fc.nat() }),
      fc.record({
        kind: fc.constant('rounds' as const),
        count: fc.integer({ min: 1, max: 4 }),
        stepMs: fc.integer({ min: 1, max: TICK_MS }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 9 }), fc.array(action, { maxLength: 25 }), async (works, actions) => {
        const world = new World(worksNamed(works));
        let joined = 0;
        const join = () => world.join(`k${++joined}`);
        await join();
        for (const step of actions) {
          const holders = [...world.live.keys()];
          if (step.kind === 'join' && holders.length < 4) await join();
          else if (step.kind === 'kill') world.kill(holders[step.which % Math.max(1, holders.length)] ?? '');
          else if (step.kind === 'stop') await world.stop(holders[step.which % Math.max(1, holders.length)] ?? '');
          else if (step.kind === 'rounds') for (let round = 0; round < step.count; round++) await world.round(step.stepMs);
          expect(world.runs.overlaps).toEqual([]);
        }
        if (world.live.size === 0) await join();
        // the dead are counted out after a time to live; a surplus moves one lease a tick
        for (let round = 0; round < TTL_MS / TICK_MS + works + 2; round++) await world.round();
        world.expectShared();
        const moves = world.changes.length;
        await world.round();
        expect(world.changes.length).toBe(moves);
        expect(world.runs.overlaps).toEqual([]);
        expect(world.errors).toEqual([]);
        await world.end();
      }),
    );
  });
});

describe('LeaseKeeper shares on PostgreSQL: three processes', () => {
  let databaseUrl: string;
  const opened: PostgresLeases[] = [];
  beforeAll(async () => {
    databaseUrl = await testDatabase('shares');
  });
  afterAll(async () => {
    await Promise.all(opened.map((leases) => leases.close()));
  });

  test('they share six works two each, never two at once; one that stops is taken over before a time to live', async () => {
    const ttlMs = 1_500;
    const names = Array.from({ length: 6 }, (_, i) => `w${i + 1}-${randomUUID().slice(0, 6)}`);
    const runs = new Runs();
    const errors: unknown[] = [];
    const keeperOf = async (holder: string) => {
      const leases = await PostgresLeases.open(databaseUrl, { ttlMs });
      opened.push(leases);
      return new LeaseKeeper(leases, runs.worksOf(holder, names), { holder, ttlMs, onError: (error) => void errors.push(error) });
    };
    const keepers = await Promise.all(['one', 'two', 'three'].map(keeperOf));
    const countsOf = (of: readonly LeaseKeeper[]) => of.map((keeper) => names.filter((name) => keeper.held(name)).length);
    for (const keeper of keepers) await keeper.start();
    await vi.waitFor(() => expect(countsOf(keepers)).toEqual([2, 2, 2]), { timeout: 20_000, interval: 20 });
    const [leaving, ...staying] = keepers as [LeaseKeeper, LeaseKeeper, LeaseKeeper];
    const stoppedAt = performance.now();
    await leaving.stop();
    await vi.waitFor(() => expect(countsOf(staying)).toEqual([3, 3]), { timeout: 20_000, interval: 20 });
    expect(performance.now() - stoppedAt).toBeLessThan(ttlMs);
    expect(runs.overlaps).toEqual([]);
    expect(errors).toEqual([]);
    await Promise.all(staying.map((keeper) => keeper.stop()));
  });
});
