/**
 * `oms variance [--warehouse <code>] [--sku <sku>] [--json]`: where the warehouses' shelves and the
 * hub's ledgers disagreed, per warehouse, SKU and condition: the latest variance's figures (the
 * hub's, the warehouse's, the difference, when, who said so), how many there were and their sum;
 * `!` marks one more than VARIANCE_ALERT_UNITS units apart. Folded from the stock events with the
 * report's own row function (GET /api/oms/reports/stock-variance shows the same), so it needs no
 * projections file; an event that does not decode is named on stderr and left out.
 */
import { DateTime } from 'luxon';
import { UndecodableEvent } from '../../application/events/undecodable-event.ts';
import type { Position } from '../../application/ports/event-store.ts';
import { type StockVarianceRow, varianceRowOf } from '../../application/projections/stock-variances.ts';
import { type CliIo, type GlobalOptions, configOf, withAuditParts, write } from './cli-io.ts';

const PAGE = 2_000;

export type VarianceOptions = Readonly<{ warehouse?: string; sku?: string; json?: boolean }>;

const byKey = (a: StockVarianceRow, b: StockVarianceRow): number =>
  a.warehouseCode.localeCompare(b.warehouseCode) || a.sku.localeCompare(b.sku) || a.condition.localeCompare(b.condition);

const signed = (quantity: number): string => (quantity > 0 ? `+${quantity}` : String(quantity));

const table = (rows: readonly StockVarianceRow[], alertAbove: number, zone: string): string => {
  const cells = [
    ['', 'warehouse', 'sku', 'condition', 'hub', 'warehouse', 'difference', 'when', 'source', 'variances', 'net'],
    ...rows.map((row) => [
      Math.abs(row.difference) > alertAbove ? '!' : '',
      row.warehouseCode,
      row.sku,
      row.condition,
      String(row.hubFigure),
      String(row.warehouseFigure),
      signed(row.difference),
      DateTime.fromISO(row.recordedAt, { setZone: true }).setZone(zone).toISO({ suppressMilliseconds: true }) ?? row.recordedAt,
      row.source,
      String(row.variances),
      signed(row.netDifference),
    ]),
  ];
  const widths = cells[0]?.map((_, column) => Math.max(...cells.map((line) => line[column]?.length ?? 0))) ?? [];
  return cells
    .map((line) =>
      line
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
};

export const variance = async (io: CliIo, global: GlobalOptions, options: VarianceOptions): Promise<number> => {
  const config = configOf(io, global);
  const rows = await withAuditParts(config, async ({ store, events }) => {
    const latest = new Map<string, StockVarianceRow>();
    let after: Position | undefined;
    for (;;) {
      const page = await store.readAll({ category: 'stock', maxCount: PAGE, ...(after === undefined ? {} : { after }) });
      for (const stored of page) {
        if (stored.type !== 'StockVarianceRecorded') continue;
        try {
          const event = await events.decode(stored);
          if (event.category !== 'stock' || event.type !== 'StockVarianceRecorded') continue;
          const { warehouseCode, sku, condition } = event.data;
          if ((options.warehouse ?? warehouseCode) !== warehouseCode || (options.sku ?? sku) !== sku) continue;
          const key = `${warehouseCode}\n${sku}\n${condition}`;
          latest.set(key, varianceRowOf(latest.get(key), event));
        } catch (error) {
          if (!(error instanceof UndecodableEvent)) throw error;
          await write(io.stderr, `left out: ${error.message}\n`);
        }
      }
      after = page.at(-1)?.position;
      if (page.length < PAGE) break;
    }
    return [...latest.values()].sort(byKey);
  });
  if (options.json === true) {
    await write(io.stdout, `${JSON.stringify({ alertAbove: config.VARIANCE_ALERT_UNITS, variances: rows }, null, 2)}\n`);
    return 0;
  }
  const heading =
    rows.length === 0
      ? 'no stock variances: the warehouses have never said their shelves differ from the ledgers'
      : `stock variances, the latest per warehouse, SKU and condition (difference = warehouse − hub; ! more than ${config.VARIANCE_ALERT_UNITS} units apart, alerted):`;
  await write(io.stdout, `${heading}\n${rows.length === 0 ? '' : `${table(rows, config.VARIANCE_ALERT_UNITS, config.WAREHOUSE_ZONE)}\n`}`);
  return 0;
};
