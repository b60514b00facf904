/**
 * Callers of /api/oms prove who they are with a key (`X-Api-Key: …` or `Authorization: Bearer …`):
 * none → 401, one the hub does not know → 403, and nothing is applied. The caller the key belongs
 * to (../credentials/callers.ts) is what the rest of the request acts as. No callers configured:
 * every request acts as the open caller.
 */
import type { Request, RequestHandler } from 'express';
import { type Caller, type Callers, openCaller } from '../credentials/callers.ts';
import { HttpProblem } from './answer.ts';

/** The key a request presents (`X-Api-Key`, or `Authorization: Bearer …`), if any. */
export const presentedKey = (req: Request): string | undefined => {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const presented = req.headers['x-api-key'] ?? bearer;
  return presented === undefined || presented === '' ? undefined : String(presented);
};

/** The caller of a request, if it presents a key the hub knows (or the hub is open). */
export const identify = (callers: Callers, req: Request): Caller | undefined => {
  if (callers.open) return openCaller;
  const key = presentedKey(req);
  return key === undefined ? undefined : callers.identify(key);
};

const authenticated = new WeakMap<Request, Caller>();

/** The caller a request was authenticated as (by {@link authenticate}, which runs first on /api/oms). */
export const callerOf = (req: Request): Caller => {
  const caller = authenticated.get(req);
  if (caller === undefined) throw new Error(`${req.method} ${req.path} reached a route without authentication`);
  return caller;
};

/** Whether a request presented a key the hub knows (the limit on failed authentications counts the others). */
export const wasAuthenticated = (req: Request): boolean => authenticated.has(req);

export const authenticate =
  (callers: Callers): RequestHandler =>
  (req, res, next) => {
    const caller = identify(callers, req);
    if (caller !== undefined) {
      authenticated.set(req, caller);
      return next();
    }
    if (presentedKey(req) === undefined) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return next(new HttpProblem(401, 'an API key is required: send X-Api-Key or Authorization: Bearer'));
    }
    return next(new HttpProblem(403, 'this API key is not accepted'));
  };
