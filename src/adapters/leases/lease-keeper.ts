/**
 * The worker loop of several hub processes sharing one database: for each piece of work (a
 * reaction, the due retries, the scheduled reconciliations) it tries to acquire the work's lease,
 * starts the work under the lease it got, renews it, and stops the work as soon as it may no
 * longer be the holder.
 *
 * Every `tryEveryMs` (by default the leases' `renewEveryMs`, a third of their time to live), one
 * tick: for each work this process holds, it first looks at the deadline, then sends a renewal
 * (one at a time per work); for each work it does not hold, it sends an acquire. The work is
 * stopped, and the lease given up, when
 * - a renewal answers `lost` (expired, taken over);
 * - no renewal succeeded for a whole time to live, counted from when the last successful one was
 *   SENT (a renewal that hangs, a database out of reach: by then another process may hold it);
 * - the work ends by itself (`done` settles: a reaction's subscription failed, e.g. its fenced
 *   checkpoint threw `LeaseLost`).
 * A work that stopped is acquired again at a later tick (here or elsewhere), from its checkpoint.
 *
 * The ticks do not wait for the database: renewals and acquires run on their own, so a hung
 * statement cannot hold up the deadline. Times are this process's monotonic clock; the leases'
 * expiry is the database server's (./postgres-leases.ts): the deadline here is the holder's own,
 * earlier, view of it.
 */
import { performance } from 'node:perf_hooks';
import { type Lease, LeaseLost, type Leases } from '../../application/ports/lease.ts';

/** A work started under a lease: `stop()` ends it; `done` (when given) settles when it ends by itself or is stopped. */
export type RunningWork = Readonly<{ stop(): Promise<void>; done?: Promise<void> }>;

/** A piece of work with a lease of its own, `name`. */
export type LeasedWork = Readonly<{ name: string; start(lease: Lease): Promise<RunningWork> }>;

/** Why a work stopped being held here. */
export type Dropped = 'lost' | 'expired' | 'ended' | 'failed' | 'stopped';

export type LeaseKeeperOptions = Readonly<{
  /** this process, as the leases name their holders */
  holder: string;
  /** the leases' time to live: without a successful renewal for that long, the work stops */
  ttlMs: number;
  /** how often to renew and to try to acquire (default: the leases' renewEveryMs) */
  tryEveryMs?: number;
  /** a monotonic clock in milliseconds (default performance.now) */
  now?: () => number;
  /** a statement or a work failed (not the ordinary `lost`) */
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

export class LeaseKeeper {
  private readonly slots = new Map<string, Slot>();
  private readonly acquiring = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly leases: Leases,
    private readonly works: readonly LeasedWork[],
    private readonly options: LeaseKeeperOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Ticks every tryEveryMs; resolves once the first tick's acquires (and the starts of what they got) are done. */
  async start(): Promise<void> {
    this.tick();
    await Promise.allSettled([...this.inFlight]);
    if (this.stopped) return;
    this.timer = setInterval(() => this.tick(), this.options.tryEveryMs ?? this.leases.renewEveryMs);
  }

  /** Whether this process holds `name`'s lease now (and runs or is starting its work). */
  held(name: string): boolean {
    return this.slots.has(name);
  }

  /** The names of the works this keeper looks after. */
  names(): readonly string[] {
    return this.works.map((work) => work.name);
  }

  /** Stops every work, gives up every lease, and waits for that (and for acquires under way), not for renewals under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const name of [...this.slots.keys()]) this.drop(name, 'stopped');
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** One round: deadlines, renewals, acquires. Never waits on the database. */
  tick(): void {
    if (this.stopped) return;
    for (const work of this.works) {
      const slot = this.slots.get(work.name);
      if (slot === undefined) this.acquire(work);
      else if (this.now() - slot.sentAt >= this.options.ttlMs) this.drop(work.name, 'expired');
      else if (!slot.renewing) this.renew(work.name, slot);
    }
  }

  private track<T>(promise: Promise<T>): void {
    const tracked = promise.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private acquire(work: LeasedWork): void {
    if (this.acquiring.has(work.name)) return;
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
        .finally(() => this.acquiring.delete(work.name)),
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
        if (this.slots.get(name) !== slot) return;
        if (renewal === 'held') slot.sentAt = Math.max(slot.sentAt, sentAt);
        else this.drop(name, 'lost');
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
    this.options.onChange?.(name, false, why);
    this.track(
      slot.running
        .then((running) => running?.stop())
        .catch((error: unknown) => {
          if (!(error instanceof LeaseLost)) this.options.onError(error, name);
        })
        .then(() => this.leases.release(slot.lease))
        .catch((error: unknown) => this.options.onError(error, name)),
    );
  }
}
