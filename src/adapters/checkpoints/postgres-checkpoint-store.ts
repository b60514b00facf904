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
 * Saves are batched: while one statement is under way, the saves asked for meanwhile (each
 * reaction saves after each event it has handled: under load they all do at once) wait and go
 * together in the next, each row under its own lease, each caller answered for its own row. The
 * save is one statement. A CTE reads the lease row `FOR SHARE` where name, holder and token
 * match and `expires_at > now()` (the server's clock), and the upsert inserts from it, so that no
 * row means no write: the save then throws `LeaseLost` and the checkpoint stays as it was. The
 * row lock makes it a fence even against a take-over at the same moment: a take-over (an UPDATE
 * of that row) waits for a save that locked the row first, and a save that waited for a take-over
 * re-reads the row as it committed, sees the new token, and writes nothing (READ COMMITTED
 * re-checks a locked row's conditions on its newest version).
 *
 * Saves are committed without waiting for the disk (`synchronous_commit=off` on this store's
 * connections): a checkpoint is progress, not a fact, so a crash of the database server may lose
 * its last moves (the reactions then handle those events again, as after any crash: at least
 * once), and a reaction does not wait for a disk flush after each event it has handled. The fence
 * is checked all the same: the lease row is locked and compared when the statement runs.
 */
import type pg from 'pg';
import type { CheckpointStore } from '../../application/ports/checkpoint-store.ts';
import { type Position, positionFromString, positionToString } from '../../application/ports/event-store.ts';
import { type Lease, LeaseLost } from '../../application/ports/lease.ts';
import { LEASE_SCHEMA, createSchema } from '../leases/postgres-leases.ts';
import { hubPool } from '../postgres/hub-pool.ts';

const CHECKPOINT_SCHEMA = `
  ${LEASE_SCHEMA}
  CREATE TABLE IF NOT EXISTS checkpoints (
    subscriber  text   PRIMARY KEY,
    position    text   NOT NULL,
    lease_token bigint NOT NULL
  );
`;

const LOAD = 'SELECT position FROM checkpoints WHERE subscriber = $1';

/** Several saves in one statement, each under its own lease: the subscribers returned are the ones saved. */
const SAVE_UNDER_LEASES = `
  WITH wanted AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) AS w(subscriber, position, name, holder, token)
  ), fence AS (
    SELECT wanted.subscriber, wanted.position, leases.token FROM wanted
      JOIN leases ON leases.name = wanted.name AND leases.holder = wanted.holder AND leases.token = wanted.token
                 AND leases.expires_at > now()
       FOR SHARE OF leases
  )
  INSERT INTO checkpoints AS saved (subscriber, position, lease_token)
  SELECT subscriber, position, token FROM fence
  ON CONFLICT (subscriber) DO UPDATE SET position = excluded.position, lease_token = excluded.lease_token
  RETURNING subscriber`;

type WaitingSave = Readonly<{
  lease: Lease;
  subscriber: string;
  position: Position;
  resolve: () => void;
  reject: (error: unknown) => void;
}>;

export type PostgresCheckpointStoreOptions = Readonly<{
  /** connections of the pool (default 2) */
  poolSize?: number;
}>;

export class PostgresCheckpointStore {
  /** the saves asked for while a statement was under way: the next statement's */
  private waiting: WaitingSave[] = [];
  private saving = false;

  private constructor(private readonly pool: pg.Pool) {}

  /** The checkpoints in the database at `connectionString` (postgres://…); creates `leases` and `checkpoints` if they are not there. */
  static async open(connectionString: string, options: PostgresCheckpointStoreOptions = {}): Promise<PostgresCheckpointStore> {
    // a checkpoint's commit does not wait for the disk: a server crash may lose its last moves, and the reactions then do those events again (at least once, as ever)
    const pool = hubPool({
      connectionString,
      max: options.poolSize ?? 2,
      connectionTimeoutMillis: 5_000,
      options: '-c synchronous_commit=off',
    });
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
  saveUnder(lease: Lease, subscriber: string, position: Position): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ lease, subscriber, position, resolve, reject });
      if (!this.saving) void this.saveWaiting();
    });
  }

  /** One statement at a time, for every save that came meanwhile: each reaction saves after each event, all of them at once under load. */
  private async saveWaiting(): Promise<void> {
    this.saving = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      // one row per subscriber, its latest (a reaction saves one position at a time: a guard, not a case)
      const saves = [...new Map(batch.map((save) => [save.subscriber, save])).values()];
      try {
        const result = await this.pool.query<Readonly<{ subscriber: string }>>(SAVE_UNDER_LEASES, [
          saves.map((save) => save.subscriber),
          saves.map((save) => positionToString(save.position)),
          saves.map((save) => save.lease.name),
          saves.map((save) => save.lease.holder),
          saves.map((save) => save.lease.token.toString()),
        ]);
        const saved = new Set(result.rows.map((row) => row.subscriber));
        for (const save of batch) {
          if (saved.has(save.subscriber)) save.resolve();
          else save.reject(new LeaseLost(save.lease));
        }
      } catch (error) {
        for (const save of batch) save.reject(error);
      }
    }
    this.saving = false;
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
