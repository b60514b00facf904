/**
 * The projections' tables as DDL, from their definitions: CREATE TABLE (in SQLite's or
 * PostgreSQL's types), CREATE INDEX, and the fingerprint that says when their shape changed.
 */
import type { AnyTable } from '../../application/projections/projection.ts';

export const quote = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;

export type Dialect = 'sqlite' | 'postgres';

/**
 * JSON is kept as text in both: a row compares equal, byte for byte, whichever database holds it.
 * PostgreSQL's text is collated "C" (byte order, as SQLite's BINARY): the reports sort and page
 * the same whichever database answers, whatever the server's locale.
 */
const sqlTypes = {
  sqlite: { text: 'TEXT', integer: 'INTEGER', json: 'TEXT' },
  postgres: { text: 'TEXT COLLATE "C"', integer: 'BIGINT', json: 'TEXT' },
} as const;

/** CREATE TABLE of a definition, under a physical name (the live one, or the one a rebuild fills). */
export const createTableSql = (definition: AnyTable, physical: string, dialect: Dialect): string => {
  const columns = Object.entries(definition.columns).map(([name, type]) => `${quote(name)} ${sqlTypes[dialect][type]}`);
  const key = definition.key.map(quote).join(', ');
  return `CREATE TABLE IF NOT EXISTS ${quote(physical)} (${columns.join(', ')}, PRIMARY KEY (${key}))${dialect === 'sqlite' ? ' WITHOUT ROWID' : ''}`;
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
