/**
 * Who did it: every event a request appends carries the credential the request authenticated with
 * in its metadata (`metadata.actor`): `key:<the first 12 hex digits of the key's SHA-256>`, never
 * the key itself; `open` when the hub runs without keys. `X-Operator` stays an annotation (the
 * `requestedBy` of people's requests), not an identity. The request's credential travels with
 * its work through an AsyncLocalStorage, so that no use case has to pass it along.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Stamp } from './stamping-store.ts';
import { presentedKey } from './api-keys.ts';

const acting = new AsyncLocalStorage<string>();

/** The id a key is known by in the store: never the key. */
export const credentialIdOf = (key: string): string => `key:${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;

/** Runs the rest of the request as its credential (after the key was checked). */
export const actAsCredential =
  (keysConfigured: boolean): RequestHandler =>
  (req, _res, next) => {
    const key = presentedKey(req);
    acting.run(keysConfigured && key !== undefined ? credentialIdOf(key) : 'open', next);
  };

/** The acting credential as a store stamp (./stamping-store.ts): none outside a request. */
export const actorStamp: Stamp = () => {
  const actor = acting.getStore();
  return actor === undefined ? undefined : { actor };
};
