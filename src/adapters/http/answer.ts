/**
 * Every answer in the article's envelope: `{ code, message, data }`, `code` mirroring the HTTP
 * status (docs/contracts.md#envelope). Errors name what was wrong: 422 lists each bad field as `{ path, message }`.
 */
import type { ErrorRequestHandler, Response } from 'express';
import type { z } from 'zod';
import { Refused } from '../../domain/kernel/refused.ts';

export type Problem = Readonly<{ path: string; message: string }>;

/** A request the HTTP layer itself turns down, before anything is decided. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: readonly Problem[] = [],
  ) {
    super(message);
  }
}

export const send = (res: Response, status: number, data: unknown, message = 'success'): void => {
  res.status(status).json({ code: status, message, data });
};

export const problemsOf = (issues: readonly z.core.$ZodIssue[], prefix: string): Problem[] =>
  issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.') || prefix,
    message: issue.message,
  }));

/** Refusals by reason: not found → 404, already exists or not allowed now → 409, invalid → 422. */
export const statusOfRefusal = (reason: string): number => {
  if (reason.endsWith('_NOT_FOUND')) return 404;
  if (reason.startsWith('INVALID_')) return 422;
  return 409;
};

/** The last middleware: turns what went wrong into an answer, and never leaks a stack trace. */
export const answerErrors =
  (log: (error: unknown) => void): ErrorRequestHandler =>
  (error: unknown, _req, res, _next) => {
    if (error instanceof HttpProblem) {
      send(res, error.status, error.problems.length === 0 ? null : { errors: error.problems }, error.message);
    } else if (error instanceof Refused) {
      send(res, statusOfRefusal(error.reason), { reason: error.reason, errors: error.details }, error.message);
    } else if (isClientError(error)) {
      send(res, error.status, null, error.message);
    } else {
      log(error);
      send(res, 500, null, 'internal error; the request may not have been applied, it is safe to send it again');
    }
  };

/** An error express or its router raised for the request itself (a path parameter that is not valid percent-encoding: 400). */
type ClientError = Error & { status: number };
const isClientError = (error: unknown): error is ClientError =>
  error instanceof Error && 'status' in error && typeof error.status === 'number' && error.status >= 400 && error.status < 500;
