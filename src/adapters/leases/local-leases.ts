/**
 * Leases in memory, with the rules of ./postgres-leases.ts: for keepers in one process (tests of
 * several workers sharing the work, on a clock the test moves). An acquire is granted when the
 * name is free, has run out, or is already this holder's, under a token above the name's last
 * one; a renewal extends an unexpired lease of the same holder and token; a release makes it free
 * at once. The members count the holders whose last heartbeat is less than a time to live old.
 * Time is the `now` given (a monotonic clock in milliseconds), the one clock every keeper of the
 * process shares, as the database server's is for PostgresLeases.
 */
import { performance } from 'node:perf_hooks';
import type { Lease, Leases, Renewal } from '../../application/ports/lease.ts';

export type LocalLeasesOptions = Readonly<{
  /** how long a lease, or a member's heartbeat, lasts without renewal */
  ttlMs: number;
  /** a monotonic clock in milliseconds (default performance.now) */
  now?: () => number;
}>;

type Granted = Readonly<{ lease: Lease; expiresAt: number }>;

export class LocalLeases implements Leases {
  readonly ttlMs: number;
  readonly renewEveryMs: number;
  private readonly now: () => number;
  private readonly current = new Map<string, Granted>();
  /** each member's heartbeat runs out at */
  private readonly members = new Map<string, number>();

  constructor(options: LocalLeasesOptions) {
    this.ttlMs = options.ttlMs;
    this.renewEveryMs = Math.max(1, Math.floor(this.ttlMs / 3));
    this.now = options.now ?? (() => performance.now());
  }

  async acquire(name: string, holder: string): Promise<Lease | null> {
    const granted = this.current.get(name);
    if (granted !== undefined && granted.expiresAt > this.now() && granted.lease.holder !== holder) return null;
    const lease: Lease = { name, holder, token: (granted?.lease.token ?? 0n) + 1n };
    this.current.set(name, { lease, expiresAt: this.now() + this.ttlMs });
    return lease;
  }

  async renew(lease: Lease): Promise<Renewal> {
    if (!this.holds(lease)) return 'lost';
    this.current.set(lease.name, { lease, expiresAt: this.now() + this.ttlMs });
    return 'held';
  }

  async release(lease: Lease): Promise<void> {
    // kept, expired: the next holder's token must still be above this one's
    if (this.holds(lease)) this.current.set(lease.name, { lease, expiresAt: Number.NEGATIVE_INFINITY });
  }

  async heartbeat(holder: string): Promise<number> {
    this.members.set(holder, this.now() + this.ttlMs);
    return [...this.members.values()].filter((expiresAt) => expiresAt > this.now()).length;
  }

  async leave(holder: string): Promise<void> {
    this.members.delete(holder);
  }

  private holds(lease: Lease): boolean {
    const granted = this.current.get(lease.name);
    return (
      granted !== undefined &&
      granted.expiresAt > this.now() &&
      granted.lease.holder === lease.holder &&
      granted.lease.token === lease.token
    );
  }
}
