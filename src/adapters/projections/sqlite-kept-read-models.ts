/**
 * The hub's kept read models (the retry index, the backorder book, the inventory view) in one
 * SQLite file of its data directory, `read-models.sqlite`: each model's rows as text, by key, and
 * the position they reflect (../../application/ports/kept-read-model.ts). Like the projections,
 * they are the events' consequences, rebuilt from the events when missing or of another version:
 * WAL with synchronous NORMAL (a power cut may lose the last saves, and the model then takes those
 * events in again). The saves of WRITE_EVERY_MS are written in one transaction: a model catching up
 * hears an event every few microseconds, and a commit per event (or per turn of the event loop,
 * every 16 events or so) would cost more than the model itself.
 */
import Database from 'better-sqlite3';
import { type Position, positionFromString, positionToString } from '../../application/ports/event-store.ts';
import type { KeptReadModel, KeptReadModels, RowCodec } from '../../application/ports/kept-read-model.ts';
import { applyHubPragmas } from '../sqlite-pragmas.ts';

/** How long saves gather before they are written (what a crash may make a model take in again). */
const WRITE_EVERY_MS = 100;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS kept_models (
    model   TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    after   TEXT
  ) STRICT;
  CREATE TABLE IF NOT EXISTS kept_rows (
    model TEXT NOT NULL,
    key   TEXT NOT NULL,
    row   TEXT NOT NULL,
    PRIMARY KEY (model, key)
  ) STRICT, WITHOUT ROWID;
`;

/**
 * What a model has saved and not yet written: its latest row per key, to be encoded when written
 * (undefined: removed), and the position they reflect. Rows are immutable values, so the latest one
 * per key is all there is to write, and a row that changes many times between two writes is
 * encoded once.
 */
type Pending = { rows: Map<string, (() => string) | undefined>; after: Position | undefined };

export class SqliteKeptReadModels implements KeptReadModels {
  private readonly statements;
  /** per model, the saves not yet committed */
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  /** the first write that failed, reported to the next flush */
  private failure: Readonly<{ error: unknown }> | null = null;

  private constructor(private readonly db: Database.Database) {
    applyHubPragmas(db, 'NORMAL');
    db.exec(SCHEMA);
    this.statements = {
      version: db.prepare<[string], number>('SELECT version FROM kept_models WHERE model = ?').pluck(),
      after: db.prepare<[string], string | null>('SELECT after FROM kept_models WHERE model = ?').pluck(),
      reset: db.prepare<[string, number]>(
        'INSERT INTO kept_models (model, version, after) VALUES (?, ?, NULL) ON CONFLICT (model) DO UPDATE SET version = excluded.version, after = NULL',
      ),
      dropRows: db.prepare<[string]>('DELETE FROM kept_rows WHERE model = ?'),
      rows: db.prepare<[string], { key: string; row: string }>('SELECT key, row FROM kept_rows WHERE model = ?'),
      put: db.prepare<[string, string, string]>(
        'INSERT INTO kept_rows (model, key, row) VALUES (?, ?, ?) ON CONFLICT (model, key) DO UPDATE SET row = excluded.row',
      ),
      remove: db.prepare<[string, string]>('DELETE FROM kept_rows WHERE model = ? AND key = ?'),
      reached: db.prepare<[string | null, string]>('UPDATE kept_models SET after = ? WHERE model = ?'),
    };
  }

  static open(path: string): SqliteKeptReadModels {
    return new SqliteKeptReadModels(new Database(path));
  }

  /** One model; kept under another version, it starts again empty (and is rebuilt from the events). */
  model<Row>(name: string, codec: RowCodec<Row>): KeptReadModel<Row> {
    if (this.statements.version.get(name) !== codec.version)
      this.db.transaction(() => {
        this.statements.dropRows.run(name);
        this.statements.reset.run(name, codec.version);
      })();
    return {
      load: async () => {
        const after = this.statements.after.get(name) ?? null;
        const rows = new Map(this.statements.rows.all(name).map(({ key, row }) => [key, codec.decode(row)] as const));
        return { rows, after: after === null ? undefined : positionFromString(after) };
      },
      save: (changes, after) => this.save(name, codec, changes, after),
      flush: () => this.flush(),
    };
  }

  /** Writes every save made so far. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const pending = this.pending;
    this.pending = new Map();
    if (pending.size > 0)
      try {
        this.db.transaction(() => {
          for (const [model, { rows, after }] of pending) {
            for (const [key, row] of rows) {
              if (row === undefined) this.statements.remove.run(model, key);
              else this.statements.put.run(model, key, row());
            }
            this.statements.reached.run(after === undefined ? null : positionToString(after), model);
          }
        })();
      } catch (error) {
        this.failure ??= { error };
      }
    if (this.failure !== null) throw new Error('a kept read model could not be saved', { cause: this.failure.error });
  }

  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.db.close();
  }

  private save<Row>(name: string, codec: RowCodec<Row>, changes: ReadonlyMap<string, Row | undefined>, after: Position | undefined): void {
    // called for every event a model looks at: the position is written as text once per transaction, not here
    let pending = this.pending.get(name);
    if (pending === undefined) {
      pending = { rows: new Map(), after };
      this.pending.set(name, pending);
    }
    for (const [key, row] of changes) pending.rows.set(key, row === undefined ? undefined : () => codec.encode(row));
    pending.after = after;
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // a failure is kept for the next flush (the hub's stop)
      this.flush().catch(() => undefined);
    }, WRITE_EVERY_MS);
    // a pending write never keeps the process alive: stopping flushes what is left
    this.timer.unref();
  }
}
