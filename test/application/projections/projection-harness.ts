/**
 * Projections run in memory, for specs: the row operations applied to maps, exactly as their
 * meaning is written in src/application/projections/projection.ts. The SQLite runner is held to
 * the same answers by a property (test/adapters/projections).
 */
import type { DomainMessage, StoredEvent } from '../../../src/application/ports/event-store.ts';
import { reportingCalendar } from '../../../src/application/projections/calendar.ts';
import type { AnyTable, Projection, ReadRow, Row, RowOperation } from '../../../src/application/projections/projection.ts';

export type Tables = ReadonlyMap<string, ReadonlyMap<string, Row>>;

const keyOf = (table: AnyTable, key: Row): string => JSON.stringify(table.key.map((k) => key[k]));

/** Runs a projection over events, in order; answers every table's rows by key. */
export const project = (projection: Projection, events: readonly StoredEvent[], zone = 'Asia/Shanghai'): Tables => {
  const tables = new Map(projection.tables.map((t) => [t.name, new Map<string, Row>()]));
  const definitions = new Map(projection.tables.map((t) => [t.name, t]));
  const context = reportingCalendar(zone);
  const read = ((t: AnyTable, key: Row) => tables.get(t.name)?.get(keyOf(t, key))) as ReadRow;
  const apply = (operation: RowOperation) => {
    const definition = definitions.get(operation.table);
    const rows = tables.get(operation.table);
    if (definition === undefined || rows === undefined)
      throw new Error(`${projection.name} wrote to ${operation.table}, which it does not declare`);
    const complete = (row: Row): Row => Object.fromEntries(Object.keys(definition.columns).map((c) => [c, row[c] ?? null]));
    if (operation.kind === 'put') rows.set(keyOf(definition, operation.row), JSON.parse(JSON.stringify(complete(operation.row))) as Row);
    else if (operation.kind === 'delete') rows.delete(keyOf(definition, operation.key));
    else {
      const id = keyOf(definition, operation.key);
      const blank = Object.fromEntries(Object.entries(definition.columns).map(([c, type]) => [c, type === 'integer' ? 0 : null]));
      const row: Record<string, unknown> = { ...(rows.get(id) ?? { ...blank, ...operation.key }) };
      for (const [column, amount] of Object.entries(operation.add)) row[column] = ((row[column] as number | null) ?? 0) + amount;
      for (const [column, value] of Object.entries(operation.set ?? {})) row[column] = value ?? null;
      rows.set(id, row);
    }
  };
  for (const event of events) {
    const category = event.stream.slice(0, Math.max(0, event.stream.indexOf('-')));
    if (!projection.categories.includes(category)) continue;
    for (const operation of projection.evolve(event, read, context)) apply(operation);
  }
  return tables;
};

/** The rows of one table, in key order. */
export const rowsOf = (tables: Tables, table: string): Row[] =>
  [...(tables.get(table)?.entries() ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);

/** Events as the store would hand them over: numbered in order, recorded at the given times. */
export class EventLog {
  private readonly events: StoredEvent[] = [];
  private readonly revisions = new Map<string, bigint>();

  constructor(private recordedAt = '2025-11-22T02:00:00.000Z') {}

  /** The time the next events are recorded at (a later one, usually). */
  at(instant: string): this {
    this.recordedAt = instant;
    return this;
  }

  add(stream: string, ...messages: DomainMessage[]): this {
    for (const message of messages) {
      const revision = (this.revisions.get(stream) ?? -1n) + 1n;
      this.revisions.set(stream, revision);
      const position = BigInt(this.events.length + 1);
      this.events.push({
        ...message,
        id: `e${position}`,
        metadata: { correlationId: 'c', causationId: 'c', recordedAt: this.recordedAt },
        stream,
        revision,
        position: { commit: position, prepare: position },
      } as StoredEvent);
    }
    return this;
  }

  all(): readonly StoredEvent[] {
    return this.events;
  }
}
