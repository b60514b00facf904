/**
 * `Idempotency-Key` bound to the request it was first used for, as Stripe does: the same key with
 * the same request (method, path and body) is applied once, the later sends answer as the first
 * did (the use cases are idempotent by the key); the same key with another request is refused
 * (422) and changes nothing, instead of answering 200 for a request that was never applied. A
 * key is bound once a request with it has succeeded (2xx), so that a request refused for a bad
 * field may be corrected and sent again with its key.
 */
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpProblem } from './answer.ts';

export type KeyUse = Readonly<{ kind: 'new' } | { kind: 'same' } | { kind: 'other'; request: string }>;

/** Where keys and their requests are kept (adapters/idempotency). */
export interface IdempotencyKeys {
  use(key: string, request: string): Promise<KeyUse>;
  /** binds the key to the request, unless it is bound already */
  bind(key: string, request: string, at: string): Promise<void>;
}

export const MAX_KEY_LENGTH = 256;

/** The request a key stands for: method, path and a digest of the body as read. */
const requestOf = (method: string, path: string, body: unknown): string =>
  `${method} ${path} ${createHash('sha256')
    .update(JSON.stringify(body ?? null))
    .digest('hex')
    .slice(0, 32)}`;

export const bindIdempotencyKeys =
  (keys: IdempotencyKeys, now: () => string, logError: (error: unknown) => void): RequestHandler =>
  (req, res, next) => {
    const header = req.headers['idempotency-key'];
    const key = Array.isArray(header) ? header.join(', ') : header;
    if (key === undefined || req.method === 'GET' || req.method === 'HEAD') return next();
    if (key.length === 0 || key.length > MAX_KEY_LENGTH)
      return next(
        new HttpProblem(400, `an Idempotency-Key is 1–${MAX_KEY_LENGTH} characters`, [
          { path: 'headers.idempotency-key', message: 'wrong length' },
        ]),
      );
    const request = requestOf(req.method, req.originalUrl.split('?')[0] ?? '', req.body);
    keys.use(key, request).then(
      (use) => {
        if (use.kind === 'other')
          return next(
            new HttpProblem(
              422,
              `Idempotency-Key "${key}" was used for another request (${use.request.split(' ').slice(0, 2).join(' ')}); a key names one request`,
              [{ path: 'headers.idempotency-key', message: 'already used for another request' }],
            ),
          );
        if (use.kind === 'new')
          res.on('finish', () => {
            if (res.statusCode >= 200 && res.statusCode < 300) keys.bind(key, request, now()).catch(logError);
          });
        return next();
      },
      (error: unknown) => next(error),
    );
  };
