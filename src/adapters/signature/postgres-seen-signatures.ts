/**
 * The signatures of messages received, in PostgreSQL (EVENT_STORE=postgres: the event store's
 * database), shared by every hub on it, so that a message replayed to another hub is refused as
 * well: a signature's first sight is true once across the hubs (the signature is the primary key:
 * `INSERT … ON CONFLICT DO NOTHING`, and only the insert that added the row counts; of two at
 * once, the second waits for the first and inserts nothing). As ./sqlite-seen-signatures.ts, each
 * sight first forgets the signatures older than twice the tolerance (their timestamps are stale
 * by then, and refused for that), by the receiving hub's clock.
 *
 * The table, `seen_signatures`: `signature` (primary key), `seen_at_ms` (bigint, milliseconds
 * since the epoch), indexed by age. It is created on first use, under an advisory lock
 * (../postgres/create-under-lock.ts).
 */
import type pg from 'pg';
import { createUnderLock } from '../postgres/create-under-lock.ts';
import { type SeenSignatures, TOLERANCE_SECONDS } from './hub-signature.ts';
import { whileReachable } from '../postgres/unreachable.ts';
import { hubPool } from '../postgres/hub-pool.ts';

/** The advisory lock (two-int4 form) held while creating the table; the hub's shared state is 0x48554204. */
const SCHEMA_LOCK: readonly [number, number] = [0x48554204, 3];

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS seen_signatures (
    signature  text   PRIMARY KEY,
    seen_at_ms bigint NOT NULL
  );
  CREATE INDEX IF NOT EXISTS seen_signatures_by_age ON seen_signatures (seen_at_ms);
`;

const FORGET = 'DELETE FROM seen_signatures WHERE seen_at_ms < $1';

const SEE = 'INSERT INTO seen_signatures (signature, seen_at_ms) VALUES ($1, $2) ON CONFLICT (signature) DO NOTHING';

export class PostgresSeenSignatures implements SeenSignatures {
  private readonly ready: Promise<void>;

  private constructor(private readonly pool: pg.Pool) {
    this.ready = createUnderLock(pool, SCHEMA_LOCK, SCHEMA);
    this.ready.catch(() => undefined); // reported by every call that awaits it
  }

  /** The signatures in the database at `connectionString` (postgres://…); returns at once, the table is made in the background. */
  static connect(connectionString: string): PostgresSeenSignatures {
    return new PostgresSeenSignatures(hubPool({ connectionString, max: 2, connectionTimeoutMillis: 5_000 }));
  }

  async firstSight(signature: string, nowMs: number): Promise<boolean> {
    return whileReachable(async () => {
      await this.ready;
      await this.pool.query(FORGET, [nowMs - 2 * TOLERANCE_SECONDS * 1000]);
      return (await this.pool.query(SEE, [signature, nowMs])).rowCount === 1;
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
