/**
 * An order's lines as the order list keeps them (its `lines` column, which the reports read): one
 * [sku, ordered, shipped, backordered, cancelled] per line of the domain's state, back to the
 * state's lines as far as they say (no batch number), and their sums.
 */
import type { OrderLine } from '../../domain/outbound-order/index.ts';

/** [sku, ordered, shipped, backordered, cancelled] */
export type TrackLine = readonly [sku: string, ordered: number, shipped: number, backordered: number, cancelled: number];

export const trackLinesOf = (lines: readonly OrderLine[]): readonly TrackLine[] =>
  lines.map((line): TrackLine => [line.sku, line.ordered, line.shipped, line.backordered, line.cancelled]);

export const orderLinesOf = (lines: readonly TrackLine[]): readonly OrderLine[] =>
  lines.map(([sku, ordered, shipped, backordered, cancelled]): OrderLine => ({
    sku,
    batchNo: null,
    ordered,
    shipped,
    backordered,
    cancelled,
  }));

/** Sums of the lines: [ordered, shipped, backordered, cancelled]. */
export const lineTotals = (lines: readonly OrderLine[]): readonly [number, number, number, number] => {
  let ordered = 0;
  let shipped = 0;
  let backordered = 0;
  let cancelled = 0;
  for (const line of lines) {
    ordered += line.ordered;
    shipped += line.shipped;
    backordered += line.backordered;
    cancelled += line.cancelled;
  }
  return [ordered, shipped, backordered, cancelled];
};
