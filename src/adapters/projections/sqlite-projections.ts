/**
 * The projections on a SQLite file (the embedded default, whatever the event store unless it is
 * PostgreSQL): its store (./sqlite-projection-store.ts), its reports (./sql-reports.ts), and
 * verify against a scratch file (./sqlite-verify.ts).
 */
import Database from 'better-sqlite3';
import type { EventStore } from '../../application/ports/event-store.ts';
import { Projections, type ProjectionsOptions } from './projections.ts';
import { SqliteProjectionStore } from './sqlite-projection-store.ts';
import { SqliteReader } from './report-sql.ts';
import { SqlReports } from './sql-reports.ts';
import { compareSqliteFiles } from './sqlite-verify.ts';

export type SqliteProjectionsOptions = ProjectionsOptions &
  Readonly<{
    /** 'NORMAL' (default) or 'FULL': a read model can be rebuilt, and WAL + NORMAL never tears a transaction */
    synchronous?: 'NORMAL' | 'FULL';
  }>;

export class SqliteProjections extends Projections {
  /** Opens (creating if need be) the projections' file; a projection whose version, tables or zone changed starts again empty. */
  static open(path: string, options: SqliteProjectionsOptions = {}): SqliteProjections {
    const db = new Database(path);
    return new SqliteProjections(
      {
        store: (zone, projections) => new SqliteProjectionStore(db, zone, projections, options.synchronous ?? 'NORMAL'),
        reports: new SqlReports(new SqliteReader(db)),
        close: async () => {
          db.close();
        },
      },
      options,
    );
  }
}

/**
 * Rebuilds every projection into a scratch file, each up to the position the live file has
 * reached, and compares the two row by row. Returns the differences in words (empty: equal).
 * The live file is only read (./verify.ts); `reading`: how the scratch build reads the events.
 */
export const compareProjections = (
  store: EventStore,
  livePath: string,
  scratchPath: string,
  onProgress?: (events: number) => void,
  reading: Pick<ProjectionsOptions, 'decoder' | 'onUndecodable'> = {},
): Promise<readonly string[]> =>
  compareSqliteFiles(
    store,
    livePath,
    scratchPath,
    (zone, projections) => SqliteProjections.open(scratchPath, { zone, projections, ...reading }),
    onProgress,
  );
