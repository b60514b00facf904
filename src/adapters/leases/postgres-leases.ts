/**
 * Leases in PostgreSQL, for several hub processes sharing one database: each reaction is worked by
 * one process at a time, the holder of its lease (wired in by src/main/leased-hub-work.ts and
 * ./lease-keeper.ts).
 *
 * Why a table with an expiry, and not advisory locks (what emmett and Marten's daemon use). A
 * session advisory lock belongs to a connection: behind a transaction pooler (PgBouncer in
 * transaction mode, RDS Proxy) the server connection is handed to another client after each
 * transaction, so the lock is held for a session nobody owns, or released under its holder, or
 * taken twice (emmett issue 328; /work/shared/SCALE-NOTES.md). A lock that lives as long as a
 * connection also says nothing about whether its holder still works: a process stuck in a loop
 * or paused keeps it. A row with an expiry works through any pooler (every statement here stands
 * alone, in its own transaction), ends when the holder stops renewing, and can carry a fencing
 * token.
 *
 * The table, `leases`: `name` (primary key, the work), `holder`, `token` (bigint, the fencing
 * token), `expires_at` (timestamptz). Time is the DATABASE SERVER's clock only: a lease is
 * granted or renewed until `now() + ttl` and compared with `now()`, both read by the server, so
 * the workers' clocks, however wrong, never decide who holds a lease.
 * - acquire: one statement, `INSERT … ON CONFLICT (name) DO UPDATE … WHERE expired (or already
 *   this holder's) RETURNING token`. A new name starts at token 1; each take-over adds 1, so the
 *   tokens of a name only grow. Two workers racing: the second waits on the row (the unique index
 *   or the row lock), then sees the first's unexpired lease and gets no row back: null.
 * - renew: `UPDATE … SET expires_at = now() + ttl WHERE name, holder and token match AND
 *   expires_at > now()`: a lease that ran out is lost even if nobody has taken it yet.
 * - release: sets `expires_at` to `-infinity` (never deletes the row: the next holder's token
 *   must still be above this one's), so another worker may acquire it at once.
 *
 * The members, `lease_members`: `holder` (primary key), `expires_at`, by the same server clock and
 * time to live. A worker's heartbeat (every `renewEveryMs`, with its renewals) is one statement:
 * it upserts its own row until `now() + ttl`, counts the others' rows that have not run out, and
 * answers that count plus itself; on the way it deletes rows that ran out (a worker killed
 * without leaving), skipping any row another statement has locked, so two heartbeats never wait
 * on each other. A worker that stops leaves: its row is deleted, and the others' share grows at
 * their next heartbeat rather than a time to live later. A worker killed is counted out when its
 * row runs out, as its leases do.
 *
 * The fencing token. A holder that pauses past its lease (GC, a stalled network, a suspended VM)
 * wakes believing it still holds it; another worker has taken over meanwhile. Every write made
 * under the lease carries its token, and the store refuses a write whose token is not the
 * lease's current one (../checkpoints/postgres-checkpoint-store.ts: the checkpoint is saved only
 * if the lease row still has that holder and token and has not expired, and locks that row while
 * it saves, so a take-over waits for a save already under way and a save after a take-over is
 * refused). So a late holder can repeat work (delivery is at least once anyway) but never move
 * the checkpoint of the work it lost.
 *
 * Timing. The time to live is `ttlMs` (LEASE_TTL_MS; default 15,000 ms); a holder
 * renews every `renewEveryMs`, a third of it, and stops working on the first `lost` or when it has
 * not heard `held` for a whole time to live since it sent its last successful renewal. A holder
 * that dies is taken over once its lease has run out: within `ttlMs` plus the interval at which
 * the other workers try to acquire (say `renewEveryMs`) of its last renewal.
 */
import type pg from 'pg';
import { createUnderLock } from '../postgres/create-under-lock.ts';
import type { Lease, Leases, Renewal } from '../../application/ports/lease.ts';
import { whileReachable } from '../postgres/unreachable.ts';
import { hubPool } from '../postgres/hub-pool.ts';

export const DEFAULT_LEASE_TTL_MS = 15_000;
/** the longest time to live accepted: an int4 of milliseconds, as the statements pass it */
const LONGEST_TTL_MS = 2_147_483_647;

/** The advisory lock (two-int4 form) held while creating the leases' and checkpoints' tables; the event store's space is 0x48554201. */
const SCHEMA_LOCK: readonly [number, number] = [0x48554202, 0];

export const LEASE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS leases (
    name       text        PRIMARY KEY,
    holder     text        NOT NULL,
    token      bigint      NOT NULL,
    expires_at timestamptz NOT NULL
  );
  CREATE TABLE IF NOT EXISTS lease_members (
    holder     text        PRIMARY KEY,
    expires_at timestamptz NOT NULL
  );
`;

/** Creates `schema` under the lock that every table of this file and of the PostgreSQL checkpoint store share (it creates `leases` too). */
export const createSchema = (pool: pg.Pool, schema: string): Promise<void> => createUnderLock(pool, SCHEMA_LOCK, schema);

const TTL = `now() + $3::integer * interval '1 millisecond'`;

const ACQUIRE = `
  INSERT INTO leases AS lease (name, holder, token, expires_at)
  VALUES ($1, $2, 1, ${TTL})
  ON CONFLICT (name) DO UPDATE
     SET holder = excluded.holder, token = lease.token + 1, expires_at = excluded.expires_at
   WHERE lease.expires_at <= now() OR lease.holder = excluded.holder
  RETURNING token::text`;

const RENEW = `
  UPDATE leases SET expires_at = now() + $4::integer * interval '1 millisecond'
   WHERE name = $1 AND holder = $2 AND token = $3::bigint AND expires_at > now()`;

const RELEASE = `UPDATE leases SET expires_at = '-infinity' WHERE name = $1 AND holder = $2 AND token = $3::bigint`;

// the CTEs' changes are not seen by the count (one snapshot): hence the others' rows, plus this one
const HEARTBEAT = `
  WITH beat AS (
    INSERT INTO lease_members (holder, expires_at)
    VALUES ($1, now() + $2::integer * interval '1 millisecond')
    ON CONFLICT (holder) DO UPDATE SET expires_at = excluded.expires_at
  ), gone AS (
    DELETE FROM lease_members
     WHERE holder IN (SELECT holder FROM lease_members WHERE expires_at <= now() AND holder <> $1 FOR UPDATE SKIP LOCKED)
  )
  SELECT 1 + count(*)::integer AS members FROM lease_members WHERE expires_at > now() AND holder <> $1`;

const LEAVE = 'DELETE FROM lease_members WHERE holder = $1';

export type PostgresLeasesOptions = Readonly<{
  /** how long a lease lasts without renewal, by the database server's clock (default 15,000 ms) */
  ttlMs?: number;
  /** connections of the pool (default 2: a holder makes one short statement at a time) */
  poolSize?: number;
}>;

export class PostgresLeases implements Leases {
  readonly ttlMs: number;
  readonly renewEveryMs: number;

  private constructor(
    private readonly pool: pg.Pool,
    ttlMs: number,
  ) {
    this.ttlMs = ttlMs;
    this.renewEveryMs = Math.max(1, Math.floor(ttlMs / 3));
  }

  /** Leases in the database at `connectionString` (postgres://…); creates the `leases` and `lease_members` tables if they are not there. */
  static async open(connectionString: string, options: PostgresLeasesOptions = {}): Promise<PostgresLeases> {
    const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    if (!Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > LONGEST_TTL_MS)
      throw new RangeError(`a lease's time to live is a whole number of milliseconds from 1 to ${LONGEST_TTL_MS}, not ${ttlMs}`);
    const pool = hubPool({ connectionString, max: options.poolSize ?? 2 });
    try {
      await createSchema(pool, LEASE_SCHEMA);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresLeases(pool, ttlMs);
  }

  async acquire(name: string, holder: string): Promise<Lease | null> {
    const result = await this.pool.query<Readonly<{ token: string }>>(ACQUIRE, [name, holder, this.ttlMs]);
    const row = result.rows[0];
    return row === undefined ? null : { name, holder, token: BigInt(row.token) };
  }

  async renew(lease: Lease): Promise<Renewal> {
    const result = await this.pool.query(RENEW, [lease.name, lease.holder, lease.token.toString(), this.ttlMs]);
    return result.rowCount === 1 ? 'held' : 'lost';
  }

  async release(lease: Lease): Promise<void> {
    await this.pool.query(RELEASE, [lease.name, lease.holder, lease.token.toString()]);
  }

  async heartbeat(holder: string): Promise<number> {
    const result = await this.pool.query<Readonly<{ members: number }>>(HEARTBEAT, [holder, this.ttlMs]);
    return result.rows[0]?.members ?? 1;
  }

  /** Who holds each lease now (a lease run out, or released, is held by no one). */
  async holders(): Promise<ReadonlyMap<string, string>> {
    return whileReachable(async () => {
      const result = await this.pool.query<Readonly<{ name: string; holder: string }>>(
        'SELECT name, holder FROM leases WHERE holder IS NOT NULL AND expires_at > now()',
      );
      return new Map(result.rows.map(({ name, holder }) => [name, holder]));
    });
  }

  async leave(holder: string): Promise<void> {
    await this.pool.query(LEAVE, [holder]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
