/**
 * Leases in memory, on a clock the test moves: the rules of PostgresLeases (./postgres-leases.test.ts
 * holds those to the real server), so that several keepers in one process can share them.
 */
import { describe, expect, test } from 'vitest';
import { LocalLeases } from '../../../src/adapters/leases/local-leases.ts';
import type { Lease } from '../../../src/application/ports/lease.ts';

const TTL_MS = 300;

const clocked = () => {
  const clock = { now: 0 };
  return { clock, leases: new LocalLeases({ ttlMs: TTL_MS, now: () => clock.now }) };
};

/** The lease granted; fails the test if none was. */
const granted = (lease: Lease | null): Lease => {
  expect(lease).not.toBeNull();
  return lease ?? { name: '', holder: '', token: 0n };
};

describe('LocalLeases', () => {
  test('a held lease is refused to another holder until it runs out or is released; each new grant has a higher token', async () => {
    const { clock, leases } = clocked();
    expect(leases.renewEveryMs).toBe(100);
    const first = granted(await leases.acquire('reaction', 'a'));
    expect(first.token).toBe(1n);
    expect(await leases.acquire('reaction', 'b')).toBeNull();
    clock.now = TTL_MS - 1;
    expect(await leases.acquire('reaction', 'b')).toBeNull();
    clock.now = TTL_MS;
    const second = granted(await leases.acquire('reaction', 'b'));
    expect(second.token).toBe(2n);
    expect(await leases.renew(first)).toBe('lost');
    await leases.release(first); // already lost: changes nothing
    expect(await leases.renew(second)).toBe('held');
    await leases.release(second);
    expect(await leases.renew(second)).toBe('lost');
    expect(granted(await leases.acquire('reaction', 'a')).token).toBe(3n);
  });

  test('a renewal extends the lease by a time to live; one that ran out cannot be renewed; the same holder asking again gets a new token', async () => {
    const { clock, leases } = clocked();
    const lease = granted(await leases.acquire('reaction', 'a'));
    clock.now = 200;
    expect(await leases.renew(lease)).toBe('held');
    clock.now = 450;
    expect(await leases.acquire('reaction', 'b')).toBeNull();
    const again = granted(await leases.acquire('reaction', 'a'));
    expect(again.token).toBe(2n);
    expect(await leases.renew(lease)).toBe('lost');
    clock.now = 450 + TTL_MS;
    expect(await leases.renew(again)).toBe('lost');
  });

  test('a heartbeat counts the holders alive, itself once; one that leaves is counted out at once, one that stops beating after a time to live', async () => {
    const { clock, leases } = clocked();
    expect(await leases.heartbeat('a')).toBe(1);
    expect(await leases.heartbeat('b')).toBe(2);
    expect(await leases.heartbeat('a')).toBe(2);
    await leases.leave('b');
    expect(await leases.heartbeat('a')).toBe(1);
    expect(await leases.heartbeat('c')).toBe(2);
    clock.now = TTL_MS - 1;
    expect(await leases.heartbeat('a')).toBe(2);
    clock.now = TTL_MS;
    expect(await leases.heartbeat('a')).toBe(1);
  });
});
