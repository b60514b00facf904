/**
 * The projections' tables in SQLite: DDL from their definitions, prepared statements per table,
 * and the batch that applies row operations. A batch keeps every row it touched in memory (read
 * once, then changed in place as events arrive) and writes each changed row once when it is
 * flushed: a replay of many events per transaction writes an order's row once, not once per event.
 */
import type Database from 'better-sqlite3';
import type { AnyTable, ReadRow, Row, RowOperation } from '../../application/projections/projection.ts';

export const quote = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;

const sqlType = { text: 'TEXT', integer: 'INTEGER', json: 'TEXT' } as const;

/** CREATE TABLE of a definition, under a physical name (the live one, or the one a rebuild fills). */
export const createTableSql = (definition: AnyTable, physical: string): string => {
  const columns = Object.entries(definition.columns).map(([name, type]) => `${quote(name)} ${sqlType[type]}`);
  const key = definition.key.map(quote).join(', ');
  return `CREATE TABLE IF NOT EXISTS ${quote(physical)} (${columns.join(', ')}, PRIMARY KEY (${key})) WITHOUT ROWID`;
};

/** CREATE INDEX statements; names carry a generation so that a rebuilt table's indexes never clash with the live one's. */
export const createIndexSql = (definition: AnyTable, physical: string, generation: number): string[] =>
  (definition.indexes ?? []).map((columns, i) => {
    const list = columns.map((column) => {
      const [name = '', direction] = column.split(' ');
      return direction === undefined ? quote(name) : `${quote(name)} ${direction === 'DESC' ? 'DESC' : 'ASC'}`;
    });
    return `CREATE INDEX IF NOT EXISTS ${quote(`${definition.name}__ix${i}__g${generation}`)} ON ${quote(physical)} (${list.join(', ')})`;
  });

/** What must not change without a new version: the shape of the tables. */
export const tablesFingerprint = (tables: readonly AnyTable[]): string =>
  JSON.stringify(tables.map((t) => [t.name, Object.entries(t.columns), t.key, t.indexes ?? []]));

/** A row as the batch knows it: null when absent (or deleted); `key` kept for a deletion. */
/** `owned`: the row object is the batch's own (read from the table, or copied), so it may be changed in place. */
type Entry = { row: Row | null; dirty: boolean; owned: boolean; key?: Row };

/** One table, under one physical name: its statements and how to turn rows into parameters and back. */
export class TableWriter {
  readonly columns: readonly string[];
  readonly keyOf: (key: Row) => string;
  private readonly json: readonly boolean[];
  private readonly select: Database.Statement<unknown[], Record<string, unknown>>;
  private readonly upsert: Database.Statement<unknown[]>;
  private readonly deleteRow: Database.Statement<unknown[]>;

  constructor(
    db: Database.Database,
    readonly definition: AnyTable,
    readonly physical: string,
  ) {
    this.columns = Object.keys(definition.columns);
    this.json = this.columns.map((column) => definition.columns[column] === 'json');
    const keys = definition.key;
    const where = keys.map((k) => `${quote(k)} = ?`).join(' AND ');
    const others = this.columns.filter((c) => !keys.includes(c));
    this.select = db.prepare(`SELECT ${this.columns.map(quote).join(', ')} FROM ${quote(physical)} WHERE ${where}`);
    this.upsert = db.prepare(
      `INSERT INTO ${quote(physical)} (${this.columns.map(quote).join(', ')}) VALUES (${this.columns.map(() => '?').join(', ')}) ` +
        `ON CONFLICT (${keys.map(quote).join(', ')}) DO ${others.length === 0 ? 'NOTHING' : `UPDATE SET ${others.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(', ')}`}`,
    );
    this.deleteRow = db.prepare(`DELETE FROM ${quote(physical)} WHERE ${where}`);
    const [first, second, third, ...more] = keys;
    if (first === undefined) throw new Error(`table ${definition.name} has no key`);
    this.keyOf =
      second === undefined
        ? (key) => String(key[first])
        : third === undefined
          ? (key) => `${String(key[first])}\u0000${String(key[second])}`
          : (key) => [first, second, third, ...more].map((k) => String(key[k])).join('\u0000');
  }

  read(key: Row): Row | null {
    const found = this.select.get(...this.definition.key.map((k) => key[k]));
    if (found === undefined) return null;
    for (let i = 0; i < this.columns.length; i += 1) {
      const column = this.columns[i] as string;
      if (this.json[i] && typeof found[column] === 'string') found[column] = JSON.parse(found[column] as string);
    }
    return found;
  }

  write(row: Row): void {
    const values = new Array<unknown>(this.columns.length);
    for (let i = 0; i < this.columns.length; i += 1) {
      const value = row[this.columns[i] as string];
      values[i] = value === undefined || value === null ? null : this.json[i] ? JSON.stringify(value) : value;
    }
    this.upsert.run(...values);
  }

  delete(key: Row): void {
    this.deleteRow.run(...this.definition.key.map((k) => key[k]));
  }

  /** The row as the table would give it back: undefined and NaN as null (row types hold their columns only). */
  normalise(row: Row): Row {
    let clean = true;
    for (const column of this.columns) {
      const value = row[column];
      if (value === undefined || value !== value) clean = false; // undefined, NaN: the table holds null
    }
    if (clean) return row;
    const copy: Record<string, unknown> = {};
    for (const column of this.columns) {
      const value = row[column];
      copy[column] = value === undefined || value !== value ? null : value;
    }
    return copy;
  }

  /** A new row for `add`: the key, zero in integer columns, null elsewhere. */
  blank(key: Row): Record<string, unknown> {
    const row: Record<string, unknown> = {};
    for (const column of this.columns) row[column] = this.definition.columns[column] === 'integer' ? 0 : null;
    for (const k of this.definition.key) row[k] = key[k];
    return row;
  }
}

/** The tables of one run (live, or a rebuild), by their definition's name. */
export type Writers = ReadonlyMap<string, TableWriter>;

/**
 * Row operations applied in memory, written at `flush`. `read` answers from memory first, then
 * from the table (inside the caller's transaction, so what it reads is what the batch builds on).
 *
 * A batch that `carries` (a rebuild: one batch for the whole replay, flushed every so many
 * events) keeps the rows of the previous flush at hand, so an order whose events straddle two
 * transactions is not read back from the table; and it knows which keys it ever wrote, so a row
 * its fresh tables cannot hold is not looked for there.
 */
export class RowBatch {
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

  apply(operations: readonly RowOperation[]): void {
    for (const operation of operations) {
      const writer = this.writerOf(operation.table);
      const entries = this.current.get(operation.table) as Map<string, Entry>;
      switch (operation.kind) {
        case 'put': {
          const row = writer.normalise(operation.row);
          const id = writer.keyOf(row);
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
          const id = writer.keyOf(operation.key);
          const entry = entries.get(id) ?? this.promote(operation.table, id);
          if (entry !== undefined && entry.row === null && !entry.dirty) break; // known absent
          entries.set(id, { row: null, dirty: true, owned: true, key: operation.key });
          break;
        }
        case 'add': {
          const entry = this.load(operation.table, operation.key);
          const row = (entry.row === null ? writer.blank(operation.key) : entry.owned ? entry.row : { ...entry.row }) as Record<
            string,
            unknown
          >;
          for (const column in operation.add) row[column] = ((row[column] as number | null) ?? 0) + (operation.add[column] as number);
          if (operation.set !== null) for (const column in operation.set) row[column] = operation.set[column] ?? null;
          entry.row = row;
          entry.owned = true;
          entry.dirty = true;
          this.written?.get(operation.table)?.add(writer.keyOf(operation.key));
          break;
        }
      }
    }
  }

  /** Writes every changed row (the caller holds the transaction); returns how many. */
  flush(): number {
    let written = 0;
    for (const [name, entries] of this.current) {
      const writer = this.writers.get(name) as TableWriter;
      for (const entry of entries.values()) {
        if (!entry.dirty) continue;
        if (entry.row !== null) writer.write(entry.row);
        else if (entry.key !== undefined) writer.delete(entry.key);
        entry.dirty = false;
        written += 1;
      }
    }
    if (this.carries) {
      this.previous = this.current;
      this.current = new Map([...this.writers.keys()].map((name) => [name, new Map()]));
    }
    return written;
  }

  private writerOf(name: string): TableWriter {
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
    const id = writer.keyOf(key);
    let entry = entries.get(id) ?? this.promote(name, id);
    if (entry === undefined) {
      const mayExist = this.written === null || (this.written.get(name) as Set<string>).has(id);
      entry = { row: mayExist ? writer.read(key) : null, dirty: false, owned: true };
      entries.set(id, entry);
    }
    return entry;
  }
}
