import express, { type Express, type Request } from 'express';
import type { ReportQueries } from '../../application/projections/report-queries.ts';
import { alertRoutes } from './routes/alert-routes.ts';
import { answerErrors, send } from './answer.ts';
import { actAsCredential, actorStamp } from './acting-credential.ts';
import { StampingStore } from './stamping-store.ts';
import { knownKeys, presentedKey, requireApiKey } from './api-keys.ts';
import { type AuthFailureLimit, limitFailedAuthentication } from './auth-failures.ts';
import { callbackRoutes } from './routes/callback-routes.ts';
import type { HttpContext } from './http-context.ts';
import { inboundRoutes } from './routes/inbound-routes.ts';
import { openApiDocument } from './openapi.ts';
import { type IdempotencyKeys, bindIdempotencyKeys } from './idempotency-key.ts';
import { readJsonBody } from './read-body.ts';
import { type RequestGuardOptions, guardRequests } from './request-guard.ts';
import { orderRoutes } from './routes/order-routes.ts';
import { reportRoutes } from './routes/report-routes.ts';
import { returnRoutes } from './routes/return-routes.ts';
import { type Route, type RouteInput, expressPath } from './route.ts';
import { shipmentRoutes } from './routes/shipment-routes.ts';
import { stockRoutes } from './routes/stock-routes.ts';

export type HttpAppOptions = Readonly<{
  /** the host names and web origins the hub answers (./request-guard.ts) */
  guard: RequestGuardOptions;
  /** where Idempotency-Key headers are bound to their requests (./idempotency-key.ts) */
  idempotencyKeys: IdempotencyKeys;
  /** largest accepted body, e.g. '256kb' */
  bodyLimit: string;
  /** what /health reports besides `status` */
  health: () => Promise<Record<string, unknown>>;
  /** where unexpected errors go (a log line) */
  logError: (error: unknown) => void;
  /** how many failed authentications one address may make in a window (./auth-failures.ts) */
  authFailures: AuthFailureLimit;
  /** keys accepted on /api/oms (none: open) */
  apiKeys: readonly string[];
  /** the reporting read models (GET /api/oms/reports/…); absent: no report routes */
  reports?: ReportQueries;
}>;

/** Things a caller must know that the schemas do not say (served in /openapi.json). */
export const assumptions: readonly string[] = [
  'A request that changes something and has a body sends it as Content-Type: application/json (415 otherwise); one from a web page of another origin (an Origin header not in ALLOWED_ORIGINS) is refused (403); a Host name the hub does not serve is refused (421, see ALLOWED_HOSTS).',
  'Unknown keys in a body are ignored; a missing or wrong field is a 422 listing each one as { path, message }.',
  'Limits: a body of at most BODY_LIMIT (256 kB) nested at most 32 levels; at most 500 lines; quantities at most 1,000,000; text fields at most 256 characters. A body that cannot be read (a Content-Encoding that lies, bytes that are not JSON) is a 4xx saying why.',
  'Warehouse codes are 1-32 ASCII letters, digits, _ or - ; order numbers, SKUs, inbound and return numbers and waybills 1-64 ASCII letters, digits, _ . or - (they name event streams).',
  'The article\'s placeholders "HIGH/NORMAL/LOW" and "STANDARD/EXPRESS" are read as NORMAL and STANDARD, so its example can be pasted as it is.',
  "Warehouse times without an offset (the article's shippedTime) are read in the warehouse's zone (WAREHOUSE_ZONE, default Asia/Shanghai).",
  'Requests that change something may carry an Idempotency-Key header (1-256 characters): the same key with the same request (method, path, body) is applied once; the same key with another request is refused (422). A key is bound once a request with it has succeeded. X-Operator names who asked.',
  'When the hub is configured with API keys (OMS_API_KEYS), every /api/oms call carries one as X-Api-Key or Authorization: Bearer (401 without, 403 with an unknown one); /health and /openapi.json stay open.',
  'A callback for an unknown order, inbound or return answers 404 and is kept, raw, as an alert (GET /api/oms/alerts).',
  'Stock is reserved all or nothing per order and warehouse; an order ships from one warehouse at a time.',
];

const inputOf = (req: Request): RouteInput => ({
  params: req.params as Record<string, string>,
  body: req.body,
  query: req.query,
  headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])),
});

/** The REST adapter: the hub's routes, /openapi.json, /health, in the article's envelope. */
export const createHttpApp = (hub: HttpContext, options: HttpAppOptions): Express => {
  const ctx: HttpContext = { ...hub, deps: { ...hub.deps, store: new StampingStore(hub.deps.store, actorStamp) } };
  const routes: readonly Route[] = [
    ...orderRoutes(ctx),
    ...callbackRoutes(ctx),
    ...inboundRoutes(ctx),
    ...returnRoutes(ctx),
    ...shipmentRoutes(ctx),
    ...stockRoutes(ctx),
    ...alertRoutes(ctx),
    ...(options.reports === undefined ? [] : reportRoutes(ctx, options.reports)),
  ];
  const document = openApiDocument(routes, assumptions);
  const keys = knownKeys(options.apiKeys);
  const app = express();
  app.disable('x-powered-by');
  app.use(guardRequests(options.guard));
  if (options.apiKeys.length > 0) app.use('/api/oms', limitFailedAuthentication(options.authFailures));
  app.use('/api/oms', requireApiKey(keys));
  app.use('/api/oms', actAsCredential(options.apiKeys.length > 0));
  app.use(readJsonBody(options.bodyLimit));
  app.use(
    '/api/oms',
    bindIdempotencyKeys(options.idempotencyKeys, () => ctx.deps.clock.now(), options.logError),
  );
  // up or down for anyone; the details (store, WMS URL, queues, lags) for a caller with a key, when keys are configured
  app.get('/health', async (req, res) => {
    const key = presentedKey(req);
    const detailed = keys.open || (key !== undefined && keys.has(key));
    send(res, 200, { status: 'ok', ...(detailed ? await options.health() : {}) });
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  for (const route of routes) {
    app[route.method](expressPath(route.path), async (req, res) => {
      const answer = await route.handle(inputOf(req));
      send(res, answer.status, answer.data, answer.message);
    });
  }
  app.use((req, res) => send(res, 404, null, `no route ${req.method} ${req.path}; see /openapi.json`));
  app.use(answerErrors(options.logError));
  return app;
};
