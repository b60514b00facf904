/**
 * The HTTP side of the metrics: every answer counted and timed by method, route pattern (so that
 * `/api/oms/orders/OMS1` and `/api/oms/orders/OMS2` are one series) and status; and `GET /metrics`,
 * which, like /health's details, needs a caller the hub knows once credentials are configured.
 */
import type { Request, RequestHandler } from 'express';
import type { HubMetrics } from './hub-metrics.ts';

/** The route's pattern (`/api/oms/orders/:orderNo`), or `unmatched` for a request no route served (a 404, a refusal before routing). */
const routeOf = (req: Request): string => {
  const route: unknown = req.route;
  const path = typeof route === 'object' && route !== null && 'path' in route && typeof route.path === 'string' ? route.path : undefined;
  return path === undefined ? 'unmatched' : `${req.baseUrl}${path}`;
};

export const countRequests =
  (metrics: HubMetrics): RequestHandler =>
  (req, res, next) => {
    const timer = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const labels = { method: req.method, route: routeOf(req) };
      timer(labels);
      metrics.httpRequests.inc({ ...labels, status: String(res.statusCode) });
    });
    next();
  };

/** `GET /metrics`: the text format for a caller the hub knows (or anyone, open); 401 otherwise. */
export const serveMetrics =
  (metrics: HubMetrics, known: (req: Request) => boolean): RequestHandler =>
  async (req, res) => {
    if (!known(req)) {
      res.status(401).json({ code: 401, message: 'the metrics need a key the hub knows (X-Api-Key or Authorization: Bearer)', data: null });
      return;
    }
    res.type(metrics.contentType).send(await metrics.text());
  };
