/**
 * Reading a request's body: JSON, within the size limit, nested at most MAX_BODY_DEPTH levels.
 * Whatever goes wrong while reading it (an encoding that is not what it says, bytes that are not
 * JSON, a body too large or too deep) is the caller's to fix: it is answered with a 4xx that says
 * what is wrong, never a 500, and nothing is applied.
 */
import type { IncomingMessage } from 'node:http';
import express, { type Request, type RequestHandler } from 'express';
import { HttpProblem } from './answer.ts';

/** The deepest nesting a body may have: the hub's own bodies nest 3 levels; 32 leaves room for any extra a warehouse sends. */
export const MAX_BODY_DEPTH = 32;

type BodyParserError = Error & { type?: string; status?: number; limit?: number };
const isBodyParserError = (error: unknown): error is BodyParserError => error instanceof Error && 'type' in error;

/** What went wrong reading the body, as the answer to the caller. */
const problemOf = (error: unknown): HttpProblem => {
  if (isBodyParserError(error)) {
    if (error.type === 'entity.parse.failed') return new HttpProblem(400, `the body is not valid JSON: ${error.message}`);
    if (error.type === 'entity.too.large')
      return new HttpProblem(413, `the body is larger than the limit of ${String(error.limit)} bytes`, [
        { path: 'body', message: 'too large' },
      ]);
    if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') return new HttpProblem(415, error.message);
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new HttpProblem(400, `the body could not be read (its Content-Encoding or Content-Length may not match what was sent): ${reason}`);
};

/** The path of the first value nested deeper than `max`, or null; iterative, so a deep body cannot overflow the stack here. */
export const tooDeep = (value: unknown, max: number): string | null => {
  const pending: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: 'body' }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth >= max) return next.path;
    for (const [key, child] of Object.entries(next.value))
      pending.push({ value: child, depth: next.depth + 1, path: `${next.path}.${key}` });
  }
  return null;
};

const rawBodies = new WeakMap<IncomingMessage, Buffer>();

/** The body's bytes as received (after its Content-Encoding is undone): what a signature signs and the archive keeps; empty when none was read. */
export const rawBodyOf = (req: Request): Buffer => rawBodies.get(req) ?? Buffer.alloc(0);

/** The body-reading middleware: JSON whatever the Content-Type says, `limit` at most, MAX_BODY_DEPTH deep at most; its bytes kept ({@link rawBodyOf}). */
export const readJsonBody = (limit: string): RequestHandler => {
  const parse = express.json({
    limit,
    type: () => true,
    strict: false,
    verify: (req, _res, bytes) => {
      rawBodies.set(req, bytes);
    },
  });
  return (req, res, next) => {
    parse(req, res, (error?: unknown) => {
      if (error !== undefined) return next(problemOf(error));
      const deep = tooDeep(req.body, MAX_BODY_DEPTH);
      if (deep !== null)
        return next(
          new HttpProblem(400, `the body is nested deeper than ${MAX_BODY_DEPTH} levels`, [
            { path: deep.length > 200 ? `${deep.slice(0, 200)}…` : deep, message: `nested deeper than ${MAX_BODY_DEPTH} levels` },
          ]),
        );
      return next();
    });
  };
};
