/**
 * The batch that applies row operations. A batch keeps every row it touched in memory (read once,
 * then changed in place as events arrive) and writes each changed row once when it is flushed: a
 * replay of many events per transaction writes an order's row once, not once per event.
 *
 * An evolve reads rows synchronously. A database that answers at once (SQLite) is read in the
 * middle of the evolve; one that answers later (PostgreSQL) is not: the read throws `RowNotAtHand`,
 * the caller fetches that row (`fetch`) and runs the evolve again. An evolve is pure, and its
 * operations are applied only once it returns, so running it again changes nothing but the answer.
 */
import type { ReadRow, Row, RowOperation } from '../../application/projections/projection.ts';
import type { RowSink } from './projection-store.ts';
import type { TableShape } from './table-shape.ts';

/** One table under one physical name, as a database reads and writes its rows. */
export interface RowWriter {
  readonly shape: TableShape;
  /** The row now (null: none), or `LATER` when the database can only answer asynchronously. */
  readNow(key: Row): Row | null | typeof LATER;
  readLater(key: Row): Promise<Row | null>;
  /** Writes (or queues for `written`) a whole row, inserted or replaced. */
  write(row: Row): void;
  delete(key: Row): void;
  /** Every queued write done (inside the caller's transaction). */
  written(): Promise<void>;
}

export const LATER = Symbol('later');

/** An evolve read a row the batch must fetch first. */
export class RowNotAtHand extends Error {
  constructor(
    readonly table: string,
    readonly key: Row,
  ) {
    super(`row of ${table} not at hand`);
  }
}

/** The tables of one run (live, or a rebuild), by their definition's name. */
export type Writers = ReadonlyMap<string, RowWriter>;

/** A row as the batch knows it: null when absent (or deleted); `key` kept for a deletion. */
/** `owned`: the row object is the batch's own (read from the table, or copied), so it may be changed in place. */
type Entry = { row: Row | null; dirty: boolean; owned: boolean; key?: Row };

/**
 * Row operations applied in memory, written at `flush`. `read` answers from memory first, then
 * from the table (inside the caller's transaction, so what it reads is what the batch builds on).
 *
 * A batch that `carries` (a rebuild: one batch for the whole replay, flushed every so many
 * events) keeps the rows of the previous flush at hand, so an order whose events straddle two
 * transactions is not read back from the table; and it knows which keys it ever wrote, so a row
 * its fresh tables cannot hold is not looked for there.
 */
export class RowBatch implements RowSink {
  private current = new Map<string, Map<string, Entry>>();
  private previous = new Map<string, Map<string, Entry>>();
  private readonly written: Map<string, Set<string>> | null;
  readonly read: ReadRow;

  constructor(
    private readonly writers: Writers,
    private readonly carries = false,
  ) {
    for (const name of writers.keys()) {
      this.current.set(name, new Map());
      this.previous.set(name, new Map());
    }
    this.written = carries ? new Map([...writers.keys()].map((name) => [name, new Set<string>()])) : null;
    this.read = ((table: { name: string }, key: Row) => this.load(table.name, key).row ?? undefined) as ReadRow;
  }

  /** Throws `RowNotAtHand` before it changes anything when an `add` needs a row the database must give first. */
  apply(operations: readonly RowOperation[]): void {
    for (const operation of operations) if (operation.kind === 'add') this.load(operation.table, operation.key);
    for (const operation of operations) {
      const shape = this.writerOf(operation.table).shape;
      const entries = this.current.get(operation.table) as Map<string, Entry>;
      switch (operation.kind) {
        case 'put': {
          const row = shape.normalise(operation.row);
          const id = shape.keyOf(row);
          const entry = entries.get(id) ?? this.promote(operation.table, id);
          if (entry === undefined) entries.set(id, { row, dirty: true, owned: false });
          else if (entry.row === null) {
            entry.row = row;
            entry.owned = false;
            entry.dirty = true;
          } else if (!entry.owned) {
            entry.row = { ...row };
            entry.owned = true;
            entry.dirty = true;
          } else {
            // The new values go into the row the batch holds, and the evolve's fresh object dies
            // young: rows that live across many events are what a replay's garbage collector
            // pays for, so each row is allocated once per batch, not once per event.
            if (entry.row !== row) Object.assign(entry.row, row);
            entry.dirty = true;
          }
          this.written?.get(operation.table)?.add(id);
          break;
        }
        case 'delete': {
          const id = shape.keyOf(operation.key);
          const entry = entries.get(id) ?? this.promote(operation.table, id);
          if (entry !== undefined && entry.row === null && !entry.dirty) break; // known absent
          entries.set(id, { row: null, dirty: true, owned: true, key: operation.key });
          break;
        }
        case 'add': {
          const entry = this.load(operation.table, operation.key);
          const row = (entry.row === null ? shape.blank(operation.key) : entry.owned ? entry.row : { ...entry.row }) as Record<
            string,
            unknown
          >;
          for (const column in operation.add) row[column] = ((row[column] as number | null) ?? 0) + (operation.add[column] as number);
          if (operation.set !== null) for (const column in operation.set) row[column] = operation.set[column] ?? null;
          entry.row = row;
          entry.owned = true;
          entry.dirty = true;
          this.written?.get(operation.table)?.add(shape.keyOf(operation.key));
          break;
        }
      }
    }
  }

  /** Reads a row `read` found not at hand, so that the evolve that asked can run again. */
  async fetch({ table, key }: RowNotAtHand): Promise<void> {
    const writer = this.writerOf(table);
    const row = await writer.readLater(key);
    (this.current.get(table) as Map<string, Entry>).set(writer.shape.keyOf(key), { row, dirty: false, owned: true });
  }

  /** Writes every changed row (the caller holds the transaction); returns how many. */
  async flush(): Promise<number> {
    let written = 0;
    for (const [name, entries] of this.current) {
      const writer = this.writerOf(name);
      for (const entry of entries.values()) {
        if (!entry.dirty) continue;
        if (entry.row !== null) writer.write(entry.row);
        else if (entry.key !== undefined) writer.delete(entry.key);
        entry.dirty = false;
        written += 1;
      }
      await writer.written();
    }
    if (this.carries) {
      this.previous = this.current;
      this.current = new Map([...this.writers.keys()].map((name) => [name, new Map()]));
    }
    return written;
  }

  private writerOf(name: string): RowWriter {
    const writer = this.writers.get(name);
    if (writer === undefined) throw new Error(`a projection wrote to ${name}, a table it does not declare`);
    return writer;
  }

  /** An entry of the previous flush, brought into the current one. */
  private promote(name: string, id: string): Entry | undefined {
    const entry = this.previous.get(name)?.get(id);
    if (entry !== undefined) (this.current.get(name) as Map<string, Entry>).set(id, entry);
    return entry;
  }

  private load(name: string, key: Row): Entry {
    const writer = this.writerOf(name);
    const entries = this.current.get(name) as Map<string, Entry>;
    const id = writer.shape.keyOf(key);
    let entry = entries.get(id) ?? this.promote(name, id);
    if (entry === undefined) {
      const mayExist = this.written === null || (this.written.get(name) as Set<string>).has(id);
      const row = mayExist ? writer.readNow(key) : null;
      if (row === LATER) throw new RowNotAtHand(name, key);
      entry = { row, dirty: false, owned: true };
      entries.set(id, entry);
    }
    return entry;
  }
}
