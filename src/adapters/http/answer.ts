/**
 * Every answer in the article's envelope: `{ code, message, data }`, `code` mirroring the HTTP
 * status (docs/contracts.md#envelope). Errors name what was wrong: 422 lists each bad field as `{ path, message }`.
 */
import type { ErrorRequestHandler, Request, Response } from 'express';
import type { z } from 'zod';
import { Refused } from '../../domain/kernel/refused.ts';
import { StoreUnavailable } from '../../application/ports/store-unavailable.ts';

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

export type Answer = Readonly<{ status: number; data: unknown; message: string }>;

/** What went wrong, as the answer to the caller; never a stack trace. An error that is not the caller's goes to `log` and is a 500. */
export const answerOf = (error: unknown, log: (error: unknown) => void): Answer => {
  if (error instanceof HttpProblem)
    return { status: error.status, data: error.problems.length === 0 ? null : { errors: error.problems }, message: error.message };
  if (error instanceof Refused)
    return { status: statusOfRefusal(error.reason), data: { reason: error.reason, errors: error.details }, message: error.message };
  if (isClientError(error)) return { status: error.status, data: null, message: error.message };
  // the store's database out of reach (restarting): nothing the caller did wrong, nothing for the log per request
  if (error instanceof StoreUnavailable)
    return {
      status: 503,
      data: null,
      message:
        'the event store cannot be reached now: try again shortly (the request may not have been applied; it is safe to send it again)',
    };
  log(error);
  return { status: 500, data: null, message: 'internal error; the request may not have been applied, it is safe to send it again' };
};

/** The last middleware: turns what went wrong into an answer (`before` runs first, with the error: it may keep the request). */
export const answerErrors =
  (log: (error: unknown) => void, before: (req: Request, answer: Answer, error: unknown) => Promise<void>): ErrorRequestHandler =>
  (error: unknown, req, res, _next) => {
    const answer = answerOf(error, log);
    before(req, answer, error)
      .catch(log)
      .finally(() => send(res, answer.status, answer.data, answer.message));
  };

/** An error express or its router raised for the request itself (a path parameter that is not valid percent-encoding: 400). */
type ClientError = Error & { status: number };
const isClientError = (error: unknown): error is ClientError =>
  error instanceof Error && 'status' in error && typeof error.status === 'number' && error.status >= 400 && error.status < 500;
