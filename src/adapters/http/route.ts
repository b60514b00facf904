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
