import type { Position } from './event-store.ts';

/**
 * A read model kept between runs (the retry index, the backorder book): its rows by key, and the
 * position of the last event it has taken in. A hub restarted on a large store resumes it from
 * there instead of reading every event again. The rows and the position are saved together, so
 * that a model resumed after a crash takes in again exactly the events its rows have not seen.
 */
export interface KeptReadModel<Row> {
  /** the rows as last saved, and the position they reflect (undefined: nothing saved; read the store from its first event) */
  load(): Promise<Readonly<{ rows: ReadonlyMap<string, Row>; after: Position | undefined }>>;
  /**
   * Rows put (undefined: removed), and the position the rows now reflect. Saves are written in
   * order, several at once (an adapter may gather those of a short while into one transaction):
   * a model is never saved with rows behind its position.
   */
  save(changes: ReadonlyMap<string, Row | undefined>, after: Position | undefined): void;
  /** Writes every save made so far; rejects if a write failed. */
  flush(): Promise<void>;
}

/**
 * How a row is written and read back. `version` names the rows' shape: a model saved under another
 * version is dropped and built again from the events. `decode` throws on a row it cannot read.
 */
export type RowCodec<Row> = Readonly<{ version: number; encode: (row: Row) => string; decode: (text: string) => Row }>;

/** Where the hub keeps its read models (one SQLite file in its data directory). */
export interface KeptReadModels {
  model<Row>(name: string, codec: RowCodec<Row>): KeptReadModel<Row>;
}
