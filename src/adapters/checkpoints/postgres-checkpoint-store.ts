/**
 * Subscribers' checkpoints in PostgreSQL, saved compare-and-set against a lease
 * (../leases/postgres-leases.ts), for hub processes sharing one database: only the worker that
 * holds a reaction's lease, under its current fencing token, can move that reaction's
 * checkpoint. Wired in by src/main/leased-hub-work.ts (EVENT_STORE=postgres).
 *
 * The table, `checkpoints`: `subscriber` (primary key), `position` (text, "commit/prepare", as in
 * SQLite: exact for any store), `lease_token` (the token of the lease it was saved under, to tell
 * which holder wrote it).
 *
 * How the port carries the token. `CheckpointStore.save(subscriber, position)` has no room for a
 * lease, and every caller (each reaction, the projection runner) takes a `CheckpointStore`. So
 * rather than change the port and every caller, this store hands out a fenced view per lease:
 * `store.fencedBy(lease)` is a `CheckpointStore` whose every save is made under that lease. The
 * worker that acquires a reaction's lease gives the reaction the view of that lease; a reaction
 * that lost its lease therefore fails its next save with `LeaseLost`, and stops. There is no
 * unfenced save on purpose: a save that skipped the fence would undo its point.
 *
 * The save is one statement. A CTE reads the lease row `FOR SHARE` where name, holder and token
 * match and `expires_at > now()` (the server's clock), and the upsert inserts from it, so that no
 * row means no write: the save then throws `LeaseLost` and the checkpoint stays as it was. The
 * row lock makes it a fence even against a take-over at the same moment: a take-over (an UPDATE
 * of that row) waits for a save that locked the row first, and a save that waited for a take-over
 * re-reads the row as it committed, sees the new token, and writes nothing (READ COMMITTED
 * re-checks a locked row's conditions on its newest version).
 */
import pg from 'pg';
import type { CheckpointStore } from '../../application/ports/checkpoint-store.ts';
import { type Position, positionFromString, positionToString } from '../../application/ports/event-store.ts';
import { type Lease, LeaseLost } from '../../application/ports/lease.ts';
import { LEASE_SCHEMA, createSchema } from '../leases/postgres-leases.ts';

const CHECKPOINT_SCHEMA = `
  ${LEASE_SCHEMA}
  CREATE TABLE IF NOT EXISTS checkpoints (
    subscriber  text   PRIMARY KEY,
    position    text   NOT NULL,
    lease_token bigint NOT NULL
  );
`;

const LOAD = 'SELECT position FROM checkpoints WHERE subscriber = $1';

const SAVE_UNDER_LEASE = `
  WITH fence AS (
    SELECT token FROM leases
     WHERE name = $3 AND holder = $4 AND token = $5::bigint AND expires_at > now()
       FOR SHARE
  )
  INSERT INTO checkpoints AS saved (subscriber, position, lease_token)
  SELECT $1, $2, token FROM fence
  ON CONFLICT (subscriber) DO UPDATE SET position = excluded.position, lease_token = excluded.lease_token`;

export type PostgresCheckpointStoreOptions = Readonly<{
  /** connections of the pool (default 2) */
  poolSize?: number;
}>;

export class PostgresCheckpointStore {
  private constructor(private readonly pool: pg.Pool) {}

  /** The checkpoints in the database at `connectionString` (postgres://…); creates `leases` and `checkpoints` if they are not there. */
  static async open(connectionString: string, options: PostgresCheckpointStoreOptions = {}): Promise<PostgresCheckpointStore> {
    const pool = new pg.Pool({ connectionString, max: options.poolSize ?? 2 });
    pool.on('error', () => undefined); // an idle connection that breaks is dropped; the next statement opens another
    try {
      await createSchema(pool, CHECKPOINT_SCHEMA);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresCheckpointStore(pool);
  }

  /** undefined: the subscriber has never saved. Reading needs no lease. */
  async load(subscriber: string): Promise<Position | undefined> {
    const result = await this.pool.query<Readonly<{ position: string }>>(LOAD, [subscriber]);
    const row = result.rows[0];
    return row === undefined ? undefined : positionFromString(row.position);
  }

  /**
   * Saves `position` for `subscriber` if `lease` is still its holder's, under that token, and
   * unexpired; otherwise throws {@link LeaseLost} and changes nothing.
   */
  async saveUnder(lease: Lease, subscriber: string, position: Position): Promise<void> {
    const result = await this.pool.query(SAVE_UNDER_LEASE, [
      subscriber,
      positionToString(position),
      lease.name,
      lease.holder,
      lease.token.toString(),
    ]);
    if (result.rowCount !== 1) throw new LeaseLost(lease);
  }

  /** The port for a worker holding `lease`: loads as {@link load}, saves as {@link saveUnder} with that lease. */
  fencedBy(lease: Lease): CheckpointStore {
    return {
      load: (subscriber) => this.load(subscriber),
      save: (subscriber, position) => this.saveUnder(lease, subscriber, position),
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
