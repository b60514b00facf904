import type pg from 'pg';
import type { Snapshot, SnapshotStore, StoredSnapshot } from '../../application/ports/snapshot-store.ts';
import { createUnderLock } from '../postgres/create-under-lock.ts';
import { hubPool } from '../postgres/hub-pool.ts';

/** The advisory lock (two-int4 form) held while creating the table; the event store's space is 0x48554201, the leases' 0x48554202. */
const SCHEMA_LOCK: readonly [number, number] = [0x48554203, 0];

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS snapshots (
    stream        text   NOT NULL,
    schema        text   NOT NULL,
    revision      bigint NOT NULL,
    last_event_id text   NOT NULL,
    state         text   NOT NULL,
    PRIMARY KEY (stream, schema)
  );
`;

const LOAD = 'SELECT revision::text AS revision, last_event_id, state FROM snapshots WHERE stream = $1 AND schema = $2';

// a slower hub's older snapshot never replaces a newer one
const SAVE = `
  INSERT INTO snapshots AS kept (stream, schema, revision, last_event_id, state) VALUES ($1, $2, $3::bigint, $4, $5)
  ON CONFLICT (stream, schema) DO UPDATE
     SET revision = excluded.revision, last_event_id = excluded.last_event_id, state = excluded.state
   WHERE excluded.revision > kept.revision`;

/**
 * Snapshots in the PostgreSQL database of the event store (EVENT_STORE=postgres), shared by the
 * hubs on it: one row per stream and schema, the state as JSON text (text, not jsonb: nothing
 * queries inside it, and a ledger's state runs to megabytes that jsonb would take apart and put
 * together again on every save and load). The table is created on first use.
 */
export class PostgresSnapshotStore implements SnapshotStore {
  private readonly ready: Promise<void>;

  private constructor(private readonly pool: pg.Pool) {
    this.ready = createUnderLock(pool, SCHEMA_LOCK, SCHEMA);
    this.ready.catch(() => undefined); // reported by every call that awaits it
  }

  /** The snapshots in the database at `connectionString` (postgres://…); returns at once, the table is made in the background. */
  static connect(connectionString: string, options: Readonly<{ poolSize?: number }> = {}): PostgresSnapshotStore {
    return new PostgresSnapshotStore(hubPool({ connectionString, max: options.poolSize ?? 2 }));
  }

  async load(stream: string, schema: string): Promise<StoredSnapshot | undefined> {
    await this.ready;
    const result = await this.pool.query<Readonly<{ revision: string; last_event_id: string; state: string }>>(LOAD, [stream, schema]);
    const row = result.rows[0];
    return row === undefined ? undefined : { revision: BigInt(row.revision), lastEventId: row.last_event_id, state: JSON.parse(row.state) };
  }

  async save(snapshot: Snapshot): Promise<void> {
    await this.ready;
    const { stream, schema, revision, lastEventId, state } = snapshot;
    await this.pool.query(SAVE, [stream, schema, revision.toString(), lastEventId, JSON.stringify(state)]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
