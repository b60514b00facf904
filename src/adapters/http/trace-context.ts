/**
 * W3C trace context: a request's `traceparent` header (`00-<trace id>-<parent id>-<flags>`, lower-
 * case hex, ids not all zeros) is kept in the metadata of every event the request appends
 * (`metadata.traceparent`); the reactions carry it on to the events they cause and to the calls
 * they make to the WMS and the TMS (as their `traceparent` header), so that one order can be
 * followed across systems. A header that is not a valid version-00 `traceparent` is ignored, as
 * the W3C recommendation says. It travels with the request's work through an AsyncLocalStorage.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';
import type { Stamp } from './stamping-store.ts';

const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

export const isTraceparent = (value: string): boolean => TRACEPARENT.test(value);

const tracing = new AsyncLocalStorage<string>();

/** Runs the rest of the request in its trace context, when it sent a valid one. */
export const keepTraceContext: RequestHandler = (req, _res, next) => {
  const header = req.headers.traceparent;
  if (typeof header !== 'string' || !isTraceparent(header.trim())) return next();
  tracing.run(header.trim(), next);
};

/** The request's trace context as a store stamp (./stamping-store.ts): none outside a traced request. */
export const traceStamp: Stamp = () => {
  const traceparent = tracing.getStore();
  return traceparent === undefined ? undefined : { traceparent };
};
