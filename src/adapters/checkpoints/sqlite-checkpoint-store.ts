import Database from 'better-sqlite3';
import type { CheckpointStore } from '../../application/ports/checkpoint-store.ts';
import { type Position, positionFromString, positionToString } from '../../application/ports/event-store.ts';
import { applyHubPragmas } from '../sqlite-pragmas.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS checkpoints (
    subscriber TEXT PRIMARY KEY,
    position   TEXT NOT NULL
  ) STRICT;
`;

/**
 * Subscribers' checkpoints in SQLite (WAL, synchronous NORMAL: a saved checkpoint survives the
 * process being killed; a power cut may lose the last saves, and then the subscribers handle
 * those events again, which every subscriber must bear anyway: delivery is at least once).
 * Not syncing each save matters: a reaction saves after every event. Positions are kept in
 * their string form, "commit/prepare", exact for any store. It may share the event store's file
 * or have its own.
 */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly statements;

  private constructor(private readonly db: Database.Database) {
    applyHubPragmas(db, 'NORMAL');
    db.exec(SCHEMA);
    this.statements = {
      load: db.prepare<[string], string>('SELECT position FROM checkpoints WHERE subscriber = ?').pluck(),
      save: db.prepare<[string, string]>(
        'INSERT INTO checkpoints (subscriber, position) VALUES (?, ?) ON CONFLICT (subscriber) DO UPDATE SET position = excluded.position',
      ),
    };
  }

  static open(path: string): SqliteCheckpointStore {
    return new SqliteCheckpointStore(new Database(path));
  }

  async load(subscriber: string): Promise<Position | undefined> {
    const saved = this.statements.load.get(subscriber);
    return saved === undefined ? undefined : positionFromString(saved);
  }

  async save(subscriber: string, position: Position): Promise<void> {
    this.statements.save.run(subscriber, positionToString(position));
  }

  close(): void {
    this.db.close();
  }
}
