/**
 * How the sandbox servers speak HTTP: answers in the article's envelope `{ code, message, data }`
 * (code mirroring the HTTP status), 400 for a body that is not JSON, 422 listing each bad field,
 * and listening on loopback in a way that can always close, even with requests left hanging.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { MemorySeenSignatures, checkSignature, signatureHeadersOf } from '../signature/hub-signature.ts';

export const answer = (res: Response, status: number, data: unknown, message = 'success'): void => {
  res.status(status).json({ code: status, message, data });
};

/** The body parsed by its schema, or undefined once a 422 listing the bad fields has been sent. */
export const validBody = <S extends z.ZodType>(schema: S, body: unknown, res: Response): z.output<S> | undefined => {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({ path: ['body', ...issue.path.map(String)].join('.'), message: issue.message }));
  answer(res, 422, { errors }, 'invalid body');
  return undefined;
};

const answerUnreadableBody: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const status = typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number' ? error.status : 500;
  answer(res, status, null, status === 400 ? `the body is not valid JSON: ${(error as Error).message}` : 'sandbox error');
};

/** The secret the hub signs a call to this peer with, by the call's body (null: the call need not be signed). */
export type SecretOf = (body: unknown) => string | null;

/**
 * The hub's calls (`/api/…`) checked as a real peer checks them (../signature/hub-signature.ts):
 * signed with the shared secret over the bytes received, in time, never seen before; else 401
 * (409 for a replay) and nothing is taken. The sandbox's own routes (`/sandbox/…`) are a person's.
 */
const checkHubSignatures = (secretOf: SecretOf, rawBodies: WeakMap<IncomingMessage, Buffer>): RequestHandler => {
  const seen = new MemorySeenSignatures();
  return (req, res, next) => {
    const secret = req.path.startsWith('/api/') ? secretOf(req.body) : null;
    if (secret === null) return next();
    const now = Date.now();
    const check = checkSignature(secret, signatureHeadersOf(req.headers), rawBodies.get(req) ?? Buffer.alloc(0), now);
    if (!check.ok) return answer(res, 401, null, check.problem);
    seen.firstSight(check.signature, now).then(
      (first) => (first ? next() : answer(res, 409, null, 'this signed call was received before (a replay)')),
      (error: unknown) => next(error),
    );
  };
};

/**
 * An express app that reads JSON bodies, with its routes, answering unreadable bodies in the
 * envelope; the hub's calls checked when `secretOf` knows a secret. `rawRoutes` are served before
 * any body is read (Qimen's, which read and check their own).
 */
export const jsonApp = (routes: (app: Express) => void, secretOf: SecretOf = () => null, rawRoutes?: (app: Express) => void): Express => {
  const app = express();
  rawRoutes?.(app);
  const rawBodies = new WeakMap<IncomingMessage, Buffer>();
  // read as JSON whatever the Content-Type says, so that `curl -d` works on the sandbox (the hub itself asks for application/json)
  app.use(
    express.json({
      limit: '1mb',
      type: () => true,
      verify: (req, _res, bytes) => {
        rawBodies.set(req, bytes);
      },
    }),
  );
  app.use(checkHubSignatures(secretOf, rawBodies));
  routes(app);
  app.use(answerUnreadableBody);
  return app;
};

export type Listening = Readonly<{ url: string; close: () => Promise<void> }>;

/**
 * Listen on `host` (default 127.0.0.1; 0.0.0.0 in a container, where the hub is another host) on
 * `port` (0: any free port); the bound URL is returned (named by 127.0.0.1 when every interface).
 */
export const listenOn = (app: Express, port: number, host = '127.0.0.1'): Promise<Listening> =>
  new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`,
        close: () =>
          new Promise<void>((closed, failed) => {
            server.close((error) => (error === undefined ? closed() : failed(error)));
            server.closeAllConnections();
          }),
      });
    });
  });
