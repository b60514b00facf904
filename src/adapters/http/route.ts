/**
 * One route, declared once: express serves it and /openapi.json describes it from the same
 * zod schemas that validate its input.
 */
import type { z } from 'zod';
import type { Caller, Role } from '../credentials/callers.ts';

export type RouteInput = Readonly<{
  params: Readonly<Record<string, string>>;
  body: unknown;
  query: unknown;
  headers: Readonly<Record<string, string | undefined>>;
  /** who sent it (./authenticate.ts) */
  caller: Caller;
  /** the id a warehouse message is kept under in the archive (./warehouse-messages.ts); undefined for other requests */
  messageId: string | undefined;
}>;

export type RouteAnswer = Readonly<{ status: number; data: unknown; message?: string }>;

export type Route = Readonly<{
  method: 'get' | 'post' | 'put';
  /** OpenAPI style: /api/oms/orders/{orderNo} */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** the roles that may call it (../credentials/callers.ts) */
  roles: readonly Role[];
  /** a message from a warehouse: kept in the archive whatever its answer (./warehouse-messages.ts) */
  warehouseMessage?: true;
  body?: z.ZodType;
  query?: z.ZodType;
  /** statuses this route answers besides 200, with what they mean */
  answers: Readonly<Record<number, string>>;
  handle: (input: RouteInput) => Promise<RouteAnswer>;
}>;

/** `{orderNo}` → `:orderNo` for express. */
export const expressPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

/** What an event-stream route sends to its client: named events with JSON data, and the end of the stream. */
export type EventSink = Readonly<{ send: (event: string, data: unknown) => void; end: () => void }>;

/**
 * A route that answers a stream of Server-Sent Events (text/event-stream) for as long as its
 * client stays, instead of one JSON answer (./event-stream.ts). GET only.
 */
export type EventStreamRoute = Readonly<{
  path: string;
  summary: string;
  description: string;
  tag: string;
  roles: readonly Role[];
  /** each event the stream sends, by name: what its data is (for /openapi.json) */
  events: Readonly<Record<string, string>>;
  /** statuses this route answers besides 200, with what they mean */
  answers: Readonly<Record<number, string>>;
  /** starts sending to `sink` (may refuse first, with an HttpProblem); answers how to stop: the client went away */
  follow: (sink: EventSink) => () => void;
}>;
