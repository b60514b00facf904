import type { RequestHandler } from 'express';
import { send } from './answer.ts';

/**
 * Callers of /api/oms prove who they are with a key (`X-Api-Key: …` or `Authorization: Bearer …`):
 * none → 401, one the hub does not know → 403, and nothing is applied. No keys configured: open.
 */
export const requireApiKey =
  (keys: readonly string[]): RequestHandler =>
  (req, res, next) => {
    if (keys.length === 0) return next();
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const presented = req.headers['x-api-key'] ?? bearer;
    if (presented === undefined || presented === '') {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return send(res, 401, null, 'an API key is required: send X-Api-Key or Authorization: Bearer');
    }
    if (!keys.includes(String(presented))) return send(res, 403, null, 'this API key is not accepted');
    next();
  };
