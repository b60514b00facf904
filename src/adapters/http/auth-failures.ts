/**
 * Failed authentication, limited per source address (express-rate-limit): a caller that sends
 * `limit` requests with no key or an unknown one within the window is answered 429 until the
 * window has passed, so that keys cannot be guessed at speed. Requests that authenticate do not
 * count. Only where keys are configured (open, there is nothing to guess).
 */
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { send } from './answer.ts';
import { wasAuthenticated } from './authenticate.ts';

export type AuthFailureLimit = Readonly<{ limit: number; windowMs: number }>;

export const limitFailedAuthentication = ({ limit, windowMs }: AuthFailureLimit): RequestHandler =>
  rateLimit({
    windowMs,
    limit,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (req) => wasAuthenticated(req),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) =>
      send(res, 429, null, `too many failed authentications from this address: try again in ${Math.ceil(windowMs / 1000)} s at most`),
  });
