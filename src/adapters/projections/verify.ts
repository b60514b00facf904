/**
 * Verify: every projection rebuilt into a scratch read model, each up to the position the live one
 * has reached, and the two compared row by row. The differences come back in words (empty:
 * equal). The live read model is only read. If it moves on while this runs, the scratch catches up
 * with it before the comparison (a few times at most).
 */
import type { EventStore } from '../../application/ports/event-store.ts';
import { allProjections } from '../../application/projections/all-projections.ts';
import { defaultReportingZone } from '../../application/projections/calendar.ts';
import type { Projection, Row } from '../../application/projections/projection.ts';
import { type Checkpoint, compareCheckpoints, parseCheckpoint } from './checkpoint.ts';
import type { ProjectionState } from './projection-store.ts';
import { tablesFingerprint } from './projection-tables.ts';

/** A scratch read model: rebuilt for the comparable projections, in the live one's zone. */
export interface ScratchProjections {
  rebuildUpTo(store: EventStore, until: ReadonlyMap<string, Checkpoint>, onProgress?: (events: number) => void): Promise<unknown>;
  catchUpTo(store: EventStore, until: ReadonlyMap<string, Checkpoint>): Promise<void>;
  close(): Promise<void>;
}

/** Both read models in one read transaction: the live states now, and the rows of a table that differ (at most `limit` each way). */
export interface PairView {
  liveStates(): Promise<ReadonlyMap<string, ProjectionState>>;
  differingRows(table: string, limit: number): Promise<Readonly<{ onlyLive: readonly Row[]; onlyRebuilt: readonly Row[] }>>;
}

/** What a database offers the comparison. */
export type ReadModelPair = Readonly<{
  /** the live states when the comparison starts (empty: the projections never ran there) */
  liveStates: ReadonlyMap<string, ProjectionState>;
  openScratch: (zone: string, projections: readonly Projection[]) => ScratchProjections;
  /** once the scratch is rebuilt: reads of both, each `read` one transaction */
  openComparison: () => Readonly<{ read: <T>(work: (view: PairView) => Promise<T>) => Promise<T>; close: () => Promise<void> }>;
}>;

const MAX_ROWS_LISTED = 50;
const MAX_ROUNDS = 3;

type Round = Readonly<{ moved: ReadonlyMap<string, Checkpoint> }> | Readonly<{ differences: readonly string[] }>;

export const compareWithRebuild = async (
  store: EventStore,
  pair: ReadModelPair,
  onProgress?: (events: number) => void,
): Promise<readonly string[]> => {
  const differences: string[] = [];
  const states = pair.liveStates;
  const zone = [...states.values()][0]?.zone ?? defaultReportingZone;
  const comparable = allProjections.filter((projection) => {
    const state = states.get(projection.name);
    if (state === undefined) differences.push(`${projection.name}: not in the live file (the projections never ran there)`);
    else if (state.version !== projection.version)
      differences.push(`${projection.name}: the live file holds version ${state.version}, this code builds version ${projection.version}`);
    else if (state.fingerprint !== tablesFingerprint(projection.tables))
      differences.push(`${projection.name}: the live file's tables are not the ones this code defines`);
    else if (state.zone !== zone) differences.push(`${projection.name}: the live file counts days in ${state.zone}, not ${zone}`);
    else return true;
    return false;
  });
  const positions = (from: ReadonlyMap<string, ProjectionState>) =>
    new Map(comparable.map((p) => [p.name, parseCheckpoint(from.get(p.name)?.position ?? null)]));
  const scratch = pair.openScratch(zone, comparable);
  try {
    let wanted: ReadonlyMap<string, Checkpoint> = positions(states);
    await scratch.rebuildUpTo(store, wanted, onProgress);
    const comparison = pair.openComparison();
    try {
      for (let round = 0; ; round += 1) {
        const outcome = await comparison.read(async (view): Promise<Round> => {
          const now = positions(await view.liveStates());
          const moved = comparable.filter((p) => compareCheckpoints(now.get(p.name) ?? null, wanted.get(p.name) ?? null) !== 0);
          if (moved.length > 0 && round < MAX_ROUNDS) return { moved: now };
          const found: string[] = [];
          if (moved.length > 0)
            found.push(
              `the live projections kept moving while they were compared (${moved.map((p) => p.name).join(', ')}): run again when the hub is quieter`,
            );
          for (const projection of comparable)
            for (const t of projection.tables)
              found.push(...describeDifferences(projection.name, t.name, t.key, await view.differingRows(t.name, MAX_ROWS_LISTED * 4)));
          return { differences: found };
        });
        if ('differences' in outcome) {
          differences.push(...outcome.differences);
          break;
        }
        wanted = outcome.moved;
        await scratch.catchUpTo(store, wanted);
      }
    } finally {
      await comparison.close();
    }
  } finally {
    await scratch.close();
  }
  return differences;
};

const describeKey = (row: Row, key: readonly string[]): string => `{${key.map((k) => `${k}: ${JSON.stringify(row[k])}`).join(', ')}}`;

const describeDifferences = (
  projection: string,
  table: string,
  key: readonly string[],
  { onlyLive, onlyRebuilt }: Readonly<{ onlyLive: readonly Row[]; onlyRebuilt: readonly Row[] }>,
): string[] => {
  if (onlyLive.length === 0 && onlyRebuilt.length === 0) return [];
  const keyOf = (row: Row) => JSON.stringify(key.map((k) => row[k]));
  const rebuilt = new Map(onlyRebuilt.map((row) => [keyOf(row), row]));
  const lines: string[] = [];
  for (const row of onlyLive) {
    const other = rebuilt.get(keyOf(row));
    const where = `${projection}: ${table} ${describeKey(row, key)}`;
    if (other === undefined) {
      lines.push(`${where}: in the live file, not when rebuilt`);
      continue;
    }
    rebuilt.delete(keyOf(row));
    const changed = Object.keys(row)
      .filter((column) => row[column] !== other[column])
      .map((column) => `${column} is ${JSON.stringify(row[column])} live, ${JSON.stringify(other[column])} rebuilt`);
    lines.push(`${where}: ${changed.join('; ')}`);
  }
  for (const row of rebuilt.values()) lines.push(`${projection}: ${table} ${describeKey(row, key)}: missing from the live file`);
  const total = lines.length;
  return total > MAX_ROWS_LISTED
    ? [...lines.slice(0, MAX_ROWS_LISTED), `${projection}: ${table}: … and ${total - MAX_ROWS_LISTED} more differences`]
    : lines;
};
