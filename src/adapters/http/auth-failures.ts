/**
 * Failed authentication, limited per source address (express-rate-limit): an address that sends
 * `limit` requests with no key or an unknown one within the window is answered 429 until the
 * window has passed, whatever key it sends next, so that keys cannot be guessed at speed.
 *
 * Only failures are counted: a request that authenticates is never counted (`skip`), however many
 * are in flight at once. (Counting every request and taking the successful ones back when they
 * end, express-rate-limit's `skipSuccessfulRequests`, refuses a busy caller's requests while more
 * than `limit` of them are in flight.)
 */
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { send } from './answer.ts';

export type AuthFailureLimit = Readonly<{ limit: number; windowMs: number }>;

const addressOf = (req: Request): string => ipKeyGenerator(req.ip ?? '');

export const limitFailedAuthentication = (
  { limit, windowMs }: AuthFailureLimit,
  /** whether the request presents a key the hub knows (or the hub is open) */
  authenticates: (req: Request) => boolean,
): RequestHandler => {
  const tooMany = (res: Response) =>
    send(res, 429, null, `too many failed authentications from this address: try again in ${Math.ceil(windowMs / 1000)} s at most`);
  const failures = rateLimit({
    windowMs,
    limit,
    skip: authenticates,
    keyGenerator: addressOf,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) => tooMany(res),
  });
  return async (req, res, next) => {
    if (!authenticates(req)) return failures(req, res, next);
    const failed = await failures.getKey(addressOf(req));
    if (failed !== undefined && failed.totalHits >= limit) return tooMany(res);
    return next();
  };
};
