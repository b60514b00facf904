/**
 * Who did it: every event a request appends carries the caller it authenticated as in its
 * metadata (`metadata.actor`): the caller's id from the credentials file, `key:<the first 12 hex
 * digits of the key's SHA-256>` for a key of OMS_API_KEYS (never the key itself), `open` when the
 * hub runs without credentials. `X-Operator` stays an annotation (the `requestedBy` of people's
 * requests), not an identity. The caller travels with the request's work through an
 * AsyncLocalStorage, so that no use case has to pass it along.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';
import type { Stamp } from './stamping-store.ts';
import { callerOf } from './authenticate.ts';

const acting = new AsyncLocalStorage<string>();

/** Runs the rest of the request as its caller (after ./authenticate.ts). */
export const actAsCaller: RequestHandler = (req, _res, next) => {
  acting.run(callerOf(req).id, next);
};

/** The acting caller as a store stamp (./stamping-store.ts): none outside a request. */
export const actorStamp: Stamp = () => {
  const actor = acting.getStore();
  return actor === undefined ? undefined : { actor };
};
