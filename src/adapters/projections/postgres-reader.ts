/**
 * The reports' PostgreSQL connection (./report-sql.ts `SqlReader`): the reports' `?` parameters
 * numbered as PostgreSQL wants them (`$1`, `$2` …; a `?` inside a quoted literal is left alone),
 * and JSON lists searched with jsonb.
 */
import type pg from 'pg';
import { whileReachable } from '../postgres/unreachable.ts';
import type { SqlReader } from './report-sql.ts';

/** `?` → `$n`, outside single-quoted literals and double-quoted names. */
export const numberParameters = (sql: string): string => {
  let out = '';
  let n = 0;
  let quoteChar: string | null = null;
  for (const char of sql) {
    if (quoteChar !== null) {
      if (char === quoteChar) quoteChar = null;
      out += char;
    } else if (char === "'" || char === '"') {
      quoteChar = char;
      out += char;
    } else if (char === '?') {
      n += 1;
      out += `$${n}`;
    } else out += char;
  }
  return out;
};

export class PostgresReader implements SqlReader {
  private readonly numbered = new Map<string, string>();
  /** PostgreSQL's planner orders joins itself; the search table's index serves it all the same */
  readonly joinAsWritten = 'JOIN';

  constructor(private readonly pool: pg.Pool) {}

  async all<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
    const text = this.numbered.get(sql) ?? this.numberOnce(sql);
    return whileReachable(async () => (await this.pool.query(text, [...params])).rows as R[]);
  }

  private numberOnce(sql: string): string {
    const text = numberParameters(sql);
    if (this.numbered.size > 500) this.numbered.clear();
    this.numbered.set(sql, text);
    return text;
  }

  jsonListHas(column: string, field: string): string {
    return `EXISTS (SELECT 1 FROM jsonb_array_elements(${column}::jsonb) AS element WHERE element ->> '${field}' = ?)`;
  }
}
