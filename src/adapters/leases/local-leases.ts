/**
 * Leases for the embedded topology: one hub process, so one worker, and nobody to share the work
 * with. Every acquire is granted, with a token above the name's last one, and takes the lease
 * over from any earlier lease on that name (which renew then reports lost); nothing expires. In
 * memory: a restarted process starts the tokens again, which is harmless, as nothing outside
 * this process checks them.
 */
import type { Lease, Leases, Renewal } from '../../application/ports/lease.ts';

export class LocalLeases implements Leases {
  /** nothing expires here; a holder's renewal only asks whether it was taken over */
  readonly renewEveryMs = 60_000;
  private readonly current = new Map<string, Lease>();
  private readonly lastToken = new Map<string, bigint>();

  async acquire(name: string, holder: string): Promise<Lease> {
    const lease: Lease = { name, holder, token: (this.lastToken.get(name) ?? 0n) + 1n };
    this.lastToken.set(name, lease.token);
    this.current.set(name, lease);
    return lease;
  }

  async renew(lease: Lease): Promise<Renewal> {
    return this.holds(lease) ? 'held' : 'lost';
  }

  async release(lease: Lease): Promise<void> {
    if (this.holds(lease)) this.current.delete(lease.name);
  }

  private holds(lease: Lease): boolean {
    const current = this.current.get(lease.name);
    return current !== undefined && current.holder === lease.holder && current.token === lease.token;
  }
}
