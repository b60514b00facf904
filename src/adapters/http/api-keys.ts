import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { send } from './answer.ts';

const digest = (key: string): Buffer => createHash('sha256').update(key).digest();

/** The configured keys: none (`open`), or their digests, taken once. */
export type KnownKeys = Readonly<{ open: boolean; has: (presented: string) => boolean }>;

/** `has`: whether a presented key is one of them, compared in constant time (digests of equal length, every key compared). */
export const knownKeys = (keys: readonly string[]): KnownKeys => {
  const digests = keys.map(digest);
  return {
    open: keys.length === 0,
    has: (presented) => {
      const mine = digest(presented);
      let known = false;
      for (const key of digests) known = timingSafeEqual(key, mine) || known;
      return known;
    },
  };
};

/** The key a request presents (`X-Api-Key`, or `Authorization: Bearer …`), if any. */
export const presentedKey = (req: Request): string | undefined => {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const presented = req.headers['x-api-key'] ?? bearer;
  return presented === undefined || presented === '' ? undefined : String(presented);
};

/**
 * Callers of /api/oms prove who they are with a key (`X-Api-Key: …` or `Authorization: Bearer …`):
 * none → 401, one the hub does not know → 403, and nothing is applied. No keys configured: open.
 */
export const requireApiKey =
  (keys: KnownKeys): RequestHandler =>
  (req, res, next) => {
    if (keys.open) return next();
    const presented = presentedKey(req);
    if (presented === undefined) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return send(res, 401, null, 'an API key is required: send X-Api-Key or Authorization: Bearer');
    }
    if (!keys.has(presented)) return send(res, 403, null, 'this API key is not accepted');
    next();
  };
