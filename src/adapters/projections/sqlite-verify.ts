/**
 * Verify over SQLite files: the live file opened read-only, the scratch file rebuilt beside it, and
 * the two compared through one connection to the scratch with the live file attached (a table's
 * differing rows are two EXCEPT queries).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { EventStore } from '../../application/ports/event-store.ts';
import type { Projection, Row } from '../../application/projections/projection.ts';
import type { ProjectionState } from './projection-store.ts';
import { quote } from './projection-tables.ts';
import { type PairView, type ScratchProjections, compareWithRebuild } from './verify.ts';

const statesIn = (db: Database.Database, schema: string): Map<string, ProjectionState> =>
  new Map(
    db
      .prepare<[], ProjectionState & { name: string }>(`SELECT * FROM ${schema}projection_checkpoints`)
      .all()
      .map((row) => [row.name, row]),
  );

/**
 * Rebuilds every projection into `scratchPath` (opened by `openScratch`), each up to the position
 * the file at `livePath` has reached, and compares the two row by row.
 */
export const compareSqliteFiles = async (
  store: EventStore,
  livePath: string,
  scratchPath: string,
  openScratch: (zone: string, projections: readonly Projection[]) => ScratchProjections,
  onProgress?: (events: number) => void,
): Promise<readonly string[]> => {
  if (resolve(livePath) === resolve(scratchPath)) throw new RangeError('the scratch file must not be the live one');
  if (!existsSync(livePath)) return [`no projections file at ${livePath}`];
  const live = new Database(livePath, { readonly: true, fileMustExist: true });
  try {
    const hasMeta =
      live.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'projection_checkpoints'").get() !== undefined;
    return await compareWithRebuild(
      store,
      {
        liveStates: hasMeta ? statesIn(live, '') : new Map(),
        openScratch,
        openComparison: () => {
          const compare = new Database(scratchPath, { readonly: true });
          compare.prepare('ATTACH DATABASE ? AS live').run(livePath);
          const view: PairView = {
            liveStates: async () => (hasMeta ? statesIn(compare, 'live.') : new Map()),
            differingRows: async (table, limit) => {
              const t = quote(table);
              const except = (from: string, without: string) =>
                compare.prepare(`SELECT * FROM ${from}.${t} EXCEPT SELECT * FROM ${without}.${t} LIMIT ${limit}`).all() as Row[];
              return { onlyLive: except('live', 'main'), onlyRebuilt: except('main', 'live') };
            },
          };
          return {
            read: async (work) => {
              compare.exec('BEGIN');
              try {
                return await work(view);
              } finally {
                compare.exec('COMMIT');
              }
            },
            close: async () => {
              compare.close();
            },
          };
        },
      },
      onProgress,
    );
  } finally {
    live.close();
  }
};
