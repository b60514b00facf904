/**
 * Every message an authenticated caller sends to a warehouse endpoint is kept, raw, in the archive
 * (application/warehouse-messages), whatever its answer: applied, a duplicate, refused for a bad
 * field or a bad signature, not allowed for this caller, for an unknown order, a body that is not
 * JSON. `mark` gives the message its id when it arrives (answered as `X-Hub-Message-Id`);
 * `keep` archives it with its answer, before the answer is sent; a message refused only because
 * the order (inbound, return) it names is not known yet is kept parked until it is.
 */
import type { Request, RequestHandler } from 'express';
import type { Dependencies } from '../../application/dependencies.ts';
import { type WaitingFor, keepWarehouseMessage } from '../../application/warehouse-messages/warehouse-message.ts';
import { callerOf } from './authenticate.ts';
import { rawBodyOf } from './read-body.ts';
import { signatureHeadersOf } from '../signature/hub-signature.ts';

export const MESSAGE_ID_HEADER = 'X-Hub-Message-Id';

type Arrival = Readonly<{ messageId: string; endpoint: string; receivedAt: string }>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A message's bytes as the archive keeps them: its text when it is UTF-8, else base64. */
export const archivedBody = (bytes: Buffer): Readonly<{ body: string; bodyEncoding: 'utf8' | 'base64' }> => {
  try {
    return { body: utf8.decode(bytes), bodyEncoding: 'utf8' };
  } catch {
    return { body: bytes.toString('base64'), bodyEncoding: 'base64' };
  }
};

/** `/api/oms/outbound/callback/` and `/API/oms/outbound/callback` are the route express serves at `/api/oms/outbound/callback`. */
const normalised = (path: string): string => path.toLowerCase().replace(/\/+$/, '');

export type WarehouseMessages = Readonly<{
  mark: RequestHandler;
  /** the id of the message a request is (undefined: not a warehouse message) */
  messageIdOf: (req: Request) => string | undefined;
  /** `waitingFor`: the message was refused only because what it names is not known yet, and is parked until it is */
  keep: (req: Request, status: number, answer: string, waitingFor?: WaitingFor) => Promise<void>;
}>;

/** Keeping the messages sent to `endpoints` (the routes' paths). */
export const warehouseMessages = (deps: Dependencies, endpoints: readonly string[]): WarehouseMessages => {
  const paths = new Map(endpoints.map((endpoint) => [normalised(endpoint), endpoint]));
  const arrivals = new WeakMap<Request, Arrival>();
  return {
    mark: (req, res, next) => {
      const endpoint = paths.get(normalised(`${req.baseUrl}${req.path}`));
      if (endpoint === undefined || req.method !== 'POST') return next();
      const messageId = deps.ids.newId();
      arrivals.set(req, { messageId, endpoint, receivedAt: deps.clock.now() });
      res.setHeader(MESSAGE_ID_HEADER, messageId);
      next();
    },
    messageIdOf: (req) => arrivals.get(req)?.messageId,
    keep: async (req, status, answer, waitingFor) => {
      const arrival = arrivals.get(req);
      if (arrival === undefined) return;
      arrivals.delete(req);
      const signed = signatureHeadersOf(req.headers);
      await keepWarehouseMessage(
        deps,
        {
          ...arrival,
          caller: callerOf(req).id,
          timestamp: signed.timestamp ?? null,
          signature: signed.signature ?? null,
          contentType: req.headers['content-type'] ?? null,
          ...archivedBody(rawBodyOf(req)),
          status,
          answer,
        },
        waitingFor === undefined ? undefined : { waitingFor },
      );
    },
  };
};
