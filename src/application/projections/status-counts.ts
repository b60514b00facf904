/**
 * Orders by status, per warehouse and per day the order was placed (in the reporting zone): how
 * many of Monday's orders at WH001 have shipped, how many are stuck. Kept by the orders
 * projection, which knows each order's status before and after every event: the counts move with
 * the orders, one out of the old cell and one into the new.
 */
import type { OrderStatus } from '../../domain/outbound-order/index.ts';
import { type RowOperation, add, table } from './projection.ts';

export type StatusCountRow = Readonly<{ warehouseCode: string; day: string; status: string; orders: number }>;

export const statusCounts = table<StatusCountRow, 'warehouseCode' | 'day' | 'status'>({
  name: 'order_status_counts',
  columns: { warehouseCode: 'text', day: 'text', status: 'text', orders: 'integer' },
  key: ['warehouseCode', 'day', 'status'],
});

export type CountedOrder = Readonly<{ warehouseCode: string; placedDay: string; status: string }>;

/** The count changes when an order moves (its status or its warehouse); none when it stays. */
export const statusCountChanges = (before: CountedOrder | null, after: CountedOrder): readonly RowOperation[] => {
  if (
    before !== null &&
    before.status === after.status &&
    before.warehouseCode === after.warehouseCode &&
    before.placedDay === after.placedDay
  ) {
    return [];
  }
  const into = add(statusCounts, { warehouseCode: after.warehouseCode, day: after.placedDay, status: after.status }, { orders: 1 });
  if (before === null) return [into];
  return [add(statusCounts, { warehouseCode: before.warehouseCode, day: before.placedDay, status: before.status }, { orders: -1 }), into];
};

/** The statuses an order can be seen in. */
export const orderStatuses: readonly [OrderStatus, ...OrderStatus[]] = [
  'CREATED',
  'RESERVED',
  'PUSH_FAILED',
  'PUSHED_TO_WMS',
  'IN_PROGRESS',
  'PARTIALLY_SHIPPED',
  'CANCEL_REQUESTED',
  'MANUAL_INTERVENTION',
  'SHIPPED',
  'CANCELLED',
  'BACKORDERED',
];
