/**
 * The projections' rows and checkpoints in PostgreSQL, in a schema of their own (`read_models` by
 * default), for hub processes sharing one database: every api process reads the same reports, and
 * the worker that holds the `projections` lease writes them.
 *
 * As in SQLite (./sqlite-projection-store.ts): each projection has a row in
 * `projection_checkpoints` (version, zone, tables' fingerprint, checkpoint, generation of its
 * tables); a batch's rows and checkpoints are one transaction; fresh tables are `<table>__rebuild`,
 * filled beside the live ones, indexed, and swapped in by one transaction of renames (PostgreSQL's
 * DDL is transactional: readers keep the old tables until that commit).
 *
 * Every write transaction first takes one transaction-level advisory lock, so that transactions
 * run one at a time across every process on the database: a runner reads the checkpoints inside
 * its transaction, under the lock, and passes over what another runner (or a rebuild) applied
 * meanwhile. Two runners at once waste work; they never apply an event twice.
 *
 * PostgreSQL answers later, never at once: an evolve's read of a row the batch does not hold yet
 * throws `RowNotAtHand`, and the runner fetches it and runs the evolve again (./row-batch.ts).
 * Writes are queued and sent at the flush, many rows per statement.
 */
import pg from 'pg';
import { type Position, positionToString } from '../../application/ports/event-store.ts';
import type { AnyTable, Row } from '../../application/projections/projection.ts';
import type { Projection } from '../../application/projections/projection.ts';
import { createUnderLock, underLock } from '../postgres/create-under-lock.ts';
import { whileReachable } from '../postgres/unreachable.ts';
import { type Checkpoint, parseCheckpoint } from './checkpoint.ts';
import { type FreshTables, type ProjectionStore, type RowSink, type StateRow, preparationOf, stateValues } from './projection-store.ts';
import { createIndexSql, createTableSql, quote } from './projection-tables.ts';
import { LATER, RowBatch, type RowWriter, type Writers } from './row-batch.ts';
import { TableShape } from './table-shape.ts';
import { hubPool } from '../postgres/hub-pool.ts';

/** The advisory lock of the write transactions on the read models in `schema` (and of their creation). */
const lockOf = (schema: string): readonly [number, number] => {
  let hash = 0;
  for (const char of schema) hash = (Math.imul(hash, 31) + (char.codePointAt(0) ?? 0)) | 0;
  return [0x6f6d73, hash];
};

const REBUILD_SUFFIX = '__rebuild';

/** At most this many parameters in one statement (PostgreSQL allows 65,535). */
const MAX_PARAMETERS = 30_000;

export const META = `
  CREATE TABLE IF NOT EXISTS projection_checkpoints (
    name        text    PRIMARY KEY,
    version     integer NOT NULL,
    zone        text    NOT NULL,
    fingerprint text    NOT NULL,
    position    text,
    generation  integer NOT NULL,
    tables      text    NOT NULL
  )
`;

/**
 * A pool whose connections see `schema` first, and read BIGINT and NUMERIC (counts, sums) as
 * numbers, as SQLite gives them: read-model integers are quantities, counts and epoch
 * milliseconds, all well inside 2^53.
 */
export const readModelPool = (url: string, schema: string, max = 4): pg.Pool =>
  hubPool({
    connectionString: url,
    max,
    // a process stopped inside a transaction (SIGSTOP, a debugger) would hold its transaction id,
    // and every reader of the event store's $all waits for the oldest open one: the server ends
    // such a session after 5 s, as it does the event store's (its statements run back to back)
    options: `-c search_path=${quote(schema)} -c idle_in_transaction_session_timeout=5000`,
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });

type Queryable = pg.Pool | pg.PoolClient;

/** One projection table in PostgreSQL: a row read when asked for, writes queued until the flush. */
class PostgresTableWriter implements RowWriter {
  readonly shape: TableShape;
  private readonly select: string;
  private readonly upsertHead: string;
  private readonly upsertTail: string;
  private rows: Row[] = [];
  private deletions: Row[] = [];

  constructor(
    definition: AnyTable,
    private readonly physical: string,
    /** reads: the transaction's connection, or (a rebuild's fresh tables, read between its flushes) the pool */
    private readonly reader: () => Queryable,
    private readonly client: () => pg.PoolClient,
  ) {
    this.shape = new TableShape(definition);
    const columns = this.shape.columns;
    const keys = definition.key;
    const others = columns.filter((c) => !keys.includes(c));
    this.select = `SELECT ${columns.map(quote).join(', ')} FROM ${quote(physical)} WHERE ${keys.map((k, i) => `${quote(k)} = $${i + 1}`).join(' AND ')}`;
    this.upsertHead = `INSERT INTO ${quote(physical)} (${columns.map(quote).join(', ')}) VALUES `;
    this.upsertTail = ` ON CONFLICT (${keys.map(quote).join(', ')}) DO ${others.length === 0 ? 'NOTHING' : `UPDATE SET ${others.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(', ')}`}`;
  }

  readNow(): typeof LATER {
    return LATER;
  }

  async readLater(key: Row): Promise<Row | null> {
    const { rows } = await this.reader().query<Record<string, unknown>>(this.select, this.shape.keyValues(key));
    const found = rows[0];
    return found === undefined ? null : this.shape.fromStored(found);
  }

  write(row: Row): void {
    this.rows.push(row);
  }

  delete(key: Row): void {
    this.deletions.push(key);
  }

  async written(): Promise<void> {
    const client = this.client();
    const [rows, deletions] = [this.rows, this.deletions];
    this.rows = [];
    this.deletions = [];
    const width = this.shape.columns.length;
    for (const chunk of chunks(rows, Math.max(1, Math.floor(MAX_PARAMETERS / width)))) {
      const values = chunk.map((_, r) => `(${this.shape.columns.map((__, c) => `$${r * width + c + 1}`).join(', ')})`);
      await client.query(
        this.upsertHead + values.join(', ') + this.upsertTail,
        chunk.flatMap((row) => this.shape.values(row)),
      );
    }
    const keys = this.shape.definition.key;
    for (const chunk of chunks(deletions, Math.max(1, Math.floor(MAX_PARAMETERS / keys.length)))) {
      const tuples = chunk.map((_, r) => `(${keys.map((__, c) => `$${r * keys.length + c + 1}`).join(', ')})`);
      await client.query(
        `DELETE FROM ${quote(this.physical)} WHERE (${keys.map(quote).join(', ')}) IN (${tuples.join(', ')})`,
        chunk.flatMap((key) => this.shape.keyValues(key)),
      );
    }
  }
}

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

export class PostgresProjectionStore implements ProjectionStore {
  /** the tables made as the definitions say; every method waits for it */
  private readonly ready: Promise<void>;
  /** the transactions of this process, one after the other */
  private turn: Promise<unknown> = Promise.resolve();
  /** the connection of the transaction under way */
  private current: pg.PoolClient | undefined;
  private liveWriters: Writers;
  private readonly lock: readonly [number, number];

  /**
   * Makes sure every projection's tables exist as its definition says in `schema` (the one the
   * pool's search path names: ./postgres-projections.ts); one whose version, tables or zone
   * changed starts again empty.
   */
  constructor(
    private readonly pool: pg.Pool,
    schema: string,
    private readonly zone: string,
    private readonly projections: readonly Projection[],
  ) {
    this.lock = lockOf(schema);
    this.liveWriters = this.writersFor(projections, '');
    // the schema first (the pool's search path names it, so nothing can be created before it)
    this.ready = createUnderLock(pool, this.lock, `CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`).then(() =>
      this.writing(async (client) => {
        await client.query(META);
        for (const projection of projections) await this.prepare(client, projection);
      }),
    );
    this.ready.catch(() => undefined);
  }

  /**
   * Read on a connection of their own, also inside a transaction: the checkpoints move only under
   * the lock that transaction holds, so what is committed is what it would see.
   */
  async checkpoints(): Promise<Map<string, Checkpoint>> {
    return whileReachable(async () => {
      await this.ready;
      const rows = new Map((await this.states(this.pool)).map((row) => [row.name, row]));
      return new Map(this.projections.map((p) => [p.name, parseCheckpoint(rows.get(p.name)?.position ?? null)]));
    });
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    return whileReachable(async () => {
      await this.ready;
      return this.writing(() => work());
    });
  }

  liveRows(): RowSink {
    return new RowBatch(this.liveWriters);
  }

  async saveCheckpoint(projection: string, position: Position): Promise<void> {
    await this.inTransaction().query('UPDATE projection_checkpoints SET position = $1 WHERE name = $2', [
      positionToString(position),
      projection,
    ]);
  }

  async freshTables(projections: readonly Projection[]): Promise<FreshTables> {
    await this.ready;
    const states = new Map((await this.states(this.pool)).map((row) => [row.name, row]));
    const generations = new Map(projections.map((p) => [p.name, (states.get(p.name)?.generation ?? 0) + 1]));
    const generationOf = (projection: Projection) => generations.get(projection.name) as number;
    await this.writing(async (client) => {
      for (const projection of projections)
        for (const t of projection.tables) {
          await client.query(`DROP TABLE IF EXISTS ${quote(t.name + REBUILD_SUFFIX)}`);
          await client.query(createTableSql(t, t.name + REBUILD_SUFFIX, 'postgres'));
        }
    });
    const rows = new RowBatch(this.writersFor(projections, REBUILD_SUFFIX), true);
    const swapIn = async (checkpoints: ReadonlyMap<string, Checkpoint>): Promise<void> => {
      for (const projection of projections)
        for (const t of projection.tables)
          for (const sql of createIndexSql(t, t.name + REBUILD_SUFFIX, generationOf(projection))) await this.pool.query(sql);
      await this.writing(async (client) => {
        const now = new Map((await this.states(client)).map((row) => [row.name, row]));
        for (const projection of projections) {
          const previous = now.get(projection.name);
          const names = new Set(projection.tables.map((t) => t.name));
          const obsolete = previous === undefined ? [] : (JSON.parse(previous.tables) as string[]).filter((name) => !names.has(name));
          for (const name of obsolete) await client.query(`DROP TABLE IF EXISTS ${quote(name)}`);
          for (const t of projection.tables) {
            await client.query(`DROP TABLE IF EXISTS ${quote(t.name)}`);
            await client.query(`ALTER TABLE ${quote(t.name + REBUILD_SUFFIX)} RENAME TO ${quote(t.name)}`);
          }
          await this.saveState(client, projection, checkpoints.get(projection.name) ?? null, generationOf(projection));
        }
      });
    };
    return { rows, swapIn };
  }

  /** One write transaction under the read models' lock, after this process's earlier ones. */
  private writing<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const run = (): Promise<T> =>
      underLock(this.pool, this.lock, async (client) => {
        this.current = client;
        try {
          return await work(client);
        } finally {
          this.current = undefined;
        }
      });
    const result = this.turn.then(run, run);
    this.turn = result.catch(() => undefined);
    return result;
  }

  private inTransaction(): pg.PoolClient {
    if (this.current === undefined) throw new Error('a read-model write outside a transaction');
    return this.current;
  }

  private async states(on: Queryable): Promise<StateRow[]> {
    return (await on.query<StateRow>('SELECT * FROM projection_checkpoints')).rows;
  }

  private async prepare(client: pg.PoolClient, projection: Projection): Promise<void> {
    const state = (await client.query<StateRow>('SELECT * FROM projection_checkpoints WHERE name = $1', [projection.name])).rows[0];
    const { current, generation, stale } = preparationOf(state, projection, this.zone);
    for (const name of stale) await client.query(`DROP TABLE IF EXISTS ${quote(name)}`);
    if (!current) await this.saveState(client, projection, null, generation);
    for (const t of projection.tables) {
      await client.query(createTableSql(t, t.name, 'postgres'));
      for (const sql of createIndexSql(t, t.name, generation)) await client.query(sql);
    }
  }

  private async saveState(client: pg.PoolClient, projection: Projection, position: Checkpoint, generation: number): Promise<void> {
    await client.query(
      `INSERT INTO projection_checkpoints (name, version, zone, fingerprint, position, generation, tables) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, zone = excluded.zone, fingerprint = excluded.fingerprint,
         position = excluded.position, generation = excluded.generation, tables = excluded.tables`,
      stateValues(projection, this.zone, position, generation),
    );
  }

  private writersFor(projections: readonly Projection[], suffix: string): Writers {
    const writers = new Map<string, PostgresTableWriter>();
    for (const projection of projections)
      for (const t of projection.tables)
        writers.set(
          t.name,
          new PostgresTableWriter(
            t,
            t.name + suffix,
            () => this.current ?? this.pool,
            () => this.inTransaction(),
          ),
        );
    return writers;
  }
}
