/**
 * The HTTP side of the metrics: every answer counted and timed by method, route pattern (so that
 * `/api/oms/orders/OMS1` and `/api/oms/orders/OMS2` are one series) and status; and `GET /metrics`,
 * which, like /health's details, needs a caller the hub knows once credentials are configured.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { HubMetrics } from './hub-metrics.ts';

/** The route's pattern (`/api/oms/orders/:orderNo`), or `unmatched` for a request no route served (a 404, a refusal before routing). */
const routeOf = (req: Request): string => {
  const route: unknown = req.route;
  const path = typeof route === 'object' && route !== null && 'path' in route && typeof route.path === 'string' ? route.path : undefined;
  return path === undefined ? 'unmatched' : `${req.baseUrl}${path}`;
};

/** An answer that streams events (GET /api/oms/live) for as long as its client stays. */
const isEventStream = (res: Response): boolean => String(res.getHeader('content-type') ?? '').startsWith('text/event-stream');

/**
 * Every answer counted when it finishes, and timed. An event stream is counted once it closes
 * (its client going away closes it without finishing it), and not timed: how long a console
 * stayed is no request's duration.
 */
export const countRequests =
  (metrics: HubMetrics): RequestHandler =>
  (req, res, next) => {
    const timer = metrics.httpDuration.startTimer();
    const count = (timed: boolean): void => {
      const labels = { method: req.method, route: routeOf(req) };
      if (timed) timer(labels);
      metrics.httpRequests.inc({ ...labels, status: String(res.statusCode) });
    };
    res.on('finish', () => {
      if (!isEventStream(res)) count(true);
    });
    res.on('close', () => {
      if (isEventStream(res)) count(false);
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
