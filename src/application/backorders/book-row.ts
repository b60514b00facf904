import type { Line } from '../../domain/kernel/lines.ts';
import type { Cause } from '../commands/handle-command.ts';
import { causeOf, count, field, list, optionalText, text } from '../events/kept-row-fields.ts';
import { positionFromString, positionToString } from '../ports/event-store.ts';
import type { RowCodec } from '../ports/kept-read-model.ts';
import type { ShortReport } from './reported-short.ts';

/** A backorder owed and not yet placed, as the book keeps it (whether it is blocked is not kept: a restart tries it again). */
export type Owed = Readonly<{
  kind: 'owed';
  backorderNo: string;
  /** the original order: the one that numbered it, whose consignee and policy it takes */
  orderNo: string;
  warehouseCode: string;
  lines: readonly Line[];
  /** the event that made it owed, as the cause of its placing */
  cause: Cause;
}>;

/** The warehouses that reported a family's SKUs short, still in force (./reported-short.ts). */
export type ShortFamily = Readonly<{ kind: 'short'; orderNo: string; reports: readonly ShortReport[] }>;

export type BookRow = Owed | ShortFamily;

export const owedKey = (backorderNo: string): string => `owed:${backorderNo}`;
export const shortKey = (orderNo: string): string => `short:${orderNo}`;

const lineOf = (value: unknown): Line => {
  const batchNo = optionalText(value, 'batchNo');
  const productionDate = optionalText(value, 'productionDate');
  const expiryDate = optionalText(value, 'expiryDate');
  return {
    sku: text(field(value, 'sku'), 'sku'),
    quantity: count(field(value, 'quantity'), 'quantity'),
    ...(batchNo === undefined ? {} : { batchNo }),
    ...(productionDate === undefined ? {} : { productionDate }),
    ...(expiryDate === undefined ? {} : { expiryDate }),
  };
};

/** A row of the backorder book as JSON (positions as "commit/prepare"); read back field by field. */
export const bookRowCodec: RowCodec<BookRow> = {
  version: 1,
  encode: (row) =>
    JSON.stringify(
      row.kind === 'owed'
        ? row
        : { ...row, reports: row.reports.map((report) => ({ ...report, position: positionToString(report.position) })) },
    ),
  decode: (json) => {
    const row: unknown = JSON.parse(json);
    const kind = field(row, 'kind');
    const orderNo = text(field(row, 'orderNo'), 'orderNo');
    if (kind === 'short')
      return {
        kind,
        orderNo,
        reports: list(field(row, 'reports'), 'reports').map((report) => ({
          warehouseCode: text(field(report, 'warehouseCode'), 'warehouseCode'),
          sku: text(field(report, 'sku'), 'sku'),
          position: positionFromString(text(field(report, 'position'), 'position')),
        })),
      };
    if (kind !== 'owed') throw new TypeError(`a kept backorder row of kind ${String(kind)}`);
    return {
      kind,
      backorderNo: text(field(row, 'backorderNo'), 'backorderNo'),
      orderNo,
      warehouseCode: text(field(row, 'warehouseCode'), 'warehouseCode'),
      lines: list(field(row, 'lines'), 'lines').map(lineOf),
      cause: causeOf(field(row, 'cause')),
    };
  },
};
