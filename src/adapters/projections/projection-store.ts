/**
 * The read-model database, as the runner, the rebuild and the live follower use it: the one part
 * a second database implements (SQLite: ./sqlite-projection-store.ts). Everything else (paging,
 * batching, checkpoints, replay, comparison) is the same whatever holds the rows.
 *
 * Synchronous: an evolve reads rows (`ReadRow`) synchronously in the middle of a batch, and a
 * batch's rows and checkpoints are one transaction, so reads and writes happen inside `transaction`
 * without giving the event loop a turn.
 */
import type { Position } from '../../application/ports/event-store.ts';
import type { Projection, ReadRow, RowOperation } from '../../application/projections/projection.ts';
import type { Checkpoint } from './checkpoint.ts';

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

/**
 * Rows being changed by a run of events: `read` answers what the run wrote so far, then the
 * tables; `apply` changes rows in memory; `flush` writes every changed row (inside the caller's
 * transaction) and returns how many.
 */
export interface RowSink {
  readonly read: ReadRow;
  apply(operations: readonly RowOperation[]): void;
  flush(): number;
}

export interface ProjectionStore {
  /** The stored checkpoint of each projection the store was opened with. */
  checkpoints(): ReadonlyMap<string, Checkpoint>;
  /** Runs `work` as one write transaction: all of it is kept, or none. */
  transaction<T>(work: () => T): T;
  /** A sink over the live tables, for one batch. */
  liveRows(): RowSink;
  saveCheckpoint(projection: string, position: Position): void;
  /** Fresh, empty tables for these projections beside the live ones; readers keep the live ones until `swapIn`. */
  freshTables(projections: readonly Projection[]): FreshTables;
}

export interface FreshTables {
  /** one sink for the whole replay: flushed every so many events, it keeps the rows it wrote at hand */
  readonly rows: RowSink;
  /** Indexes the fresh tables, then puts them in the live ones' place with these checkpoints: one transaction. */
  swapIn(checkpoints: ReadonlyMap<string, Checkpoint>): void;
}
