/**
 * The orders projection: the order list (one row per order), the order counts by status per
 * warehouse and day placed, and the quantities shipped per day. One evolve keeps them together
 * because they all follow the same per-order state, which it holds once, in the order's row: the
 * domain's own state, folded by the domain's own evolve (./order-row.ts).
 */
import { orderList } from './order-list.ts';
import { advanceOrderRow, placedRow } from './order-row.ts';
import { NOTHING, type Projection, type RowOperation, put } from './projection.ts';
import { shippedPerDay, shippedQuantities } from './shipped-per-day.ts';
import { statusCountChanges, statusCounts } from './status-counts.ts';

export const ordersProjection: Projection = {
  name: 'orders',
  // still 1: the row now follows the domain's own evolve (./order-row.ts), and over a 1,000,000-event history the
  // tables it builds are byte for byte those of the copy of its rules it replaced, so no rebuild is needed
  version: 1,
  description:
    'the order list (status, warehouse, priority, placed / pushed / shipped times, quantities, manual intervention), order counts by status per warehouse and day, quantities shipped per day',
  categories: ['order'],
  tables: [orderList, statusCounts, shippedPerDay],
  evolve: (event, read, context) => {
    if (event.category !== 'order') return NOTHING;
    if (event.type === 'OrderPlaced') {
      if (read(orderList, { orderNo: event.data.orderNo }) !== undefined) return NOTHING;
      const row = placedRow(event, context);
      return [put(orderList, row), ...statusCountChanges(null, row)];
    }
    const before = read(orderList, { orderNo: event.streamId });
    if (before === undefined) return NOTHING;
    const after = advanceOrderRow(before, event, context);
    const ops: RowOperation[] = [put(orderList, after)];
    if (after.status !== before.status || after.warehouseCode !== before.warehouseCode) ops.push(...statusCountChanges(before, after));
    if (event.type === 'ShipmentRecorded') ops.push(...shippedQuantities(event.data, before.warehouseCode, context));
    else if (event.type === 'AnomalyDetected' && event.data.shipment !== null)
      ops.push(...shippedQuantities(event.data.shipment, event.data.warehouseCode, context));
    return ops;
  },
};
