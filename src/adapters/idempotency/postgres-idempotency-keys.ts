/**
 * Idempotency keys and the request each was first used for, in PostgreSQL (EVENT_STORE=postgres:
 * the event store's database), shared by every hub on it, to the same rules as
 * ./sqlite-idempotency-keys.ts: a key is bound once and kept for ever; two hubs binding it at once
 * (the key is the primary key, `ON CONFLICT DO NOTHING`) leave the first binding, and the other
 * request is refused from then on, whichever hub it reaches.
 *
 * The table, `idempotency_keys`: `key` (primary key), `request`, `bound_at` (text, as given). It
 * is created on first use, under an advisory lock (../postgres/create-under-lock.ts).
 */
import type pg from 'pg';
import type { IdempotencyKeys, KeyUse } from '../http/idempotency-key.ts';
import { createUnderLock } from '../postgres/create-under-lock.ts';
import { whileReachable } from '../postgres/unreachable.ts';
import { hubPool } from '../postgres/hub-pool.ts';

/** The advisory lock (two-int4 form) held while creating the table; the hub's shared state is 0x48554204. */
const SCHEMA_LOCK: readonly [number, number] = [0x48554204, 2];

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS idempotency_keys (
    key      text PRIMARY KEY,
    request  text NOT NULL,
    bound_at text NOT NULL
  );
`;

const FIND = 'SELECT request FROM idempotency_keys WHERE key = $1';

const BIND = 'INSERT INTO idempotency_keys (key, request, bound_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING';

export class PostgresIdempotencyKeys implements IdempotencyKeys {
  private readonly ready: Promise<void>;

  private constructor(private readonly pool: pg.Pool) {
    this.ready = createUnderLock(pool, SCHEMA_LOCK, SCHEMA);
    this.ready.catch(() => undefined); // reported by every call that awaits it
  }

  /** The keys in the database at `connectionString` (postgres://…); returns at once, the table is made in the background. */
  static connect(connectionString: string): PostgresIdempotencyKeys {
    return new PostgresIdempotencyKeys(hubPool({ connectionString, max: 2, connectionTimeoutMillis: 5_000 }));
  }

  async use(key: string, request: string): Promise<KeyUse> {
    return whileReachable(async () => {
      await this.ready;
      const bound = (await this.pool.query<Readonly<{ request: string }>>(FIND, [key])).rows[0]?.request;
      if (bound === undefined) return { kind: 'new' };
      return bound === request ? { kind: 'same' } : { kind: 'other', request: bound };
    });
  }

  async bind(key: string, request: string, at: string): Promise<void> {
    return whileReachable(async () => {
      await this.ready;
      await this.pool.query(BIND, [key, request, at]);
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
