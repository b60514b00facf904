/**
 * Projections run in memory, for specs: the events decoded as the hub reads them (an event of an
 * older shape completed from its stream's state just before it, as the EventReader does; an event
 * that does not decode fails the test), the row operations applied to maps exactly as their
 * meaning is written in src/application/projections/projection.ts. The SQLite runner is held to
 * the same answers by a property (test/adapters/projections).
 */
import { ZodEventDecoder } from '../../../src/adapters/event-codec/zod-event-decoder.ts';
import { type HubEvent, isCategory, isOfCategory } from '../../../src/application/events/recorded-event.ts';
import type { Completion } from '../../../src/application/ports/event-decoder.ts';
import { type DomainMessage, type StoredEvent, categoryOf } from '../../../src/application/ports/event-store.ts';
import { reportingCalendar } from '../../../src/application/projections/calendar.ts';
import type { AnyTable, Projection, ReadRow, Row, RowOperation } from '../../../src/application/projections/projection.ts';
import { fold } from '../../../src/domain/kernel/decider.ts';
import { inboundOrderDecider } from '../../../src/domain/inbound-order/index.ts';
import { outboundOrder } from '../../../src/domain/outbound-order/index.ts';
import { returnOrderDecider } from '../../../src/domain/return-order/index.ts';

const decoder = new ZodEventDecoder();

/** An event of an older shape, completed from the events of its stream before it (decoded already). */
const completed = (completion: Completion, earlier: readonly HubEvent[]): HubEvent => {
  const event = completedOrNull(completion, earlier);
  if (event === null) throw new Error(`an older ${completion.category} event with nothing before it`);
  return event;
};

const completedOrNull = (completion: Completion, earlier: readonly HubEvent[]): HubEvent | null => {
  switch (completion.category) {
    case 'order':
      return completion.complete(
        fold(
          outboundOrder,
          earlier.filter((e) => isOfCategory(e, 'order')),
        ),
      );
    case 'inbound':
      return completion.complete(
        fold(
          inboundOrderDecider,
          earlier.filter((e) => isOfCategory(e, 'inbound')),
        ),
      );
    case 'return':
      return completion.complete(
        fold(
          returnOrderDecider,
          earlier.filter((e) => isOfCategory(e, 'return')),
        ),
      );
  }
};

export type Tables = ReadonlyMap<string, ReadonlyMap<string, Row>>;

const keyOf = (table: AnyTable, key: Row): string => JSON.stringify(table.key.map((k) => key[k]));

export type Projector = Readonly<{ feed: (events: readonly StoredEvent[]) => void; tables: Tables }>;

/** A projection fed events (stored, as the store hands them over) a few at a time: its tables after each feed. */
export const projector = (projection: Projection, zone = 'Asia/Shanghai'): Projector => {
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
  const streams = new Map<string, HubEvent[]>();
  const decode = (stored: StoredEvent): HubEvent => {
    const earlier = streams.get(stored.stream) ?? [];
    streams.set(stored.stream, earlier);
    const decoding = decoder.decode(stored);
    if (decoding.kind === 'undecodable')
      throw new Error(`${stored.type} at ${stored.stream}@${stored.revision}: ${decoding.problems.join('; ')}`);
    const event = decoding.kind === 'decoded' ? decoding.event : completed(decoding.completion, earlier);
    earlier.push(event);
    return event;
  };
  const feed = (events: readonly StoredEvent[]) => {
    for (const stored of events) {
      const category = categoryOf(stored.stream);
      if (!isCategory(category) || !projection.categories.includes(category)) continue;
      for (const operation of projection.evolve(decode(stored), read, context)) apply(operation);
    }
  };
  return { feed, tables };
};

/** Runs a projection over events (stored, as the store hands them over), in order; answers every table's rows by key. */
export const project = (projection: Projection, events: readonly StoredEvent[], zone = 'Asia/Shanghai'): Tables => {
  const run = projector(projection, zone);
  run.feed(events);
  return run.tables;
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
