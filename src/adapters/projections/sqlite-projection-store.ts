/**
 * The projections' rows and checkpoints in a SQLite file (docs/architecture.md#projections: the
 * read models of a hub on SQLite or EventStoreDB). Each projection has a row in `projection_checkpoints`: its version,
 * zone, tables' fingerprint, checkpoint, and the generation of its tables (index names carry it,
 * so that a rebuilt table's indexes never clash with the live one's).
 *
 * Fresh tables are `<table>__rebuild`, filled beside the live ones, indexed at the end, and
 * swapped in with one transaction of renames: readers keep the old tables until that commit.
 */
import type Database from 'better-sqlite3';
import { type Position, positionToString } from '../../application/ports/event-store.ts';
import type { Projection } from '../../application/projections/projection.ts';
import { type Checkpoint, parseCheckpoint } from './checkpoint.ts';
import { type FreshTables, type ProjectionStore, type RowSink, type StateRow, preparationOf, stateValues } from './projection-store.ts';
import { createIndexSql, createTableSql, quote } from './projection-tables.ts';
import { RowBatch, type Writers } from './row-batch.ts';
import { SqliteTableWriter } from './sqlite-table-writer.ts';
import { applyHubPragmas } from '../sqlite-pragmas.ts';

const META = `
  CREATE TABLE IF NOT EXISTS projection_checkpoints (
    name        TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    zone        TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    position    TEXT,
    generation  INTEGER NOT NULL,
    tables      TEXT NOT NULL
  )
`;

const REBUILD_SUFFIX = '__rebuild';

export class SqliteProjectionStore implements ProjectionStore {
  private readonly statements;
  private liveWriters: Writers;
  /** the transactions of this connection, one after the other */
  private turn: Promise<unknown> = Promise.resolve();

  /** Makes sure every projection's tables exist as its definition says; one whose version, tables or zone changed starts again empty. */
  constructor(
    private readonly db: Database.Database,
    private readonly zone: string,
    private readonly projections: readonly Projection[],
    synchronous: 'NORMAL' | 'FULL',
  ) {
    applyHubPragmas(db, synchronous);
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
    db.exec(META);
    this.statements = {
      states: db.prepare<[], StateRow>('SELECT * FROM projection_checkpoints'),
      state: db.prepare<[string], StateRow>('SELECT * FROM projection_checkpoints WHERE name = ?'),
      saveState: db.prepare<[string, number, string, string, string | null, number, string]>(
        `INSERT INTO projection_checkpoints (name, version, zone, fingerprint, position, generation, tables) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET version = excluded.version, zone = excluded.zone, fingerprint = excluded.fingerprint,
           position = excluded.position, generation = excluded.generation, tables = excluded.tables`,
      ),
      savePosition: db.prepare<[string, string]>('UPDATE projection_checkpoints SET position = ? WHERE name = ?'),
    };
    for (const projection of projections) this.db.transaction(() => this.prepare(projection)).immediate();
    this.liveWriters = this.writersFor(projections, '');
  }

  async checkpoints(): Promise<Map<string, Checkpoint>> {
    const rows = new Map(this.statements.states.all().map((row) => [row.name, row]));
    return new Map(this.projections.map((p) => [p.name, parseCheckpoint(rows.get(p.name)?.position ?? null)]));
  }

  /** BEGIN IMMEDIATE: the write lock at once, so that another process's transaction waits (busy_timeout) rather than fails half-way. */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work();
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    };
    const result = this.turn.then(run, run);
    this.turn = result.catch(() => undefined);
    return result;
  }

  liveRows(): RowSink {
    return new RowBatch(this.liveWriters);
  }

  async saveCheckpoint(projection: string, position: Position): Promise<void> {
    this.statements.savePosition.run(positionToString(position), projection);
  }

  async freshTables(projections: readonly Projection[]): Promise<FreshTables> {
    const generations = new Map(projections.map((p) => [p.name, (this.statements.state.get(p.name)?.generation ?? 0) + 1]));
    const generationOf = (projection: Projection) => generations.get(projection.name) as number;
    await this.transaction(async () => {
      for (const projection of projections)
        for (const t of projection.tables) {
          this.db.exec(`DROP TABLE IF EXISTS ${quote(t.name + REBUILD_SUFFIX)}`);
          this.db.exec(createTableSql(t, t.name + REBUILD_SUFFIX, 'sqlite'));
        }
    });
    const rows = new RowBatch(this.writersFor(projections, REBUILD_SUFFIX), true);
    const swapIn = async (checkpoints: ReadonlyMap<string, Checkpoint>): Promise<void> => {
      for (const projection of projections)
        for (const t of projection.tables)
          for (const sql of createIndexSql(t, t.name + REBUILD_SUFFIX, generationOf(projection))) this.db.exec(sql);
      await this.transaction(async () => {
        for (const projection of projections) {
          const previous = this.statements.state.get(projection.name);
          const names = new Set(projection.tables.map((t) => t.name));
          const obsolete = previous === undefined ? [] : (JSON.parse(previous.tables) as string[]).filter((name) => !names.has(name));
          for (const name of obsolete) this.db.exec(`DROP TABLE IF EXISTS ${quote(name)}`);
          for (const t of projection.tables) {
            this.db.exec(`DROP TABLE IF EXISTS ${quote(t.name)}`);
            this.db.exec(`ALTER TABLE ${quote(t.name + REBUILD_SUFFIX)} RENAME TO ${quote(t.name)}`);
          }
          this.saveState(projection, checkpoints.get(projection.name) ?? null, generationOf(projection));
        }
      });
      // the live statements were prepared on the tables just dropped
      this.liveWriters = this.writersFor(this.projections, '');
    };
    return { rows, swapIn };
  }

  /** Inside a transaction. */
  private prepare(projection: Projection): void {
    const { current, generation, stale } = preparationOf(this.statements.state.get(projection.name), projection, this.zone);
    for (const name of stale) this.db.exec(`DROP TABLE IF EXISTS ${quote(name)}`);
    if (!current) this.saveState(projection, null, generation);
    for (const t of projection.tables) {
      this.db.exec(createTableSql(t, t.name, 'sqlite'));
      for (const sql of createIndexSql(t, t.name, generation)) this.db.exec(sql);
    }
  }

  private saveState(projection: Projection, position: Checkpoint, generation: number): void {
    this.statements.saveState.run(...stateValues(projection, this.zone, position, generation));
  }

  private writersFor(projections: readonly Projection[], suffix: string): Writers {
    const writers = new Map<string, SqliteTableWriter>();
    for (const projection of projections)
      for (const t of projection.tables) writers.set(t.name, new SqliteTableWriter(this.db, t, t.name + suffix));
    return writers;
  }
}
