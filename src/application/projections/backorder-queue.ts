/**
 * The backorder queue (缺货补单, docs/architecture.md#backorders): what is still owed, against which order, since
 * when. A backorder is owed from the moment its original order numbers it (its own shortage, or one
 * of its backorders' carried over) until it is placed as an order of its own (`{orderNo}-BO{n}`,
 * with `backorderOf`) or cancelled on its original. To whom, the report reads from the order list.
 * It lists what the hub's backorder book holds, blocked backorders included (`/health`'s count).
 */
import type { Line } from '../../domain/kernel/lines.ts';
import { NOTHING, type Projection, put, remove, table } from './projection.ts';

export type BackorderRow = Readonly<{
  backorderNo: string;
  /** the customer's order the goods are owed against */
  orderNo: string;
  warehouseCode: string;
  lines: readonly Line[];
  quantity: number;
  since: string;
  sinceMs: number;
}>;

export const backorderQueue = table<BackorderRow, 'backorderNo'>({
  name: 'backorder_queue',
  columns: {
    backorderNo: 'text',
    orderNo: 'text',
    warehouseCode: 'text',
    lines: 'json',
    quantity: 'integer',
    since: 'text',
    sinceMs: 'integer',
  },
  key: ['backorderNo'],
  indexes: [['sinceMs', 'backorderNo']],
});

export const backorderQueueProjection: Projection = {
  name: 'backorder-queue',
  version: 2,
  description: 'backorders waiting for stock: what is owed, against which order, since when',
  categories: ['order'],
  tables: [backorderQueue],
  evolve: (event, read, { millisOf }) => {
    if (event.category !== 'order') return NOTHING;
    switch (event.type) {
      case 'BackorderCreated':
      case 'BackorderCarriedOver': {
        const d = event.data;
        return [
          put(backorderQueue, {
            backorderNo: d.backorderNo,
            orderNo: event.streamId,
            warehouseCode: d.warehouseCode,
            lines: d.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
            quantity: d.lines.reduce((sum, line) => sum + line.quantity, 0),
            since: d.createdAt,
            sinceMs: millisOf(d.createdAt),
          }),
        ];
      }
      case 'OrderPlaced': {
        const d = event.data;
        const placesBackorder =
          d.backorderOf !== undefined && d.backorderOf !== null && read(backorderQueue, { backorderNo: d.orderNo }) !== undefined;
        return placesBackorder ? [remove(backorderQueue, { backorderNo: d.orderNo })] : NOTHING;
      }
      case 'BackorderCancelled':
        return [remove(backorderQueue, { backorderNo: event.data.backorderNo })];
      default:
        return NOTHING;
    }
  },
};
