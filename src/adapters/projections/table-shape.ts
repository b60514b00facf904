/**
 * What any database does with a projection table's rows, whatever holds them: a row's key as one
 * string, its columns as statement parameters (JSON columns as text) and back, the row as the table
 * would give it back, and the blank row an `add` starts from.
 */
import type { AnyTable, Row } from '../../application/projections/projection.ts';

export class TableShape {
  readonly columns: readonly string[];
  readonly keyOf: (key: Row) => string;
  private readonly json: readonly boolean[];

  constructor(readonly definition: AnyTable) {
    this.columns = Object.keys(definition.columns);
    this.json = this.columns.map((column) => definition.columns[column] === 'json');
    const [first, second, third, ...more] = definition.key;
    if (first === undefined) throw new Error(`table ${definition.name} has no key`);
    this.keyOf =
      second === undefined
        ? (key) => String(key[first])
        : third === undefined
          ? (key) => `${String(key[first])}\u0000${String(key[second])}`
          : (key) => [first, second, third, ...more].map((k) => String(key[k])).join('\u0000');
  }

  /** The key's values, in the key's order: a statement's parameters. */
  keyValues(key: Row): unknown[] {
    return this.definition.key.map((k) => key[k]);
  }

  /** The row's values, in column order: a statement's parameters (JSON as text, undefined as null). */
  values(row: Row): unknown[] {
    const values = new Array<unknown>(this.columns.length);
    for (let i = 0; i < this.columns.length; i += 1) {
      const value = row[this.columns[i] as string];
      values[i] = value === undefined || value === null ? null : this.json[i] ? JSON.stringify(value) : value;
    }
    return values;
  }

  /** A row as the database gave it, its JSON columns parsed (in place). */
  fromStored(found: Record<string, unknown>): Row {
    for (let i = 0; i < this.columns.length; i += 1) {
      const column = this.columns[i] as string;
      if (this.json[i] && typeof found[column] === 'string') found[column] = JSON.parse(found[column] as string);
    }
    return found;
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
