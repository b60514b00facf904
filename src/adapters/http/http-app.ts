import express, { type Express, type Request } from 'express';
import { type Caller, type Callers, actsAs } from '../credentials/callers.ts';
import type { SeenSignatures } from '../signature/hub-signature.ts';
import type { ReportQueries } from '../../application/projections/report-queries.ts';
import { alertRoutes } from './routes/alert-routes.ts';
import { callerRoutes } from './routes/caller-routes.ts';
import { HttpProblem, answerErrors, send } from './answer.ts';
import { actAsCaller, actorStamp } from './acting-credential.ts';
import { StampingStore } from './stamping-store.ts';
import { keepTraceContext, traceStamp } from './trace-context.ts';
import { authenticate, callerOf, identify } from './authenticate.ts';
import { requireSignature } from './require-signature.ts';
import { warehouseMessages } from './warehouse-messages.ts';
import { type AuthFailureLimit, limitFailedAuthentication } from './auth-failures.ts';
import { ParkedProblem, callbackRoutes } from './routes/callback-routes.ts';
import { messageRoutes } from './routes/message-routes.ts';
import type { HttpContext } from './http-context.ts';
import { inboundRoutes } from './routes/inbound-routes.ts';
import { eventStreamPaths, openApiDocument } from './openapi.ts';
import { serveEventStream } from './event-stream.ts';
import type { LiveFeed } from './live-feed.ts';
import { liveRoutes } from './routes/live-routes.ts';
import { type IdempotencyKeys, bindIdempotencyKeys } from './idempotency-key.ts';
import { readJsonBody } from './read-body.ts';
import type { HubMetrics } from '../metrics/hub-metrics.ts';
import { countRequests, serveMetrics } from '../metrics/http-metrics.ts';
import { consoleRoutes } from '../console/console-routes.ts';
import { qimenEndpoint, qimenOpenApi } from '../qimen/qimen-endpoint.ts';
import { QIMEN_PATH } from '../qimen/qimen-wire.ts';
import { type RequestGuardOptions, guardRequests } from './request-guard.ts';
import { orderRoutes } from './routes/order-routes.ts';
import { reportRoutes } from './routes/report-routes.ts';
import { returnRoutes } from './routes/return-routes.ts';
import { type EventStreamRoute, type Route, type RouteInput, expressPath } from './route.ts';
import { shipmentRoutes } from './routes/shipment-routes.ts';
import { stockChangeRoutes } from './routes/stock-change-routes.ts';
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
  /** who may call /api/oms, as what (none: open) */
  callers: Callers;
  /** signatures received, to refuse a replay (../signature/hub-signature.ts) */
  seenSignatures: SeenSignatures;
  /** the wall clock signatures are checked against, in ms (default Date.now): not the domain's clock, which tests move */
  wallClockMs?: () => number;
  /** the reporting read models (GET /api/oms/reports/…); absent: no report routes */
  reports?: ReportQueries;
  /** the metrics (GET /metrics, and every answer counted); absent: none */
  metrics?: HubMetrics;
  /** the store's appends as they happen (GET /api/oms/live), and how often an idle stream sends a keep-alive comment; absent: no live route */
  live?: Readonly<{ feed: LiveFeed; keepAliveMs: number }>;
}>;

/** Things a caller must know that the schemas do not say (served in /openapi.json). */
export const assumptions: readonly string[] = [
  'A request that changes something and has a body sends it as Content-Type: application/json (415 otherwise); one from a web page of another origin (an Origin header not in ALLOWED_ORIGINS) is refused (403); a Host name the hub does not serve is refused (421, see ALLOWED_HOSTS).',
  'Unknown keys in a body are ignored; a missing or wrong field is a 422 listing each one as { path, message }.',
  'Limits: a body of at most BODY_LIMIT (256 kB) nested at most 32 levels; at most 500 lines; quantities at most 1,000,000; text fields at most 256 characters. A body that cannot be read (a Content-Encoding that lies, bytes that are not JSON) is a 4xx saying why.',
  'Warehouse codes and carrier codes are 1-32 ASCII letters, digits, _ or - ; order numbers, SKUs, inbound and return numbers and waybills 1-64 ASCII letters, digits, _ . or - (they name event streams).',
  "A shipment is known by its carrier's code and waybill number together (a waybill number is unique per carrier only): GET /api/oms/shipments/{carrier}/{waybillNo}. The article's carrier 顺丰速运 and the other large carriers' names are read as their codes (SF, …).",
  'The article\'s placeholders "HIGH/NORMAL/LOW" and "STANDARD/EXPRESS" are read as NORMAL and STANDARD, so its example can be pasted as it is.',
  "Warehouse times without an offset (the article's shippedTime) are read in the warehouse's zone (WAREHOUSE_ZONE, default Asia/Shanghai).",
  'Requests that change something may carry an Idempotency-Key header (1-256 characters): the same key with the same request (method, path, body) is applied once; the same key with another request is refused (422). A key is bound once a request with it has succeeded. X-Operator names who asked.',
  'With credentials configured (OMS_CREDENTIALS_FILE, OMS_API_KEYS), every /api/oms call carries a key as X-Api-Key or Authorization: Bearer (401 without, 403 with an unknown one); each route answers only the roles in its x-roles (403 for others); a warehouse caller reports only for its own warehouse codes (403). /health and /openapi.json stay open.',
  'A warehouse caller signs every message: X-Hub-Timestamp (Unix seconds) and X-Hub-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>; unsigned, wrongly signed or more than 300 s off: 401; a signature received before: 409. The hub signs its calls to the WMS and TMS the same way.',
  'Every message an authenticated caller sends to a warehouse endpoint is kept raw in the event store, whatever its answer; the answer names it in X-Hub-Message-Id (GET /api/oms/warehouse-messages/{messageId}).',
  'A callback for an unknown order, inbound or return answers 404 and is kept, raw, as an alert (GET /api/oms/alerts); it waits for that order (inbound, return) and is applied, as its route would apply it for the caller that sent it, once the order has been pushed to a warehouse (or cancelled), the inbound or return created. The archive shows what came of it (GET /api/oms/warehouse-messages/{messageId}: `parked`), and the alert is acknowledged by the hub, or a new one says why it could not be applied.',
  'Stock is reserved all or nothing per order and warehouse; an order ships from one warehouse at a time.',
  "Stock: the warehouse is the truth for what is on its shelves (on hand, defective), the hub for what is reserved. A shortage the warehouse reports, a stock change it sends (POST /api/oms/stock/changes) and its stock snapshot (POST /api/oms/stock/reconcile, and every RECONCILE_EVERY_MS) each set the ledger's figure to the warehouse's: a variance (GET /api/oms/reports/stock-variance); one of more than VARIANCE_ALERT_UNITS units either way raises an alert. A snapshot lists every SKU the warehouse holds (one it leaves out has none).",
];

const inputOf = (req: Request, caller: Caller, messageId: string | undefined): RouteInput => ({
  params: req.params as Record<string, string>,
  body: req.body,
  query: req.query,
  headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])),
  caller,
  messageId,
});

/** A caller without one of the route's roles is refused (403), before anything is read or applied. */
const authorise = (route: Pick<Route, 'roles' | 'path'>, method: string, caller: Caller): void => {
  if (!actsAs(caller, route.roles))
    throw new HttpProblem(
      403,
      `${caller.id} (${caller.roles.join(', ')}) may not call ${method.toUpperCase()} ${route.path}: it needs the role ${route.roles.join(' or ')}`,
    );
};

/** The REST adapter: the hub's routes, /openapi.json, /health, in the article's envelope. */
export const createHttpApp = (hub: HttpContext, options: HttpAppOptions): Express => {
  // every event a request appends names its caller, and its trace context when it sent one
  const ctx: HttpContext = {
    ...hub,
    deps: {
      ...hub.deps,
      store: new StampingStore(hub.deps.store, () => {
        const actor = actorStamp();
        const trace = traceStamp();
        // nothing to add outside a request: the events go to the store as they are
        return actor === undefined && trace === undefined ? undefined : { ...actor, ...trace };
      }),
    },
  };
  const routes: readonly Route[] = [
    ...callerRoutes(),
    ...orderRoutes(ctx),
    ...callbackRoutes(ctx),
    ...inboundRoutes(ctx),
    ...returnRoutes(ctx),
    ...shipmentRoutes(ctx),
    ...stockRoutes(ctx),
    ...stockChangeRoutes(ctx),
    ...alertRoutes(ctx),
    ...messageRoutes(ctx),
    ...(options.reports === undefined ? [] : reportRoutes(ctx, options.reports)),
  ];
  const live = options.live;
  const streams: readonly EventStreamRoute[] = live === undefined ? [] : liveRoutes(live.feed);
  const document = openApiDocument(routes, assumptions, { [QIMEN_PATH]: qimenOpenApi, ...eventStreamPaths(streams) });
  const messages = warehouseMessages(
    ctx.deps,
    routes.filter((route) => route.warehouseMessage === true).map((route) => route.path),
  );
  const app = express();
  app.disable('x-powered-by');
  if (options.metrics !== undefined) app.use(countRequests(options.metrics));
  app.use(keepTraceContext);
  app.use(guardRequests({ ...options.guard, xmlPaths: [QIMEN_PATH] }));
  // Qimen's own transport (query-string parameters, an XML body, its own signature and answers): before the JSON body reader
  app.post(
    QIMEN_PATH,
    ...qimenEndpoint(ctx, { callers: options.callers, bodyLimit: options.bodyLimit, wallClockMs: options.wallClockMs ?? Date.now }),
  );
  app.use(
    '/api/oms',
    limitFailedAuthentication(options.authFailures, (req) => identify(options.callers, req) !== undefined),
  );
  app.use('/api/oms', authenticate(options.callers));
  app.use('/api/oms', actAsCaller);
  app.use('/api/oms', messages.mark);
  app.use(readJsonBody(options.bodyLimit));
  app.use(
    '/api/oms',
    bindIdempotencyKeys(options.idempotencyKeys, () => ctx.deps.clock.now(), options.logError),
  );
  // up or down for anyone; the details (store, WMS URL, queues, lags) for a caller the hub knows, when credentials are configured
  app.get('/health', async (req, res) => {
    const detailed = identify(options.callers, req) !== undefined;
    send(res, 200, { status: 'ok', ...(detailed ? await options.health() : {}) });
  });
  // like /health's details: for a caller the hub knows (anyone, open)
  if (options.metrics !== undefined)
    app.get(
      '/metrics',
      serveMetrics(options.metrics, (req) => identify(options.callers, req) !== undefined),
    );
  // the operators' console: a browser client of the routes below (../console/console-routes.ts)
  app.use(consoleRoutes());
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  for (const route of routes) {
    app[route.method](expressPath(route.path), async (req, res) => {
      const caller = callerOf(req);
      authorise(route, route.method, caller);
      await requireSignature(req, caller, options.seenSignatures, (options.wallClockMs ?? Date.now)());
      const answer = await route.handle(inputOf(req, caller, messages.messageIdOf(req)));
      const message = answer.message ?? 'success';
      await messages.keep(req, answer.status, message);
      send(res, answer.status, answer.data, message);
    });
  }
  // a stream holds its response open: authenticated and authorised as any route, then nothing waits on its end
  if (live !== undefined)
    for (const route of streams)
      app.get(expressPath(route.path), (req, res) => {
        authorise(route, 'get', callerOf(req));
        serveEventStream(route, res, live.keepAliveMs);
      });
  app.use((req, res) => send(res, 404, null, `no route ${req.method} ${req.path}; see /openapi.json`));
  app.use(
    answerErrors(options.logError, (req, answer, error) =>
      messages.keep(req, answer.status, answer.message, error instanceof ParkedProblem ? error.waitingFor : undefined),
    ),
  );
  return app;
};
