/** The queues: backorders owed, and what waits for a person. */
import { type BackorderRow, backorderQueue } from '../../application/projections/backorder-queue.ts';
import { type ManualQueueRow, manualQueue } from '../../application/projections/manual-queue.ts';
import { orderList } from '../../application/projections/order-list.ts';
import type {
  BackorderItem,
  BackorderQuery,
  ManualQueueItem,
  ManualQueueQuery,
  Page,
} from '../../application/projections/report-queries.ts';
import { type SqlReader, Where, ageSeconds, decodeCursor, defined, page, q } from './report-sql.ts';

export const backordersReport = async (sql: SqlReader, query: BackorderQuery): Promise<Page<BackorderItem>> => {
  const after = decodeCursor(query.cursor, 'ns');
  // to whom: the original order's consignee. A backorder of an original cancelled meanwhile is listed until the hub records it cancelled (as the backorder book holds it)
  const where = new Where()
    .when(defined(query.warehouseCode), `b.${q('warehouseCode')} = ?`, query.warehouseCode)
    .when(defined(query.orderNo), `b.${q('orderNo')} = ?`, query.orderNo)
    .when(defined(query.sku), sql.jsonListHas(`b.${q('lines')}`, 'sku'), query.sku)
    .when(
      after !== null,
      `(b.${q('sinceMs')} > ? OR (b.${q('sinceMs')} = ? AND b.${q('backorderNo')} > ?))`,
      after?.[0],
      after?.[0],
      after?.[1],
    );
  const rows = await sql.all<Omit<BackorderRow, 'lines'> & { lines: string; consignee: string | null }>(
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
};

export const manualInterventionsReport = async (sql: SqlReader, query: ManualQueueQuery): Promise<Page<ManualQueueItem>> => {
  const after = decodeCursor(query.cursor, 'ns');
  const where = new Where()
    .when(defined(query.kind), `${q('kind')} = ?`, query.kind)
    .when(defined(query.reason), `${q('reason')} = ?`, query.reason)
    .when(defined(query.warehouseCode), `${q('warehouseCode')} = ?`, query.warehouseCode)
    .when(after !== null, `(${q('sinceMs')} > ? OR (${q('sinceMs')} = ? AND ${q('subject')} > ?))`, after?.[0], after?.[0], after?.[1]);
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
    `SELECT 'order-' || ${q('orderNo')} AS subject, 'order' AS kind, ${q('orderNo')} AS reference, ${q('warehouseCode')}, ` +
    `${q('manualReason')} AS reason, ${q('manualDetail')} AS detail, ${q('manualSince')} AS since, ${q('manualSinceMs')} AS ${q('sinceMs')}, ` +
    `${q('attempts')}, ${q('lastError')} FROM ${q(orderList.name)} WHERE ${q('manualSinceMs')} IS NOT NULL`;
  const others = `SELECT ${columns.map(q).join(', ')} FROM ${q(manualQueue.name)}`;
  const rows = await sql.all<ManualQueueRow>(
    `SELECT * FROM (${orders} UNION ALL ${others}) AS queue ${where} ORDER BY ${q('sinceMs')}, subject LIMIT ?`,
    [...where.params, query.limit + 1],
  );
  return page(
    rows,
    query.limit,
    ({ sinceMs, ...row }) => ({ ...row, detail: row.detail ?? '', ageSeconds: ageSeconds(query.now, sinceMs) }),
    (row) => [row.sinceMs, row.subject],
  );
};
