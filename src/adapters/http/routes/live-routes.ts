/**
 * `GET /api/oms/live`: every event appended to the store from the moment the stream is live, as
 * Server-Sent Events, for a console to refresh what it shows without asking again and again. It
 * says what happened where (stream, type, position, when), not what the event holds: a console
 * reads that from the routes it is allowed (the order, the reports).
 */
import { type StoredEvent, streamIdOf } from '../../../application/ports/event-store.ts';
import { orderStreamName } from '../../../domain/outbound-order/index.ts';
import type { LiveFeed } from '../live-feed.ts';
import type { EventStreamRoute } from '../route.ts';

/**
 * What `event: appended` carries; `orderNo` when the event is on an order's stream. The position
 * is the store's (consecutive on SQLite; on EventStoreDB the commit position, which the events of
 * one append share).
 */
const appended = (event: StoredEvent) => {
  const id = streamIdOf(event.stream);
  return {
    position: String(event.position.commit),
    stream: event.stream,
    type: event.type,
    recorded: event.metadata.recordedAt,
    ...(orderStreamName(id) === event.stream ? { orderNo: id } : {}),
  };
};

export const liveRoutes = (feed: LiveFeed): readonly EventStreamRoute[] => [
  {
    path: '/api/oms/live',
    // not channels: the feed names every stream, warehouse messages and alerts included, which a channel may not read
    roles: ['operator', 'reporting'],
    tag: 'live',
    summary: 'Every event appended to the store from now on, as Server-Sent Events (text/event-stream), while the client stays',
    description: [
      'Read it with fetch() and the X-Api-Key header (a browser EventSource cannot send one); keys are never taken from the query string.',
      'The stream opens with the comment `: live`: every event appended after it is sent, in store order. A comment `: keep-alive` comes every LIVE_KEEP_ALIVE_MS (15 s) meanwhile.',
      'Events appended while a client was away are not sent again when it reconnects: it reads what it shows again (the order, the reports) after reconnecting.',
      'A client that leaves more than 1 MiB unread is let go (the stream ends). 503 when the hub no longer follows its store.',
    ].join(' '),
    events: {
      appended:
        '{ "position": the store-wide position, as a string (on EventStoreDB its commit position, shared by the events of one append); "stream": the stream name; "type": the event type; "recorded": when the hub recorded it (ISO-8601); "orderNo": on an order stream (order-{orderNo}) only }',
    },
    answers: { 503: 'the hub no longer follows its store (see its log)' },
    follow: (sink) =>
      feed.listen({
        appended: (event) => sink.send('appended', appended(event)),
        ended: sink.end,
      }),
  },
];
