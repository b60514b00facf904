/**
 * Questions a tool asks of a SQLite event file besides the port's (for progress bars and audit
 * output): how many events it holds, and where events are, by id. Each opens its own short-lived
 * connection (read-write, as the store opens it: a read-only connection cannot always open a WAL
 * file) and answers undefined when the file cannot be read.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

export type StoredEventRef = Readonly<{ stream: string; revision: string; type: string }>;

const reading = <T>(file: string, read: (db: Database.Database) => T): T | undefined => {
  if (!existsSync(file)) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma('busy_timeout = 10000');
    return read(db);
  } catch {
    return undefined;
  } finally {
    db?.close();
  }
};

/** How many events the file holds after a position. */
export const countEventsInFile = (file: string, afterPosition = 0n): number | undefined =>
  reading(file, (db) => db.prepare<[bigint], number>('SELECT count(*) FROM events WHERE position > ?').pluck().get(afterPosition));

/** Stream, revision and type of the events with these ids (by the unique id index). */
export const findEventsInFile = (file: string, ids: readonly string[]): ReadonlyMap<string, StoredEventRef> | undefined =>
  reading(file, (db) => {
    const found = new Map<string, StoredEventRef>();
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      const rows = db
        .prepare<string[], { id: string; stream: string; revision: number; type: string }>(
          `SELECT id, stream, revision, type FROM events WHERE id IN (${chunk.map(() => '?').join(',')})`,
        )
        .all(...chunk);
      for (const row of rows) found.set(row.id, { stream: row.stream, revision: String(row.revision), type: row.type });
    }
    return found;
  });
