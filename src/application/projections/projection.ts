/**
 * A projection: a read model for reporting, rebuilt from the events at will (docs/architecture.md#projections). It is
 * data plus one pure function:
 *
 *   evolve(event, read, context) → row operations
 *
 * `event` is decoded (../events/recorded-event.ts): narrow it by `category` and `type`; its
 * stream's id is `event.streamId`. `read` gives the current row of one of the projection's own
 * tables by its key (when the evolve needs what it wrote before); `context` gives the reporting
 * zone's calendar. No I/O, no clock:
 * days come from the events' own timestamps. The adapter that runs projections applies the
 * operations, in order, and keeps the projection's checkpoint with its rows.
 */
import type { Category, HubEvent } from '../events/recorded-event.ts';

/** `json`: any JSON value (arrays, objects), kept as text by the adapter. */
export type ColumnType = 'text' | 'integer' | 'json';

export type Row = Readonly<Record<string, unknown>>;

/** A table of a projection: its columns, its primary key, and the secondary indexes its queries need. */
export type Table<R extends Row = Row, K extends keyof R & string = keyof R & string> = Readonly<{
  name: string;
  columns: Readonly<{ [C in keyof R & string]-?: ColumnType }>;
  key: readonly K[];
  /** each index a list of columns, a column optionally followed by ` DESC` */
  indexes?: readonly (readonly string[])[];
  /** never set: carries the row type, so that `read` and the operations know it */
  rowType?: R;
}>;

export type AnyTable = Table<Row, string>;

export const table = <R extends Row, K extends keyof R & string>(definition: Table<R, K>): Table<R, K> => definition;

/**
 * What an evolve asks the adapter to do to a row:
 *   put     the whole row, inserted or replaced;
 *   add     add to numeric columns (a missing row starts from 0 in every integer column and null
 *           elsewhere), and set the columns in `set`;
 *   delete  the row with this key, if there is one.
 */
export type RowOperation =
  | Readonly<{ kind: 'put'; table: string; row: Row }>
  | Readonly<{ kind: 'add'; table: string; key: Row; add: Readonly<Record<string, number>>; set: Row | null }>
  | Readonly<{ kind: 'delete'; table: string; key: Row }>;

type NumericColumns<R> = { [C in keyof R]: R[C] extends number ? C : never }[keyof R];

export const put = <R extends Row, K extends keyof R & string>(t: Table<R, K>, row: R): RowOperation => ({
  kind: 'put',
  table: t.name,
  row,
});

export const add = <R extends Row, K extends keyof R & string>(
  t: Table<R, K>,
  key: Pick<R, K>,
  amounts: Partial<Record<NumericColumns<R> & string, number>>,
  set: Partial<R> | null = null,
): RowOperation => ({ kind: 'add', table: t.name, key, add: amounts as Readonly<Record<string, number>>, set });

export const remove = <R extends Row, K extends keyof R & string>(t: Table<R, K>, key: Pick<R, K>): RowOperation => ({
  kind: 'delete',
  table: t.name,
  key,
});

/** The current row of one of the projection's own tables, as of the events applied so far. */
export type ReadRow = <R extends Row, K extends keyof R & string>(t: Table<R, K>, key: Pick<R, K>) => R | undefined;

/** The reporting calendar: instants to epoch milliseconds and to days (YYYY-MM-DD) in the configured zone. */
export type ProjectionContext = Readonly<{
  zone: string;
  millisOf: (instant: string) => number;
  dayOf: (instant: string) => string;
}>;

export type Projection = Readonly<{
  /** stable, kebab-case: what `oms projections rebuild <name>` takes */
  name: string;
  /** raise it when the tables or the evolve change: the runner then rebuilds the projection */
  version: number;
  description: string;
  /** the stream categories it reads; events of other categories only move its checkpoint */
  categories: readonly Category[];
  tables: readonly AnyTable[];
  /** one decoded event of a category in `categories` */
  evolve: (event: HubEvent, read: ReadRow, context: ProjectionContext) => readonly RowOperation[];
}>;

/** Nothing to do: shared, so that the common case allocates nothing. */
export const NOTHING: readonly RowOperation[] = Object.freeze([]);
