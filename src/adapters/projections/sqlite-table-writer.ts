/** One projection table in SQLite, under one physical name: its prepared statements, read and written at once. */
import type Database from 'better-sqlite3';
import type { AnyTable, Row } from '../../application/projections/projection.ts';
import { quote } from './projection-tables.ts';
import type { RowWriter } from './row-batch.ts';
import { TableShape } from './table-shape.ts';

export class SqliteTableWriter implements RowWriter {
  readonly shape: TableShape;
  private readonly select: Database.Statement<unknown[], Record<string, unknown>>;
  private readonly upsert: Database.Statement<unknown[]>;
  private readonly deleteRow: Database.Statement<unknown[]>;

  constructor(db: Database.Database, definition: AnyTable, physical: string) {
    this.shape = new TableShape(definition);
    const columns = this.shape.columns;
    const keys = definition.key;
    const where = keys.map((k) => `${quote(k)} = ?`).join(' AND ');
    const others = columns.filter((c) => !keys.includes(c));
    this.select = db.prepare(`SELECT ${columns.map(quote).join(', ')} FROM ${quote(physical)} WHERE ${where}`);
    this.upsert = db.prepare(
      `INSERT INTO ${quote(physical)} (${columns.map(quote).join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ` +
        `ON CONFLICT (${keys.map(quote).join(', ')}) DO ${others.length === 0 ? 'NOTHING' : `UPDATE SET ${others.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(', ')}`}`,
    );
    this.deleteRow = db.prepare(`DELETE FROM ${quote(physical)} WHERE ${where}`);
  }

  readNow(key: Row): Row | null {
    const found = this.select.get(...this.shape.keyValues(key));
    return found === undefined ? null : this.shape.fromStored(found);
  }

  async readLater(key: Row): Promise<Row | null> {
    return this.readNow(key);
  }

  write(row: Row): void {
    this.upsert.run(...this.shape.values(row));
  }

  delete(key: Row): void {
    this.deleteRow.run(...this.shape.keyValues(key));
  }

  async written(): Promise<void> {}
}
