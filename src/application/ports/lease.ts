/**
 * Leases: which worker holds a piece of work (a reaction, a projection) for now. One holder at a
 * time per name; a holder renews its lease while it works, and a lease it stops renewing (the
 * worker died, hung, or lost the database) runs out, so that another worker takes the work over
 * within a bounded time.
 *
 * A lease alone cannot stop a worker that paused past its lease (a long GC, a stalled network)
 * from writing when it wakes, believing it still holds it. Hence the fencing token: a number that
 * grows each time the lease changes hands (per name, never reused), carried by every write the
 * holder makes under the lease. A store that checks it (a checkpoint saved compare-and-set, see
 * `CheckpointStore`'s fenced adapters) refuses a write under any token but the current one with
 * {@link LeaseLost}, so the old holder's late write changes nothing.
 *
 * The members. Leases alone say nothing of how many workers share them: the first worker up would
 * take every lease it can and the others would only stand by. So every worker also says it is
 * alive (`heartbeat`, as often as it renews, by the same clock and time to live as the leases) and
 * learns how many are alive, so that it can hold its fair share and leave the rest to the others.
 */

/** A lease granted: `name` (the work), `holder` (the worker), `token` (the fencing token). */
export type Lease = Readonly<{ name: string; holder: string; token: bigint }>;

/** What a renewal found: `held` (extended for another time to live) or `lost` (expired, taken over or released). */
export type Renewal = 'held' | 'lost';

export interface Leases {
  /** How often a holder should renew (a third of the lease's time to live, so that one late renewal does not lose it). */
  readonly renewEveryMs: number;
  /**
   * The lease on `name` for `holder`, with a token above every token `name` had before; null
   * while another holder has it unexpired. A holder that asks again for a lease it holds gets a
   * new one (a new token): its earlier lease is then lost.
   */
  acquire(name: string, holder: string): Promise<Lease | null>;
  /** Extends the lease if it is still this holder's under this token and has not expired. */
  renew(lease: Lease): Promise<Renewal>;
  /** Gives the lease up at once (nothing if it was already lost), so that another holder may take it. */
  release(lease: Lease): Promise<void>;
  /**
   * `holder` is alive for another time to live (the leases' own); answers how many holders are
   * alive now, `holder` included (at least 1). A holder that stops calling this is no longer
   * counted once its time to live has run out.
   */
  heartbeat(holder: string): Promise<number>;
  /** `holder` is no longer alive, at once (a stop): the others count it out at their next heartbeat. */
  leave(holder: string): Promise<void>;
}

/** A write under a lease that is no longer the current one for its name; nothing was written. */
export class LeaseLost extends Error {
  override readonly name = 'LeaseLost';

  constructor(readonly lease: Lease) {
    super(`lease ${lease.name} (token ${lease.token}) is no longer held by ${lease.holder}`);
  }
}
