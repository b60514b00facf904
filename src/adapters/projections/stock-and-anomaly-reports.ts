/** Stock levels, stock variances, and the anomalies counted by kind. */
import { type AnomalySource, anomalyCounts } from '../../application/projections/anomalies.ts';
import type {
  AnomaliesItem,
  AnomaliesQuery,
  Page,
  StockItem,
  StockQuery,
  StockVarianceItem,
  StockVarianceQuery,
} from '../../application/projections/report-queries.ts';
import { type StockLevelRow, stockLevels } from '../../application/projections/stock-levels.ts';
import { type StockVarianceRow, stockVariances } from '../../application/projections/stock-variances.ts';
import { type SqlReader, Where, decodeCursor, defined, page, q } from './report-sql.ts';

export const stockReport = async (sql: SqlReader, query: StockQuery): Promise<Page<StockItem>> => {
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
  const rows = await sql.all<StockLevelRow>(
    `SELECT * FROM ${q(stockLevels.name)} ${where} ORDER BY ${q('warehouseCode')}, ${q('sku')} LIMIT ?`,
    [...where.params, query.limit + 1],
  );
  return page(
    rows,
    query.limit,
    (row) => ({ ...row, available: row.onHand - row.reserved }),
    (row) => [row.warehouseCode, row.sku],
  );
};

export const stockVarianceReport = async (sql: SqlReader, query: StockVarianceQuery): Promise<Page<StockVarianceItem>> => {
  const after = decodeCursor(query.cursor, 'sss');
  const [warehouseCode, sku, condition] = after ?? [];
  const where = new Where()
    .when(defined(query.warehouseCode), `${q('warehouseCode')} = ?`, query.warehouseCode)
    .when(defined(query.sku), `${q('sku')} = ?`, query.sku)
    .when(
      after !== null,
      `(${q('warehouseCode')} > ? OR (${q('warehouseCode')} = ? AND (${q('sku')} > ? OR (${q('sku')} = ? AND ${q('condition')} > ?))))`,
      warehouseCode,
      warehouseCode,
      sku,
      sku,
      condition,
    );
  const rows = await sql.all<StockVarianceRow>(
    `SELECT * FROM ${q(stockVariances.name)} ${where} ORDER BY ${q('warehouseCode')}, ${q('sku')}, ${q('condition')} LIMIT ?`,
    [...where.params, query.limit + 1],
  );
  return page(
    rows,
    query.limit,
    (row) => row,
    (row) => [row.warehouseCode, row.sku, row.condition],
  );
};

export const anomaliesReport = async (sql: SqlReader, query: AnomaliesQuery): Promise<Page<AnomaliesItem>> => {
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
  // each group's totals, and the last anomaly's details from the row that holds its latest
  const partition = `PARTITION BY ${groupBy}`;
  const rows = await sql.all<{
    day: string;
    source: AnomalySource;
    kind: string;
    count: number;
    lastMs: number;
    lastAt: string;
    lastSubject: string;
    lastDetail: string;
  }>(
    `SELECT ${['day', 'source', 'kind', 'count', 'lastMs', 'lastAt', 'lastSubject', 'lastDetail'].map(q).join(', ')} FROM (` +
      `SELECT ${q('day')}, ${q('source')}, ${q('kind')}, SUM(${q('count')}) OVER (${partition}) AS ${q('count')}, ` +
      `MAX(${q('lastMs')}) OVER (${partition}) AS ${q('lastMs')}, ${q('lastAt')}, ${q('lastSubject')}, ${q('lastDetail')}, ` +
      `ROW_NUMBER() OVER (${partition} ORDER BY ${q('lastMs')} DESC, ${q('lastSubject')} DESC) AS latest ` +
      `FROM ${q(anomalyCounts.name)} ${where}) AS grouped WHERE latest = 1 ORDER BY ${orderBy} LIMIT ?`,
    [...where.params, query.limit + 1],
  );
  return page(
    rows,
    query.limit,
    ({ day, lastMs: _lastMs, ...row }) => (byDay ? { day, ...row } : row),
    (row) => (byDay ? [row.day, row.source, row.kind] : [row.source, row.kind]),
  );
};
