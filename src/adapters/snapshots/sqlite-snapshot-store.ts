import Database from 'better-sqlite3';
import type { Revision } from '../../application/ports/event-store.ts';
import type { Snapshot, SnapshotStore, StoredSnapshot } from '../../application/ports/snapshot-store.ts';
import { applyHubPragmas } from '../sqlite-pragmas.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS snapshots (
    stream        TEXT    NOT NULL,
    schema        TEXT    NOT NULL,
    revision      INTEGER NOT NULL,
    last_event_id TEXT    NOT NULL,
    state         TEXT    NOT NULL,
    PRIMARY KEY (stream, schema)
  ) STRICT;
`;

type Row = Readonly<{ revision: bigint; lastEventId: string; state: string }>;

/**
 * Snapshots in SQLite (`snapshots.sqlite` in the hub's data directory, beside the checkpoints):
 * one row per stream and schema, the state as JSON text. Synchronous NORMAL: a snapshot lost to a
 * power cut costs one longer fold, nothing else. Revisions are 64-bit integers, read as bigints.
 */
export class SqliteSnapshotStore implements SnapshotStore {
  private readonly statements;

  private constructor(private readonly db: Database.Database) {
    applyHubPragmas(db, 'NORMAL');
    db.exec(SCHEMA);
    this.statements = {
      load: db
        .prepare<[string, string], Row>(
          'SELECT revision, last_event_id AS lastEventId, state FROM snapshots WHERE stream = ? AND schema = ?',
        )
        .safeIntegers(),
      // a slower writer's older snapshot never replaces a newer one
      save: db.prepare<[string, string, Revision, string, string]>(
        `INSERT INTO snapshots (stream, schema, revision, last_event_id, state) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (stream, schema) DO UPDATE
            SET revision = excluded.revision, last_event_id = excluded.last_event_id, state = excluded.state
          WHERE excluded.revision > snapshots.revision`,
      ),
    };
  }

  static open(path: string): SqliteSnapshotStore {
    return new SqliteSnapshotStore(new Database(path));
  }

  async load(stream: string, schema: string): Promise<StoredSnapshot | undefined> {
    const row = this.statements.load.get(stream, schema);
    return row === undefined ? undefined : { revision: row.revision, lastEventId: row.lastEventId, state: JSON.parse(row.state) };
  }

  async save(snapshot: Snapshot): Promise<void> {
    const { stream, schema, revision, lastEventId, state } = snapshot;
    this.statements.save.run(stream, schema, revision, lastEventId, JSON.stringify(state));
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
