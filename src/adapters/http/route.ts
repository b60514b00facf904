/**
 * One route, declared once: express serves it and /openapi.json describes it from the same
 * zod schemas that validate its input.
 */
import type { z } from 'zod';

export type RouteInput = Readonly<{
  params: Readonly<Record<string, string>>;
  body: unknown;
  query: unknown;
  headers: Readonly<Record<string, string | undefined>>;
}>;

export type RouteAnswer = Readonly<{ status: number; data: unknown; message?: string }>;

export type Route = Readonly<{
  method: 'get' | 'post' | 'put';
  /** OpenAPI style: /api/oms/orders/{orderNo} */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** statuses this route answers besides 200, with what they mean */
  answers: Readonly<Record<number, string>>;
  handle: (input: RouteInput) => Promise<RouteAnswer>;
}>;

/** `{orderNo}` → `:orderNo` for express. */
export const expressPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');
