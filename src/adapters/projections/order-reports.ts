/**
 * The reports on orders, read from the orders projection's tables: the order list, status counts,
 * lead times and shipped per day.
 */
import { type OrderListRow, orderList } from '../../application/projections/order-list.ts';
import { orderSearch } from '../../application/projections/order-search.ts';
import type { TrackLine } from '../../application/projections/order-track.ts';
import type {
  LeadTimesItem,
  LeadTimesQuery,
  OrderListItem,
  OrderListQuery,
  Page,
  ShippedPerDayItem,
  ShippedPerDayQuery,
  StatusCountsItem,
  StatusCountsQuery,
} from '../../application/projections/report-queries.ts';
import { type ShippedPerDayRow, shippedPerDay } from '../../application/projections/shipped-per-day.ts';
import { statusCounts } from '../../application/projections/status-counts.ts';
import type { OrderStatus } from '../../domain/outbound-order/index.ts';
import { type SqlReader, Where, decodeCursor, defined, encodeCursor, page, percentiles, q } from './report-sql.ts';

/**
 * The order list, newest placed first. With a term, the orders come through the search table's
 * index (term, placedMs DESC, orderNo), which pages in the list's own order: a page reads its rows
 * and stops, however many orders share the term (../../application/projections/order-search.ts).
 */
export const ordersReport = async (sql: SqlReader, query: OrderListQuery): Promise<Page<OrderListItem>> => {
  const after = decodeCursor(query.cursor, 'ns');
  const status = query.status ?? [];
  const searched = defined(query.term);
  /** a column of the order's row; `paged`: one the search table holds too, read from it to follow its index */
  const column = (name: string, paged = false): string => (searched ? `${paged ? 's' : 'o'}.${q(name)}` : q(name));
  const placed = column('placedMs', true);
  const orderNo = column('orderNo', true);
  const where = new Where()
    .when(searched, `s.${q('term')} = ?`, query.term)
    .when(status.length > 0, `${column('status')} IN (${status.map(() => '?').join(', ')})`, ...status)
    .when(defined(query.warehouseCode), `${column('warehouseCode')} = ?`, query.warehouseCode)
    .when(defined(query.priority), `${column('priority')} = ?`, query.priority)
    .when(defined(query.placed?.from), `${placed} >= ?`, query.placed?.from)
    .when(defined(query.placed?.to), `${placed} < ?`, query.placed?.to)
    .when(defined(query.shipped?.from), `${column('shippedMs')} >= ?`, query.shipped?.from)
    .when(defined(query.shipped?.to), `${column('shippedMs')} < ?`, query.shipped?.to)
    .when(after !== null, `(${placed} < ? OR (${placed} = ? AND ${orderNo} > ?))`, after?.[0], after?.[0], after?.[1]);
  // the search table outside, as written (SQLite's CROSS JOIN)
  const from = searched
    ? `${q(orderSearch.name)} AS s ${sql.joinAsWritten} ${q(orderList.name)} AS o ON o.${q('orderNo')} = s.${q('orderNo')}`
    : q(orderList.name);
  const rows = await sql.all<OrderListRow>(
    `SELECT ${searched ? 'o.*' : '*'} FROM ${from} ${where} ORDER BY ${placed} DESC, ${orderNo} ASC LIMIT ?`,
    [...where.params, query.limit + 1],
  );
  return page(rows, query.limit, toOrderItem, (row) => [row.placedMs, row.orderNo]);
};

export const statusCountsReport = async (sql: SqlReader, query: StatusCountsQuery): Promise<Page<StatusCountsItem>> => {
  const group = query.by === 'day' ? 'day' : 'warehouseCode';
  const after = decodeCursor(query.cursor, 's');
  const where = new Where()
    .when(true, `${q('orders')} <> 0`)
    .when(defined(query.warehouseCode), `${q('warehouseCode')} = ?`, query.warehouseCode)
    .when(defined(query.fromDay), `${q('day')} >= ?`, query.fromDay)
    .when(defined(query.toDay), `${q('day')} <= ?`, query.toDay);
  const keyed = new Where().when(after !== null, group === 'day' ? `${q('day')} < ?` : `${q('warehouseCode')} > ?`, after?.[0]);
  const order = group === 'day' ? 'DESC' : 'ASC';
  const groups = (
    await sql.all<{ g: string }>(
      `SELECT DISTINCT ${q(group)} AS g FROM ${q(statusCounts.name)} ${where}${keyed.parts.length > 0 ? ` AND ${keyed.parts.join(' AND ')}` : ''} ORDER BY g ${order} LIMIT ?`,
      [...where.params, ...keyed.params, query.limit + 1],
    )
  ).map((row) => row.g);
  const shown = groups.slice(0, query.limit);
  const counts = new Map<string, Record<string, number>>(shown.map((g) => [g, {}]));
  if (shown.length > 0) {
    const rows = await sql.all<{ g: string; status: string; n: number }>(
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
};

export const leadTimesReport = async (sql: SqlReader, query: LeadTimesQuery): Promise<Page<LeadTimesItem>> => {
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
  const groups = await sql.all<{ day: string; warehouseCode: string }>(
    `SELECT DISTINCT ${q(day)} AS ${q('day')}, ${q('warehouseCode')} FROM ${q(orderList.name)} ${where}` +
      `${keyed.parts.length > 0 ? ` AND ${keyed.parts.join(' AND ')}` : ''} ORDER BY ${q('day')} DESC, ${q('warehouseCode')} ASC LIMIT ?`,
    [...where.params, ...keyed.params, query.limit + 1],
  );
  const shown = groups.slice(0, query.limit);
  const items = await Promise.all(
    shown.map(async (group): Promise<LeadTimesItem> => {
      const rows = await sql.all<{ placedMs: number; pushedMs: number | null; shippedMs: number | null }>(
        `SELECT ${q('placedMs')}, ${q('pushedMs')}, ${q('shippedMs')} FROM ${q(orderList.name)} WHERE ${q(day)} = ? AND ${q('warehouseCode')} = ?`,
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
    }),
  );
  const last = shown.at(-1);
  return { items, nextCursor: groups.length > query.limit && last !== undefined ? encodeCursor([last.day, last.warehouseCode]) : null };
};

export const shippedPerDayReport = async (sql: SqlReader, query: ShippedPerDayQuery): Promise<Page<ShippedPerDayItem>> => {
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
  const rows = await sql.all<ShippedPerDayRow>(
    `SELECT * FROM ${q(shippedPerDay.name)} ${where} ORDER BY ${q('day')} DESC, ${q('warehouseCode')} ASC, ${q('sku')} ASC LIMIT ?`,
    [...where.params, query.limit + 1],
  );
  return page(
    rows,
    query.limit,
    (row) => row,
    (row) => [row.day, row.warehouseCode, row.sku],
  );
};

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
