/**
 * The worker loop of several hub processes sharing one database: for each piece of work (a
 * reaction, the due retries, the scheduled reconciliations) it tries to acquire the work's lease,
 * starts the work under the lease it got, renews it, and stops the work as soon as it may no
 * longer be the holder. The workers share the leases fairly: each holds at most its share.
 *
 * Every `tryEveryMs` (by default the leases' `renewEveryMs`, a third of their time to live), one
 * tick: for each work this process holds, it first looks at the deadline, then sends a renewal
 * (one at a time per work); then it sends a heartbeat, which answers how many workers are alive
 * (./postgres-leases.ts, `lease_members`). On that answer, its share is ceil(works / workers):
 * - under its share, it acquires free (or run out) leases, in its order of preference, one
 *   after the other as each acquire answers no, until it holds its share or has asked for every
 *   lease it does not hold;
 * - over its share (a worker joined), it gives up ONE lease, its least preferred: stops the work
 *   (renewing the lease until it has stopped, so that nobody starts it meanwhile), then releases
 *   the lease, so that the worker under its share takes it at its next tick. One a
 *   tick, and only while over: a worker that joins and dies at once costs one move, not a
 *   stampede, and the shares converge without a lease going back and forth.
 * When a worker dies, the others count it out once its heartbeat has run out (with its leases,
 * both a time to live after its last tick), so their share grows and they take its leases over at
 * their next tick, as before. A worker that stops leaves at once (and releases what it held).
 *
 * The order of preference is each worker's own: the works ranked by a hash of the worker and
 * the work (rendezvous hashing). Deterministic (the same worker gives up the same lease first),
 * and different from worker to worker, so that workers starting together ask for different
 * leases first rather than all race for the same ones.
 *
 * The work is stopped, and the lease given up, when
 * - a renewal answers `lost` (expired, taken over);
 * - no renewal succeeded for a whole time to live, counted from when the last successful one was
 *   SENT (a renewal that hangs, a database out of reach: by then another process may hold it);
 * - the work ends by itself (`done` settles: a reaction's subscription failed, e.g. its fenced
 *   checkpoint threw `LeaseLost`);
 * - it is over its share (above).
 * A work that stopped is acquired again at a later tick (here or elsewhere), from its checkpoint.
 *
 * The ticks do not wait for the database: renewals, heartbeats and acquires run on their own, so
 * a hung statement cannot hold up the deadline. Times are this process's monotonic clock; the
 * leases' expiry is the database server's (./postgres-leases.ts): the deadline here is the
 * holder's own, earlier, view of it.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type Lease, LeaseLost, type Leases } from '../../application/ports/lease.ts';

/** A work started under a lease: `stop()` ends it; `done` (when given) settles when it ends by itself or is stopped. */
export type RunningWork = Readonly<{ stop(): Promise<void>; done?: Promise<void> }>;

/** A piece of work with a lease of its own, `name`. */
export type LeasedWork = Readonly<{ name: string; start(lease: Lease): Promise<RunningWork> }>;

/** Why a work stopped being held here: `surplus`, given up to a worker that joined. */
export type Dropped = 'lost' | 'expired' | 'ended' | 'failed' | 'surplus' | 'stopped';

/** What `onError` names when the heartbeat failed (not a work). */
export const HEARTBEAT = 'heartbeat';

export type LeaseKeeperOptions = Readonly<{
  /** this process, as the leases name their holders */
  holder: string;
  /** the leases' time to live: without a successful renewal for that long, the work stops */
  ttlMs: number;
  /** how often to renew, to send a heartbeat and to try to acquire (default: the leases' renewEveryMs) */
  tryEveryMs?: number;
  /** a monotonic clock in milliseconds (default performance.now) */
  now?: () => number;
  /** a statement or a work failed (not the ordinary `lost`): `name` is the work's, or HEARTBEAT */
  onError: (error: unknown, name: string) => void;
  /** a work started (held) or stopped (not held, and why) here */
  onChange?: (name: string, held: boolean, why?: Dropped) => void;
}>;

type Slot = {
  readonly lease: Lease;
  /** when the last successful acquire or renewal was sent */
  sentAt: number;
  renewing: boolean;
  readonly running: Promise<RunningWork | null>;
};

/** `works` in `holder`'s order of preference: ranked by a hash of the holder and the work's name (rendezvous hashing). */
const preferenceOf = (holder: string, works: readonly LeasedWork[]): readonly LeasedWork[] => {
  const rank = (work: LeasedWork) => createHash('sha256').update(holder).update('\0').update(work.name).digest('hex');
  const ranked = works.map((work) => ({ work, rank: rank(work) }));
  return ranked.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0)).map(({ work }) => work);
};

export class LeaseKeeper {
  private readonly slots = new Map<string, Slot>();
  private readonly acquiring = new Set<string>();
  /** works dropped here whose run has not stopped yet: not acquired again until it has (two runs of one work here would overlap) */
  private readonly stopping = new Map<string, Readonly<{ slot: Slot; why: Dropped }>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly now: () => number;
  private readonly preference: readonly LeasedWork[];
  /** how many leases this keeper may hold, from the last heartbeat's answer (none before the first) */
  private share = 0;
  /** the heartbeat under way, if any (one at a time) */
  private heartbeat: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly leases: Leases,
    private readonly works: readonly LeasedWork[],
    private readonly options: LeaseKeeperOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.preference = preferenceOf(options.holder, works);
  }

  /** Ticks every tryEveryMs; resolves once the first tick's heartbeat and acquires (and the starts of what they got) are done. */
  async start(): Promise<void> {
    this.tick();
    await this.settled();
    if (this.stopped) return;
    this.timer = setInterval(() => this.tick(), this.options.tryEveryMs ?? this.leases.renewEveryMs);
  }

  /** Whether this process holds `name`'s lease now (and runs or is starting its work). */
  held(name: string): boolean {
    return this.slots.has(name);
  }

  /** The lease this process holds on `name`, if it holds it. */
  leaseOf(name: string): Lease | undefined {
    return this.slots.get(name)?.lease;
  }

  /**
   * Whether `lease` is still this process's by its own clock: it holds it, and a renewal (or the
   * acquire) sent less than a time to live ago succeeded. Asked right before an outside call
   * (../outside-call/lease-fenced-calls.ts): a process that was paused past its lease answers
   * false at once on waking, before any tick has dropped the work.
   */
  stillHolds(lease: Lease): boolean {
    // a lease given up as surplus stays this process's (renewed) until its work has stopped: the work may finish its calls
    const stopping = this.stopping.get(lease.name);
    const slot = this.slots.get(lease.name) ?? (stopping?.why === 'surplus' ? stopping.slot : undefined);
    return slot !== undefined && slot.lease.token === lease.token && this.now() - slot.sentAt < this.options.ttlMs;
  }

  /** The names of the works this keeper looks after. */
  names(): readonly string[] {
    return this.works.map((work) => work.name);
  }

  /**
   * Leaves the members, stops every work, gives up every lease, and waits for that (and for
   * acquires and a heartbeat under way), not for renewals under way.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const name of [...this.slots.keys()]) this.drop(name, 'stopped');
    // after the heartbeat under way has answered: one that landed after the leave would count this keeper in again
    const beaten = this.heartbeat ?? Promise.resolve();
    this.track(beaten.then(() => this.leases.leave(this.options.holder)).catch((error: unknown) => this.options.onError(error, HEARTBEAT)));
    await this.settled();
  }

  /** One round: deadlines, renewals, a heartbeat, then (on its answer) acquires or a lease given up. Never waits on the database. */
  tick(): void {
    if (this.stopped) return;
    for (const [name, slot] of [...this.slots]) {
      if (this.now() - slot.sentAt >= this.options.ttlMs) this.drop(name, 'expired');
      else if (!slot.renewing) this.renew(name, slot);
    }
    // a lease given up as surplus is still this keeper's until its work has stopped: no other may start it before
    for (const [name, { slot, why }] of this.stopping) if (why === 'surplus' && !slot.renewing) this.renew(name, slot);
    this.beat();
  }

  private async settled(): Promise<void> {
    // what settles may start more (an acquire that answered no starts the next): wait for those too
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(promise: Promise<T>): void {
    const tracked = promise.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private beat(): void {
    if (this.heartbeat !== null) return;
    const beating = this.leases
      .heartbeat(this.options.holder)
      .then((members) => this.balance(members))
      .catch((error: unknown) => this.options.onError(error, HEARTBEAT))
      .finally(() => {
        this.heartbeat = null;
      });
    this.heartbeat = beating;
    this.track(beating);
  }

  /** Holds its share of `members`: gives up one lease when over it, acquires free ones when under it. */
  private balance(members: number): void {
    if (this.stopped) return;
    this.share = Math.ceil(this.works.length / members);
    if (this.slots.size > this.share) {
      const leastPreferred = this.preference.filter((work) => this.slots.has(work.name)).at(-1);
      if (leastPreferred !== undefined) this.drop(leastPreferred.name, 'surplus');
      return;
    }
    this.acquireFrom(this.preference[Symbol.iterator]());
  }

  /** Acquires the `candidates` one after the other (as many at once as the share has room for) while under the share. */
  private acquireFrom(candidates: Iterator<LeasedWork>): void {
    while (!this.stopped && this.slots.size + this.acquiring.size < this.share) {
      const next = candidates.next();
      if (next.done === true) return;
      const { name } = next.value;
      if (!this.slots.has(name) && !this.acquiring.has(name) && !this.stopping.has(name))
        this.acquire(next.value, () => this.acquireFrom(candidates));
    }
  }

  /** Sends an acquire for `work`; `then` once it has answered (and what it got has started). */
  private acquire(work: LeasedWork, then: () => void): void {
    this.acquiring.add(work.name);
    const sentAt = this.now();
    this.track(
      this.leases
        .acquire(work.name, this.options.holder)
        .then(async (lease) => {
          if (lease === null) return;
          if (this.stopped) return this.leases.release(lease);
          const slot: Slot = { lease, sentAt, renewing: false, running: this.startWork(work, lease) };
          this.slots.set(work.name, slot);
          this.options.onChange?.(work.name, true);
          await slot.running;
        })
        .catch((error: unknown) => this.options.onError(error, work.name))
        .finally(() => {
          this.acquiring.delete(work.name);
          then();
        }),
    );
  }

  private startWork(work: LeasedWork, lease: Lease): Promise<RunningWork | null> {
    return work.start(lease).then(
      (running) => {
        running.done?.then(
          () => this.endedBy(work.name, lease, 'ended'),
          (error: unknown) => {
            if (!(error instanceof LeaseLost)) this.options.onError(error, work.name);
            this.endedBy(work.name, lease, error instanceof LeaseLost ? 'lost' : 'failed');
          },
        );
        return running;
      },
      (error: unknown) => {
        this.options.onError(error, work.name);
        queueMicrotask(() => this.endedBy(work.name, lease, 'failed'));
        return null;
      },
    );
  }

  /** The work ended by itself: drop it, unless it is no longer this lease's work (stopped by us, or taken again). */
  private endedBy(name: string, lease: Lease, why: Dropped): void {
    if (this.slots.get(name)?.lease === lease) this.drop(name, why);
  }

  private renew(name: string, slot: Slot): void {
    slot.renewing = true;
    const sentAt = this.now();
    // not waited for by stop(): a renewal that hangs must not hold up the stop (the deadline has dropped the work by then)
    void this.leases
      .renew(slot.lease)
      .then((renewal) => {
        if (renewal === 'held') slot.sentAt = Math.max(slot.sentAt, sentAt);
        else if (this.slots.get(name) === slot) this.drop(name, 'lost');
      })
      .catch((error: unknown) => this.options.onError(error, name))
      .finally(() => {
        slot.renewing = false;
      });
  }

  /** Not held here any more: stop the work, then give the lease up (nothing, if it was already lost). */
  private drop(name: string, why: Dropped): void {
    const slot = this.slots.get(name);
    if (slot === undefined) return;
    this.slots.delete(name);
    this.stopping.set(name, { slot, why });
    this.options.onChange?.(name, false, why);
    this.track(
      slot.running
        .then((running) => running?.stop())
        .catch((error: unknown) => {
          if (!(error instanceof LeaseLost)) this.options.onError(error, name);
        })
        .then(() => {
          this.stopping.delete(name);
          return this.leases.release(slot.lease);
        })
        .catch((error: unknown) => this.options.onError(error, name)),
    );
  }
}
