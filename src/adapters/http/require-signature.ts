/**
 * A caller with a signing secret (a warehouse) signs every request with a body it sends
 * (../signature/hub-signature.ts): unsigned, signed with another secret or over other bytes, or
 * signed more than the tolerance away from the hub's clock → 401; a signature already received
 * (a replay) → 409. Nothing is applied either way. Checked once the route has let the caller's
 * role through, over the body's bytes as received.
 */
import type { Request } from 'express';
import type { Caller } from '../credentials/callers.ts';
import { HttpProblem } from './answer.ts';
import { rawBodyOf } from './read-body.ts';
import { SIGNATURE_HEADER, type SeenSignatures, checkSignature, signatureHeadersOf } from '../signature/hub-signature.ts';

export const requireSignature = async (req: Request, caller: Caller, seen: SeenSignatures, nowMs: number): Promise<void> => {
  if (caller.signingSecret === null || req.method === 'GET' || req.method === 'HEAD') return;
  const check = checkSignature(caller.signingSecret, signatureHeadersOf(req.headers), rawBodyOf(req), nowMs);
  if (!check.ok)
    throw new HttpProblem(401, `${check.problem}; nothing was applied`, [{ path: `headers.${SIGNATURE_HEADER}`, message: check.problem }]);
  if (!(await seen.firstSight(check.signature, nowMs)))
    throw new HttpProblem(409, 'this signed message was received before (a replay): nothing was applied; sign each delivery anew', [
      { path: `headers.${SIGNATURE_HEADER}`, message: 'already received' },
    ]);
};
