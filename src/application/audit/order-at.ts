import { type OrderState, orderStreamName, outboundOrder } from '../../domain/outbound-order/index.ts';
import type { EventReader } from '../events/event-reader.ts';
import type { RecordedEvent } from '../events/recorded-event.ts';
import { type OrderView, orderView } from '../outbound/order-view.ts';
import { type JsonValue, positionToString } from '../ports/event-store.ts';
import { isAtOrBefore } from './point-in-time.ts';

/** The raw warehouse callback an event came from (kept in `metadata.callback` by the REST adapter). */
export type RawCallback = Readonly<{ endpoint: string; body: JsonValue }>;

/** Where another event is: enough to name it in an audit. */
export type EventRef = Readonly<{ stream: string; revision: string; type: string }>;

/** One event of an order's history, with what caused it. */
export type HistoryEntry = Readonly<{
  revision: string;
  position: string;
  id: string;
  type: string;
  recordedAt: string;
  /** as decoded: a shipment stored before it carried the order's context shows it completed */
  data: object;
  /** the flow it belongs to: the HTTP request, callback or timer that started it */
  correlationId: string;
  /** the message that caused it: an event id, or the request / callback id that started the flow */
  causationId: string;
  /** the causing event when it is known (in this stream, or found by `lookup`) */
  causedBy: EventRef | null;
  /** the warehouse callback this event came from: its own, or the one that started its flow */
  callback: (RawCallback & Readonly<{ carriedBy: string }>) | null;
}>;

export type OrderAt = Readonly<{
  orderNo: string;
  /** the instant asked about; null: now, every event so far */
  at: string | null;
  /** the order as it stood then; null when it did not exist yet */
  view: OrderView | null;
  state: OrderState | null;
  /** the events recorded at or before `at`, in order */
  events: readonly HistoryEntry[];
  /** how many events were recorded after `at` */
  later: number;
}>;

type OrderEventRecorded = RecordedEvent<'order'>;

const callbackOf = (event: OrderEventRecorded): RawCallback | null => {
  const value = event.metadata.callback;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const { endpoint, body } = value as Readonly<Record<string, JsonValue>>;
  return typeof endpoint === 'string' && body !== undefined ? { endpoint, body } : null;
};

/**
 * The order as it stood at `at` (null: as it stands now): the decoded events of its stream recorded at or before that
 * instant (by `metadata.recordedAt`), folded by the order's decider. A stream is appended in order, so once
 * an event was recorded after `at`, every later one was too: the history is the stream's prefix.
 * Each event says what caused it: its causation and correlation ids, the causing event when
 * `lookup` knows it (or it is in this stream), and the raw warehouse callback its flow came from.
 */
export const orderAt = (
  orderNo: string,
  events: readonly OrderEventRecorded[],
  at: string | null,
  lookup: ReadonlyMap<string, EventRef> = new Map(),
): OrderAt => {
  const firstLater = at === null ? -1 : events.findIndex((event) => !isAtOrBefore(event.metadata.recordedAt, at));
  const upTo = firstLater < 0 ? events : events.slice(0, firstLater);
  const inStream = new Map<string, EventRef>();
  const callbacks = new Map<string, RawCallback & Readonly<{ carriedBy: string }>>();
  for (const event of upTo) {
    inStream.set(event.id, { stream: event.stream, revision: String(event.revision), type: event.type });
    const callback = callbackOf(event);
    if (callback !== null && !callbacks.has(event.metadata.correlationId)) {
      callbacks.set(event.metadata.correlationId, { ...callback, carriedBy: String(event.revision) });
    }
  }
  const entries = upTo.map((event): HistoryEntry => ({
    revision: String(event.revision),
    position: positionToString(event.position),
    id: event.id,
    type: event.type,
    recordedAt: event.metadata.recordedAt,
    data: event.data,
    correlationId: event.metadata.correlationId,
    causationId: event.metadata.causationId,
    causedBy: inStream.get(event.metadata.causationId) ?? lookup.get(event.metadata.causationId) ?? null,
    callback: callbacks.get(event.metadata.correlationId) ?? null,
  }));
  return {
    orderNo,
    at,
    view: orderView(upTo),
    state: upTo.length === 0 ? null : upTo.reduce<OrderState>(outboundOrder.evolve, outboundOrder.initialState),
    events: entries,
    later: events.length - upTo.length,
  };
};

/** Finds where events are by their ids (a store that can: SQLite by its id index); absent ids are left out. */
export type EventLookup = (ids: readonly string[]) => Promise<ReadonlyMap<string, EventRef>>;

/**
 * Read the order's stream, decoded (older shipments completed), and answer {@link orderAt}: what
 * `oms history` and `GET /api/oms/orders/{orderNo}?at=` show. Throws `UndecodableEvent` when an
 * event of the stream cannot be read.
 */
export const readOrderAt = async (events: EventReader, orderNo: string, at: string | null, lookup?: EventLookup): Promise<OrderAt> => {
  const stream = await events.readStream('order', orderStreamName(orderNo));
  if (lookup === undefined) return orderAt(orderNo, stream, at);
  const ids = new Set(stream.map((event) => event.metadata.causationId));
  for (const event of stream) ids.delete(event.id);
  return orderAt(orderNo, stream, at, ids.size === 0 ? new Map() : await lookup([...ids]));
};
