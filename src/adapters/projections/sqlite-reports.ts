/**
 * The reports, read from the projections' tables. Pages are keyset pages: the cursor carries the
 * sort key of the last item, so a page is as cheap at the end of the list as at its start and
 * rows added meanwhile never shift what comes next.
 */
import type Database from 'better-sqlite3';
import { anomalyCounts } from '../../application/projections/anomalies.ts';
import type { AnomalySource } from '../../application/projections/anomalies.ts';
import { type BackorderRow, backorderQueue } from '../../application/projections/backorder-queue.ts';
import { type ManualQueueRow, manualQueue } from '../../application/projections/manual-queue.ts';
import { type OrderListRow, orderList } from '../../application/projections/order-list.ts';
import type { TrackLine } from '../../application/projections/order-track.ts';
import {
  type AnomaliesItem,
  type AnomaliesQuery,
  type BackorderItem,
  type BackorderQuery,
  InvalidCursor,
  type LeadTimesItem,
  type LeadTimesQuery,
  type ManualQueueItem,
  type ManualQueueQuery,
  type OrderListItem,
  type OrderListQuery,
  type Page,
  type Percentiles,
  type ReportQueries,
  type ShippedPerDayItem,
  type ShippedPerDayQuery,
  type StatusCountsItem,
  type StatusCountsQuery,
  type StockItem,
  type StockQuery,
  percentile,
} from '../../application/projections/report-queries.ts';
import { type ShippedPerDayRow, shippedPerDay } from '../../application/projections/shipped-per-day.ts';
import { statusCounts } from '../../application/projections/status-counts.ts';
import { type StockLevelRow, stockLevels } from '../../application/projections/stock-levels.ts';
import type { OrderStatus } from '../../domain/outbound-order/index.ts';
import { quote } from './projection-tables.ts';

type Scalar = string | number;

export const encodeCursor = (values: readonly Scalar[]): string => Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');

/** The sort key a cursor carries, checked against the kinds this report expects ('s' text, 'n' number). */
export const decodeCursor = (cursor: string | undefined, shape: string): readonly Scalar[] | null => {
  if (cursor === undefined) return null;
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor('not a cursor this report handed out');
  }
  const fits =
    Array.isArray(values) &&
    values.length === shape.length &&
    values.every((value, i) => (shape[i] === 'n' ? typeof value === 'number' && Number.isFinite(value) : typeof value === 'string'));
  if (!fits) throw new InvalidCursor('not a cursor this report handed out');
  return values as Scalar[];
};

/** A WHERE clause built up condition by condition, with its parameters. */
class Where {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];

  when(condition: boolean, sql: string, ...params: unknown[]): this {
    if (condition) {
      this.parts.push(sql);
      this.params.push(...params);
    }
    return this;
  }

  toString(): string {
    return this.parts.length === 0 ? '' : `WHERE ${this.parts.join(' AND ')}`;
  }
}

const q = quote;
const ageSeconds = (now: string, sinceMs: number): number => Math.max(0, Math.floor((Date.parse(now) - sinceMs) / 1000));
const defined = <T>(value: T | undefined): value is T => value !== undefined;

const page = <R, T>(rows: readonly R[], limit: number, toItem: (row: R) => T, cursorOf: (row: R) => readonly Scalar[]): Page<T> => {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return { items: shown.map(toItem), nextCursor: more && last !== undefined ? encodeCursor(cursorOf(last)) : null };
};

const percentiles = (seconds: number[]): Percentiles => {
  seconds.sort((a, b) => a - b);
  return { orders: seconds.length, p50: percentile(seconds, 0.5), p95: percentile(seconds, 0.95) };
};

export class SqliteReports implements ReportQueries {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  async orders(query: OrderListQuery): Promise<Page<OrderListItem>> {
    const after = decodeCursor(query.cursor, 'ns');
    const status = query.status ?? [];
    const where = new Where()
      .when(status.length > 0, `${q('status')} IN (${status.map(() => '?').join(', ')})`, ...status)
      .when(defined(query.warehouseCode), `${q('warehouseCode')} = ?`, query.warehouseCode)
      .when(defined(query.priority), `${q('priority')} = ?`, query.priority)
      .when(defined(query.placed?.from), `${q('placedMs')} >= ?`, query.placed?.from)
      .when(defined(query.placed?.to), `${q('placedMs')} < ?`, query.placed?.to)
      .when(defined(query.shipped?.from), `${q('shippedMs')} >= ?`, query.shipped?.from)
      .when(defined(query.shipped?.to), `${q('shippedMs')} < ?`, query.shipped?.to)
      .when(after !== null, `(${q('placedMs')} < ? OR (${q('placedMs')} = ? AND ${q('orderNo')} > ?))`, after?.[0], after?.[0], after?.[1]);
    const rows = this.all<OrderListRow>(
      `SELECT * FROM ${q(orderList.name)} ${where} ORDER BY ${q('placedMs')} DESC, ${q('orderNo')} ASC LIMIT ?`,
      [...where.params, query.limit + 1],
    );
    return page(rows, query.limit, toOrderItem, (row) => [row.placedMs, row.orderNo]);
  }

  async statusCounts(query: StatusCountsQuery): Promise<Page<StatusCountsItem>> {
    const group = query.by === 'day' ? 'day' : 'warehouseCode';
    const after = decodeCursor(query.cursor, 's');
    const where = new Where()
      .when(true, `${q('orders')} <> 0`)
      .when(defined(query.warehouseCode), `${q('warehouseCode')} = ?`, query.warehouseCode)
      .when(defined(query.fromDay), `${q('day')} >= ?`, query.fromDay)
      .when(defined(query.toDay), `${q('day')} <= ?`, query.toDay);
    const keyed = new Where().when(after !== null, group === 'day' ? `${q('day')} < ?` : `${q('warehouseCode')} > ?`, after?.[0]);
    const order = group === 'day' ? 'DESC' : 'ASC';
    const groups = this.all<{ g: string }>(
      `SELECT DISTINCT ${q(group)} AS g FROM ${q(statusCounts.name)} ${where}${keyed.parts.length > 0 ? ` AND ${keyed.parts.join(' AND ')}` : ''} ORDER BY g ${order} LIMIT ?`,
      [...where.params, ...keyed.params, query.limit + 1],
    ).map((row) => row.g);
    const shown = groups.slice(0, query.limit);
    const counts = new Map<string, Record<string, number>>(shown.map((g) => [g, {}]));
    if (shown.length > 0) {
      const rows = this.all<{ g: string; status: string; n: number }>(
        `SELECT ${q(group)} AS g, ${q('status')} AS status, SUM(${q('orders')}) AS n FROM ${q(statusCounts.name)} ${where} AND ${q(group)} IN (${shown.map(() => '?').join(', ')}) GROUP BY g, status`,
        [...where.params, ...shown],
      );
      for (const row of rows) if (row.n !== 0) (counts.get(row.g) as Record<string, number>)[row.status] = row.n;
    }
    const items = shown.map((g): StatusCountsItem => {
      const byStatus = counts.get(g) ?? {};
      const total = Object.values(byStatus).reduce((sum, n) => sum + n, 0);
      return group === 'day'
        ? { day: g, total, counts: byStatus as Partial<Record<OrderStatus, number>> }
        : { warehouseCode: g, total, counts: byStatus };
    });
    const last = shown.at(-1);
    return { items, nextCursor: groups.length > query.limit && last !== undefined ? encodeCursor([last]) : null };
  }

  async backorders(query: BackorderQuery): Promise<Page<BackorderItem>> {
    const after = decodeCursor(query.cursor, 'ns');
    // to whom: the original order's consignee; an original cancelled meanwhile owes nothing (the hub never places its backorders)
    const where = new Where()
      .when(true, `(o.${q('status')} IS NULL OR o.${q('status')} <> 'CANCELLED')`)
      .when(defined(query.warehouseCode), `b.${q('warehouseCode')} = ?`, query.warehouseCode)
      .when(defined(query.orderNo), `b.${q('orderNo')} = ?`, query.orderNo)
      .when(defined(query.sku), `EXISTS (SELECT 1 FROM json_each(b.${q('lines')}) WHERE json_extract(value, '$.sku') = ?)`, query.sku)
      .when(
        after !== null,
        `(b.${q('sinceMs')} > ? OR (b.${q('sinceMs')} = ? AND b.${q('backorderNo')} > ?))`,
        after?.[0],
        after?.[0],
        after?.[1],
      );
    const rows = this.all<Omit<BackorderRow, 'lines'> & { lines: string; consignee: string | null }>(
      `SELECT b.*, o.${q('consignee')} AS consignee FROM ${q(backorderQueue.name)} b LEFT JOIN ${q(orderList.name)} o ON o.${q('orderNo')} = b.${q('orderNo')} ` +
        `${where} ORDER BY b.${q('sinceMs')}, b.${q('backorderNo')} LIMIT ?`,
      [...where.params, query.limit + 1],
    );
    return page(
      rows,
      query.limit,
      (row) => ({
        backorderNo: row.backorderNo,
        orderNo: row.orderNo,
        consignee: row.consignee,
        warehouseCode: row.warehouseCode,
        lines: JSON.parse(row.lines) as BackorderItem['lines'],
        quantity: row.quantity,
        since: row.since,
        ageSeconds: ageSeconds(query.now, row.sinceMs),
      }),
      (row) => [row.sinceMs, row.backorderNo],
    );
  }

  async manualInterventions(query: ManualQueueQuery): Promise<Page<ManualQueueItem>> {
    const after = decodeCursor(query.cursor, 'ns');
    const where = new Where()
      .when(defined(query.kind), `kind = ?`, query.kind)
      .when(defined(query.reason), `reason = ?`, query.reason)
      .when(defined(query.warehouseCode), `warehouseCode = ?`, query.warehouseCode)
      .when(after !== null, `(sinceMs > ? OR (sinceMs = ? AND subject > ?))`, after?.[0], after?.[0], after?.[1]);
    // orders waiting for a person are in the order list; inbound orders and hand-offs in the queue's own table
    const columns = [
      'subject',
      'kind',
      'reference',
      'warehouseCode',
      'reason',
      'detail',
      'since',
      'sinceMs',
      'attempts',
      'lastError',
    ] as const;
    const orders =
      `SELECT 'order-' || ${q('orderNo')} AS subject, 'order' AS kind, ${q('orderNo')} AS reference, ${q('warehouseCode')} AS warehouseCode, ` +
      `${q('manualReason')} AS reason, ${q('manualDetail')} AS detail, ${q('manualSince')} AS since, ${q('manualSinceMs')} AS sinceMs, ` +
      `${q('attempts')} AS attempts, ${q('lastError')} AS lastError FROM ${q(orderList.name)} WHERE ${q('manualSinceMs')} IS NOT NULL`;
    const others = `SELECT ${columns.map((c) => `${q(c)} AS ${c}`).join(', ')} FROM ${q(manualQueue.name)}`;
    const rows = this.all<ManualQueueRow>(`SELECT * FROM (${orders} UNION ALL ${others}) ${where} ORDER BY sinceMs, subject LIMIT ?`, [
      ...where.params,
      query.limit + 1,
    ]);
    return page(
      rows,
      query.limit,
      ({ sinceMs, ...row }) => ({ ...row, detail: row.detail ?? '', ageSeconds: ageSeconds(query.now, sinceMs) }),
      (row) => [row.sinceMs, row.subject],
    );
  }

  async stock(query: StockQuery): Promise<Page<StockItem>> {
    const after = decodeCursor(query.cursor, 'ss');
    const where = new Where()
      .when(defined(query.warehouseCode), `${q('warehouseCode')} = ?`, query.warehouseCode)
      .when(defined(query.sku), `${q('sku')} = ?`, query.sku)
      .when(
        after !== null,
        `(${q('warehouseCode')} > ? OR (${q('warehouseCode')} = ? AND ${q('sku')} > ?))`,
        after?.[0],
        after?.[0],
        after?.[1],
      );
    const rows = this.all<StockLevelRow>(
      `SELECT * FROM ${q(stockLevels.name)} ${where} ORDER BY ${q('warehouseCode')}, ${q('sku')} LIMIT ?`,
      [...where.params, query.limit + 1],
    );
    return page(
      rows,
      query.limit,
      (row) => ({ ...row, available: row.onHand - row.reserved }),
      (row) => [row.warehouseCode, row.sku],
    );
  }

  async leadTimes(query: LeadTimesQuery): Promise<Page<LeadTimesItem>> {
    const after = decodeCursor(query.cursor, 'ss');
    const day = query.by === 'shipped' ? 'shippedDay' : 'placedDay';
    const where = new Where()
      .when(true, `${q(day)} IS NOT NULL`)
      .when(defined(query.warehouseCode), `${q('warehouseCode')} = ?`, query.warehouseCode)
      .when(defined(query.fromDay), `${q(day)} >= ?`, query.fromDay)
      .when(defined(query.toDay), `${q(day)} <= ?`, query.toDay);
    const keyed = new Where().when(
      after !== null,
      `(${q(day)} < ? OR (${q(day)} = ? AND ${q('warehouseCode')} > ?))`,
      after?.[0],
      after?.[0],
      after?.[1],
    );
    const groups = this.all<{ day: string; warehouseCode: string }>(
      `SELECT DISTINCT ${q(day)} AS day, ${q('warehouseCode')} AS warehouseCode FROM ${q(orderList.name)} ${where}` +
        `${keyed.parts.length > 0 ? ` AND ${keyed.parts.join(' AND ')}` : ''} ORDER BY day DESC, warehouseCode ASC LIMIT ?`,
      [...where.params, ...keyed.params, query.limit + 1],
    );
    const shown = groups.slice(0, query.limit);
    const items = shown.map((group): LeadTimesItem => {
      const rows = this.all<{ placedMs: number; pushedMs: number | null; shippedMs: number | null }>(
        `SELECT ${q('placedMs')} AS placedMs, ${q('pushedMs')} AS pushedMs, ${q('shippedMs')} AS shippedMs FROM ${q(orderList.name)} WHERE ${q(day)} = ? AND ${q('warehouseCode')} = ?`,
        [group.day, group.warehouseCode],
      );
      const placedToPushed: number[] = [];
      const pushedToShipped: number[] = [];
      const placedToShipped: number[] = [];
      for (const row of rows) {
        if (row.pushedMs !== null) placedToPushed.push((row.pushedMs - row.placedMs) / 1000);
        if (row.pushedMs !== null && row.shippedMs !== null) pushedToShipped.push((row.shippedMs - row.pushedMs) / 1000);
        if (row.shippedMs !== null) placedToShipped.push((row.shippedMs - row.placedMs) / 1000);
      }
      return {
        day: group.day,
        warehouseCode: group.warehouseCode,
        orders: rows.length,
        placedToPushed: percentiles(placedToPushed),
        pushedToShipped: percentiles(pushedToShipped),
        placedToShipped: percentiles(placedToShipped),
      };
    });
    const last = shown.at(-1);
    return { items, nextCursor: groups.length > query.limit && last !== undefined ? encodeCursor([last.day, last.warehouseCode]) : null };
  }

  async shippedPerDay(query: ShippedPerDayQuery): Promise<Page<ShippedPerDayItem>> {
    const after = decodeCursor(query.cursor, 'sss');
    const where = new Where()
      .when(defined(query.warehouseCode), `${q('warehouseCode')} = ?`, query.warehouseCode)
      .when(defined(query.sku), `${q('sku')} = ?`, query.sku)
      .when(defined(query.fromDay), `${q('day')} >= ?`, query.fromDay)
      .when(defined(query.toDay), `${q('day')} <= ?`, query.toDay)
      .when(
        after !== null,
        `(${q('day')} < ? OR (${q('day')} = ? AND (${q('warehouseCode')} > ? OR (${q('warehouseCode')} = ? AND ${q('sku')} > ?))))`,
        after?.[0],
        after?.[0],
        after?.[1],
        after?.[1],
        after?.[2],
      );
    const rows = this.all<ShippedPerDayRow>(
      `SELECT * FROM ${q(shippedPerDay.name)} ${where} ORDER BY ${q('day')} DESC, ${q('warehouseCode')} ASC, ${q('sku')} ASC LIMIT ?`,
      [...where.params, query.limit + 1],
    );
    return page(
      rows,
      query.limit,
      (row) => row,
      (row) => [row.day, row.warehouseCode, row.sku],
    );
  }

  async anomalies(query: AnomaliesQuery): Promise<Page<AnomaliesItem>> {
    const byDay = query.by === 'day';
    const after = decodeCursor(query.cursor, byDay ? 'sss' : 'ss');
    const where = new Where()
      .when(defined(query.source), `${q('source')} = ?`, query.source)
      .when(defined(query.kind), `${q('kind')} = ?`, query.kind)
      .when(defined(query.warehouseCode), `${q('warehouseCode')} = ?`, query.warehouseCode)
      .when(defined(query.fromDay), `${q('day')} >= ?`, query.fromDay)
      .when(defined(query.toDay), `${q('day')} <= ?`, query.toDay);
    const sourceKind = `(${q('source')} > ? OR (${q('source')} = ? AND ${q('kind')} > ?))`;
    if (byDay)
      where.when(
        after !== null,
        `(${q('day')} < ? OR (${q('day')} = ? AND ${sourceKind}))`,
        after?.[0],
        after?.[0],
        after?.[1],
        after?.[1],
        after?.[2],
      );
    else where.when(after !== null, sourceKind, after?.[0], after?.[0], after?.[1]);
    const groupBy = byDay ? `${q('day')}, ${q('source')}, ${q('kind')}` : `${q('source')}, ${q('kind')}`;
    const orderBy = byDay ? `${q('day')} DESC, ${q('source')}, ${q('kind')}` : `${q('source')}, ${q('kind')}`;
    // with one max() in the query, SQLite takes the bare columns from the row that holds the max
    const rows = this.all<{
      day: string;
      source: AnomalySource;
      kind: string;
      count: number;
      lastMs: number;
      lastAt: string;
      lastSubject: string;
      lastDetail: string;
    }>(
      `SELECT ${q('day')} AS day, ${q('source')} AS source, ${q('kind')} AS kind, SUM(${q('count')}) AS count, MAX(${q('lastMs')}) AS lastMs, ` +
        `${q('lastAt')} AS lastAt, ${q('lastSubject')} AS lastSubject, ${q('lastDetail')} AS lastDetail ` +
        `FROM ${q(anomalyCounts.name)} ${where} GROUP BY ${groupBy} ORDER BY ${orderBy} LIMIT ?`,
      [...where.params, query.limit + 1],
    );
    return page(
      rows,
      query.limit,
      ({ day, lastMs: _lastMs, ...row }) => (byDay ? { day, ...row } : row),
      (row) => (byDay ? [row.day, row.source, row.kind] : [row.source, row.kind]),
    );
  }

  private all<R>(sql: string, params: readonly unknown[]): R[] {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, statement);
    }
    return statement.all(...params) as R[];
  }
}

const toOrderItem = (row: OrderListRow): OrderListItem => {
  const lines = (typeof row.lines === 'string' ? JSON.parse(row.lines) : row.lines) as readonly TrackLine[];
  return {
    orderNo: row.orderNo,
    status: row.status,
    warehouseCode: row.warehouseCode,
    priority: row.priority,
    timeRequirement: row.timeRequirement,
    backorderOf: row.backorderOf,
    consignee: row.consignee,
    outboundNo: row.outboundNo,
    placedAt: row.placedAt,
    shippedAt: row.shippedAt,
    closedAt: row.closedAt,
    lines: lines.map(([sku, ordered, shipped, backordered, cancelled]) => ({ sku, ordered, shipped, backordered, cancelled })),
    quantities: { ordered: row.ordered, shipped: row.shipped, backordered: row.backordered, cancelled: row.cancelled },
    pushAttempts: row.attempts,
    lastError: row.lastError,
    manualIntervention:
      row.manualReason === null ? null : { reason: row.manualReason, detail: row.manualDetail ?? '', since: row.manualSince ?? '' },
    anomalies: row.anomalies,
    updatedAt: row.updatedAt,
    revision: row.revision,
  };
};
