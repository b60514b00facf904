import type Database from 'better-sqlite3';

/**
 * How every SQLite file of the hub is set up: a write-ahead log (readers never wait for the
 * writer), the given durability (`FULL`: every commit synced; `NORMAL`: a power cut may lose the
 * last commits, never corrupt the file), and up to 10 s of waiting on a lock another connection
 * holds.
 */
export const applyHubPragmas = (db: Database.Database, synchronous: 'NORMAL' | 'FULL'): void => {
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 10000');
};
