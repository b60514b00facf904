/**
 * What every report shares: keyset pages (the cursor carries the sort key of the last item, so a
 * page is as cheap at the end of the list as at its start and rows added meanwhile never shift
 * what comes next), WHERE clauses built condition by condition, and the database they are read
 * from (`SqlReader`: SQLite here, PostgreSQL in ./postgres-reader.ts). Statements are written with
 * `?` parameters and double-quoted names, which both understand.
 */
import type Database from 'better-sqlite3';
import { InvalidCursor, type Page, type Percentiles, percentile } from '../../application/projections/report-queries.ts';
import { quote } from './projection-tables.ts';

export type Scalar = string | number;

export const encodeCursor = (values: readonly Scalar[]): string => Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');

/** The sort key a cursor carries, checked against the kinds this report expects ('s' text, 'n' number). */
export const decodeCursor = (cursor: string | undefined, shape: string): readonly Scalar[] | null => {
  if (cursor === undefined) return null;
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor('not a cursor this report handed out');
  }
  const fits =
    Array.isArray(values) &&
    values.length === shape.length &&
    values.every((value, i) => (shape[i] === 'n' ? typeof value === 'number' && Number.isFinite(value) : typeof value === 'string'));
  if (!fits) throw new InvalidCursor('not a cursor this report handed out');
  return values as Scalar[];
};

/** A WHERE clause built up condition by condition, with its parameters. */
export class Where {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];

  when(condition: boolean, sql: string, ...params: unknown[]): this {
    if (condition) {
      this.parts.push(sql);
      this.params.push(...params);
    }
    return this;
  }

  toString(): string {
    return this.parts.length === 0 ? '' : `WHERE ${this.parts.join(' AND ')}`;
  }
}

export const q = quote;
export const ageSeconds = (now: string, sinceMs: number): number => Math.max(0, Math.floor((Date.parse(now) - sinceMs) / 1000));
export const defined = <T>(value: T | undefined): value is T => value !== undefined;

export const page = <R, T>(rows: readonly R[], limit: number, toItem: (row: R) => T, cursorOf: (row: R) => readonly Scalar[]): Page<T> => {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return { items: shown.map(toItem), nextCursor: more && last !== undefined ? encodeCursor(cursorOf(last)) : null };
};

export const percentiles = (seconds: number[]): Percentiles => {
  seconds.sort((a, b) => a - b);
  return { orders: seconds.length, p50: percentile(seconds, 0.5), p95: percentile(seconds, 0.95) };
};

/** Where the reports read from: the rows of a statement, and the few phrases the two databases spell differently. */
export interface SqlReader {
  all<R>(sql: string, params: readonly unknown[]): Promise<R[]>;
  /** a join whose left table the planner keeps outside, as written */
  readonly joinAsWritten: string;
  /** true when the JSON array in `column` has an element whose `field` equals the next parameter */
  jsonListHas(column: string, field: string): string;
}

/** The reports' SQLite connection: each distinct statement prepared once. */
export class SqliteReader implements SqlReader {
  private readonly statements = new Map<string, Database.Statement>();
  readonly joinAsWritten = 'CROSS JOIN';

  constructor(private readonly db: Database.Database) {}

  async all<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, statement);
    }
    return statement.all(...params) as R[];
  }

  jsonListHas(column: string, field: string): string {
    return `EXISTS (SELECT 1 FROM json_each(${column}) WHERE json_extract(value, '$.${field}') = ?)`;
  }
}
