/**
 * The reports (`/api/oms/reports/…`): read from the projections, never from the event streams.
 * Every list is a page `{ items, nextCursor }`: pass `nextCursor` back as `cursor` for the next
 * one. Filters are validated: an unknown or malformed one is a 422 naming it.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { orderStatuses } from '../../../application/projections/status-counts.ts';
import { InvalidCursor, type ReportQueries } from '../../../application/projections/report-queries.ts';
import { HttpProblem } from '../answer.ts';
import type { HttpContext } from '../http-context.ts';
import { parseInput } from '../parse-input.ts';
import type { Route, RouteAnswer } from '../route.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A query value given once or repeated (`?status=A&status=B`), or comma-separated: a list. */
const list = <T extends string>(values: readonly [T, ...T[]], what: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      (Array.isArray(value) ? value : [value])
        .flatMap((part) => part.split(','))
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    )
    .pipe(
      z.array(z.enum(values, { message: `${what} must be one of ${values.join(', ')}` })).min(1, `${what} must name at least one value`),
    );

const code = (what: string) => z.string().trim().min(1, `${what} must not be empty`).max(64, `${what} is too long`);

const limit = z.coerce
  .number({ message: 'limit must be a number' })
  .int('limit must be a whole number')
  .min(1, 'limit must be at least 1')
  .max(500, 'limit must be at most 500')
  .default(50)
  .describe('items per page (1–500, default 50)');

const cursor = z.string().min(1, 'cursor must not be empty').optional().describe('nextCursor of the previous page');

const day = (what: string) =>
  z
    .string()
    .regex(DAY, `${what} must be a day, YYYY-MM-DD`)
    .refine((text) => DateTime.fromISO(text).isValid, `${what} is not a calendar day`)
    .optional();

/**
 * A bound in time: a day (YYYY-MM-DD, in the reporting zone: `…From` is its start, `…To` its
 * end, so From=To=that day is the whole day), or an ISO-8601 date-time (with an offset, or local
 * in the zone; `…To` exclusive). A `+` sent unencoded arrives as a space and is read back.
 */
const bound = (zone: string, end: 'from' | 'to', what: string) =>
  z
    .string()
    .optional()
    .transform((text, check) => {
      if (text === undefined) return undefined;
      if (DAY.test(text)) {
        const start = DateTime.fromISO(text, { zone }).startOf('day');
        if (start.isValid) return (end === 'to' ? start.plus({ days: 1 }) : start).toMillis();
      } else {
        const repaired = text.replace(/ (\d{2}(?::?\d{2})?)$/, '+$1');
        const withOffset = /([zZ]|[+-]\d{2}(?::?\d{2})?)$/.test(repaired);
        const parsed = withOffset ? DateTime.fromISO(repaired, { setZone: true }) : DateTime.fromISO(repaired, { zone });
        if (parsed.isValid) return parsed.toMillis();
      }
      check.addIssue({
        code: 'custom',
        message: `${what} must be a day (YYYY-MM-DD) or an ISO-8601 date-time, e.g. 2025-11-22T10:00:00+08:00`,
      });
      return z.NEVER;
    })
    .describe(
      `${end === 'from' ? 'from (inclusive)' : 'to (exclusive; a day: through its end)'}: a day in ${zone} or an ISO-8601 date-time`,
    );

const days = {
  from: day('from').describe('first day (YYYY-MM-DD), inclusive'),
  to: day('to').describe('last day (YYYY-MM-DD), inclusive'),
};

export const reportQueries = (zone: string) => ({
  orders: z.strictObject({
    status: list(orderStatuses, 'status').optional().describe('one or more statuses, comma-separated or repeated'),
    warehouseCode: code('warehouseCode').optional(),
    priority: z.enum(['HIGH', 'NORMAL', 'LOW'], { message: 'priority must be one of HIGH, NORMAL, LOW' }).optional(),
    placedFrom: bound(zone, 'from', 'placedFrom'),
    placedTo: bound(zone, 'to', 'placedTo'),
    shippedFrom: bound(zone, 'from', 'shippedFrom'),
    shippedTo: bound(zone, 'to', 'shippedTo'),
    q: code('q')
      .optional()
      .describe('only the orders this is exactly (not a prefix, case-sensitive) the orderNo, an outboundNo, a waybill number or a SKU of'),
    limit,
    cursor,
  }),
  statusCounts: z.strictObject({
    by: z
      .enum(['warehouse', 'day'], { message: 'by must be warehouse or day' })
      .default('warehouse')
      .describe('one item per warehouse (default) or per day placed'),
    warehouseCode: code('warehouseCode').optional(),
    ...days,
    limit,
    cursor,
  }),
  backorders: z.strictObject({
    warehouseCode: code('warehouseCode').optional(),
    orderNo: code('orderNo').optional(),
    sku: code('sku').optional(),
    limit,
    cursor,
  }),
  manualInterventions: z.strictObject({
    kind: z.enum(['order', 'inbound', 'shipment'], { message: 'kind must be order, inbound or shipment' }).optional(),
    reason: code('reason').optional(),
    warehouseCode: code('warehouseCode').optional(),
    limit,
    cursor,
  }),
  stock: z.strictObject({ warehouseCode: code('warehouseCode').optional(), sku: code('sku').optional(), limit, cursor }),
  stockVariance: z.strictObject({ warehouseCode: code('warehouseCode').optional(), sku: code('sku').optional(), limit, cursor }),
  leadTimes: z.strictObject({
    by: z
      .enum(['placed', 'shipped'], { message: 'by must be placed or shipped' })
      .default('placed')
      .describe('the day orders are counted under: placed (default) or first shipped'),
    warehouseCode: code('warehouseCode').optional(),
    ...days,
    limit,
    cursor,
  }),
  shippedPerDay: z.strictObject({ warehouseCode: code('warehouseCode').optional(), sku: code('sku').optional(), ...days, limit, cursor }),
  anomalies: z.strictObject({
    by: z
      .enum(['kind', 'day'], { message: 'by must be kind or day' })
      .default('kind')
      .describe('one item per source and kind (default), or per day, source and kind'),
    source: z.enum(['order', 'stock', 'inbound', 'return'], { message: 'source must be order, stock, inbound or return' }).optional(),
    kind: code('kind').optional(),
    warehouseCode: code('warehouseCode').optional(),
    ...days,
    limit,
    cursor,
  }),
});

const range = (from: number | undefined, to: number | undefined) => (from === undefined && to === undefined ? undefined : { from, to });

/** A cursor the report did not hand out is a bad filter like any other. */
const answered = async (read: () => Promise<unknown>): Promise<RouteAnswer> => {
  try {
    return { status: 200, data: await read() };
  } catch (error) {
    if (error instanceof InvalidCursor) throw new HttpProblem(422, 'invalid query', [{ path: 'query.cursor', message: error.message }]);
    throw error;
  }
};

const answers = { 422: 'invalid filter (each one named)' };

export const reportRoutes = (ctx: HttpContext, reports: ReportQueries): readonly Route[] => {
  const zone = ctx.zoneOf(null);
  const schemas = reportQueries(zone);
  const now = () => ctx.deps.clock.now();
  return [
    {
      method: 'get',
      path: '/api/oms/reports/orders',
      roles: ['operator', 'reporting'],
      tag: 'reports',
      summary: 'Orders, newest placed first: filter by status, warehouse, priority, placed and shipped times; find by number or SKU (q)',
      description: `Days are read in ${zone}. shipped… filters on when goods of the order first left the warehouse. q is an exact match (1–64 characters, trimmed) on the orderNo, an outboundNo a warehouse gave the order, the waybill number of one of its shipments or a SKU of its lines; it combines with the other filters and the paging.`,
      query: schemas.orders,
      answers,
      handle: async (input) => {
        const f = parseInput(schemas.orders, input.query, 'query');
        return answered(() =>
          reports.orders({
            status: f.status,
            warehouseCode: f.warehouseCode,
            priority: f.priority,
            placed: range(f.placedFrom, f.placedTo),
            shipped: range(f.shippedFrom, f.shippedTo),
            term: f.q,
            limit: f.limit,
            cursor: f.cursor,
          }),
        );
      },
    },
    {
      method: 'get',
      path: '/api/oms/reports/status-counts',
      roles: ['operator', 'reporting'],
      tag: 'reports',
      summary: 'How many orders are in each status, per warehouse (or, with by=day, per day placed)',
      query: schemas.statusCounts,
      answers,
      handle: async (input) => {
        const f = parseInput(schemas.statusCounts, input.query, 'query');
        return answered(() =>
          reports.statusCounts({
            by: f.by,
            warehouseCode: f.warehouseCode,
            fromDay: f.from,
            toDay: f.to,
            limit: f.limit,
            cursor: f.cursor,
          }),
        );
      },
    },
    {
      method: 'get',
      path: '/api/oms/reports/backorders',
      roles: ['operator', 'reporting'],
      tag: 'reports',
      summary: 'Backorders waiting for stock, oldest first: what is owed, against which order, to whom, since when',
      query: schemas.backorders,
      answers,
      handle: async (input) => {
        const f = parseInput(schemas.backorders, input.query, 'query');
        return answered(() => reports.backorders({ ...f, now: now() }));
      },
    },
    {
      method: 'get',
      path: '/api/oms/reports/manual-interventions',
      roles: ['operator', 'reporting'],
      tag: 'reports',
      summary: 'What waits for a person (orders, inbound orders, hand-offs to transport), oldest first: reason, age, attempts, last error',
      query: schemas.manualInterventions,
      answers,
      handle: async (input) => {
        const f = parseInput(schemas.manualInterventions, input.query, 'query');
        return answered(() => reports.manualInterventions({ ...f, now: now() }));
      },
    },
    {
      method: 'get',
      path: '/api/oms/reports/stock',
      roles: ['operator', 'reporting'],
      tag: 'reports',
      summary: 'Stock by warehouse and SKU: on hand, reserved, available, defective',
      query: schemas.stock,
      answers,
      handle: async (input) => {
        const f = parseInput(schemas.stock, input.query, 'query');
        return answered(() => reports.stock(f));
      },
    },
    {
      method: 'get',
      path: '/api/oms/reports/stock-variance',
      roles: ['operator', 'reporting'],
      tag: 'reports',
      summary:
        "Where the warehouse's shelves and the hub's ledger disagreed, per warehouse, SKU and condition (SELLABLE: on hand; DEFECTIVE): the hub's figure, the warehouse's, the difference and when, for the latest variance; how many there were and their sum",
      description:
        'A variance is the warehouse correcting the hub: a shortage it reported (WMS_SHORTAGE), a change it made and told the hub of (WAREHOUSE_CHANGE), or its stock snapshot (RECONCILIATION). The difference is warehouse − hub, applied to the ledger. One of more than VARIANCE_ALERT_UNITS units also raised an alert.',
      query: schemas.stockVariance,
      answers,
      handle: async (input) => {
        const f = parseInput(schemas.stockVariance, input.query, 'query');
        return answered(() => reports.stockVariances(f));
      },
    },
    {
      method: 'get',
      path: '/api/oms/reports/lead-times',
      roles: ['operator', 'reporting'],
      tag: 'reports',
      summary: 'Lead times per warehouse and day, in seconds: p50 and p95 of placed → pushed, pushed → shipped, placed → shipped',
      description: `Days are read in ${zone}; by=placed counts an order under the day it was placed, by=shipped under the day it first shipped. Percentiles are nearest-rank over the orders that have both ends.`,
      query: schemas.leadTimes,
      answers,
      handle: async (input) => {
        const f = parseInput(schemas.leadTimes, input.query, 'query');
        return answered(() =>
          reports.leadTimes({ by: f.by, warehouseCode: f.warehouseCode, fromDay: f.from, toDay: f.to, limit: f.limit, cursor: f.cursor }),
        );
      },
    },
    {
      method: 'get',
      path: '/api/oms/reports/shipped-per-day',
      roles: ['operator', 'reporting'],
      tag: 'reports',
      summary: 'Quantity shipped per day, warehouse and SKU (with the number of waybills), newest day first',
      query: schemas.shippedPerDay,
      answers,
      handle: async (input) => {
        const f = parseInput(schemas.shippedPerDay, input.query, 'query');
        return answered(() =>
          reports.shippedPerDay({
            warehouseCode: f.warehouseCode,
            sku: f.sku,
            fromDay: f.from,
            toDay: f.to,
            limit: f.limit,
            cursor: f.cursor,
          }),
        );
      },
    },
    {
      method: 'get',
      path: '/api/oms/reports/anomalies',
      roles: ['operator', 'reporting'],
      tag: 'reports',
      summary: 'Anomalies (facts that contradicted what the hub knew) by kind, or by day and kind',
      query: schemas.anomalies,
      answers,
      handle: async (input) => {
        const f = parseInput(schemas.anomalies, input.query, 'query');
        return answered(() =>
          reports.anomalies({
            by: f.by,
            source: f.source,
            kind: f.kind,
            warehouseCode: f.warehouseCode,
            fromDay: f.from,
            toDay: f.to,
            limit: f.limit,
            cursor: f.cursor,
          }),
        );
      },
    },
  ];
};
