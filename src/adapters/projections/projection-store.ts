/**
 * The read-model database, as the runner, the rebuild and the live follower use it: the one part
 * each database implements (./sqlite-projection-store.ts, ./postgres-projection-store.ts).
 * Everything else (paging, batching, checkpoints, replay, comparison) is the same whatever holds
 * the rows.
 *
 * A batch's rows and checkpoints are one transaction. An evolve reads rows (`ReadRow`)
 * synchronously in the middle of a batch: a row the database cannot give at once is fetched and
 * the evolve run again (./row-batch.ts).
 */
import type { Position } from '../../application/ports/event-store.ts';
import type { Projection, ReadRow, RowOperation } from '../../application/projections/projection.ts';
import { type Checkpoint, formatCheckpoint } from './checkpoint.ts';
import { tablesFingerprint } from './projection-tables.ts';
import type { RowNotAtHand } from './row-batch.ts';

/** What the database keeps about a projection beside its rows. */
export type ProjectionState = Readonly<{
  version: number;
  /** the zone its days are counted in */
  zone: string;
  /** the shape of its tables (./projection-tables.ts `tablesFingerprint`) */
  fingerprint: string;
  /** its checkpoint, "commit/prepare" (null: nothing applied) */
  position: string | null;
}>;

/** A projection's row of `projection_checkpoints`: its state, and the generation and names of its tables. */
export type StateRow = ProjectionState & Readonly<{ name: string; generation: number; tables: string }>;

/**
 * What opening a store does with a projection, given its stored row: keep its tables (`current`:
 * same version, tables and zone), or drop them (`stale`: the ones it had and the ones it has) and
 * start again empty under the next generation.
 */
export const preparationOf = (
  state: StateRow | undefined,
  projection: Projection,
  zone: string,
): Readonly<{ current: boolean; generation: number; stale: readonly string[] }> => {
  const current =
    state !== undefined &&
    state.version === projection.version &&
    state.fingerprint === tablesFingerprint(projection.tables) &&
    state.zone === zone;
  if (current) return { current, generation: state.generation, stale: [] };
  const previous = state === undefined ? [] : (JSON.parse(state.tables) as string[]);
  return { current, generation: (state?.generation ?? 0) + 1, stale: [...new Set([...previous, ...projection.tables.map((t) => t.name)])] };
};

/** A projection's row of `projection_checkpoints`, in column order: name, version, zone, fingerprint, position, generation, tables. */
export const stateValues = (
  projection: Projection,
  zone: string,
  position: Checkpoint,
  generation: number,
): [string, number, string, string, string | null, number, string] => [
  projection.name,
  projection.version,
  zone,
  tablesFingerprint(projection.tables),
  formatCheckpoint(position),
  generation,
  JSON.stringify(projection.tables.map((t) => t.name)),
];

/**
 * Rows being changed by a run of events: `read` answers what the run wrote so far, then the
 * tables (or throws `RowNotAtHand`: `fetch` it, and read again); `apply` changes rows in memory;
 * `flush` writes every changed row (inside the caller's transaction) and returns how many.
 */
export interface RowSink {
  readonly read: ReadRow;
  apply(operations: readonly RowOperation[]): void;
  fetch(missing: RowNotAtHand): Promise<void>;
  flush(): Promise<number>;
}

export interface ProjectionStore {
  /** The stored checkpoint of each projection the store was opened with (inside a transaction: as that transaction sees them). */
  checkpoints(): Promise<ReadonlyMap<string, Checkpoint>>;
  /**
   * Runs `work` as one write transaction: all of it is kept, or none. Transactions run one at a
   * time, in this process and across processes sharing the database.
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** A sink over the live tables, for one batch (inside a transaction). */
  liveRows(): RowSink;
  saveCheckpoint(projection: string, position: Position): Promise<void>;
  /** Fresh, empty tables for these projections beside the live ones; readers keep the live ones until `swapIn`. */
  freshTables(projections: readonly Projection[]): Promise<FreshTables>;
}

export interface FreshTables {
  /** one sink for the whole replay: flushed every so many events, it keeps the rows it wrote at hand */
  readonly rows: RowSink;
  /** Indexes the fresh tables, then puts them in the live ones' place with these checkpoints: one transaction. */
  swapIn(checkpoints: ReadonlyMap<string, Checkpoint>): Promise<void>;
}
