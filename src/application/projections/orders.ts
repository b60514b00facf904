/**
 * The orders projection: the order list (one row per order), the order counts by status per
 * warehouse and day placed, and the quantities shipped per day. One evolve keeps them together
 * because they all follow the same per-order state, which it holds once, in the order's row.
 */
import type { OrderEvent } from '../../domain/outbound-order/index.ts';
import { advanceOrderRow, orderList, placedRow } from './order-list.ts';
import { NOTHING, type Projection, type RowOperation, put, streamId } from './projection.ts';
import { shippedPerDay, shippedQuantities } from './shipped-per-day.ts';
import { statusCountChanges, statusCounts } from './status-counts.ts';

export const ordersProjection: Projection = {
  name: 'orders',
  version: 1,
  description:
    'the order list (status, warehouse, priority, placed / pushed / shipped times, quantities, manual intervention), order counts by status per warehouse and day, quantities shipped per day',
  categories: ['order'],
  tables: [orderList, statusCounts, shippedPerDay],
  evolve: (stored, read, context) => {
    const event = stored as unknown as OrderEvent;
    const updatedAt = stored.metadata.recordedAt;
    const revision = Number(stored.revision);
    if (event.type === 'OrderPlaced') {
      if (read(orderList, { orderNo: event.data.orderNo }) !== undefined) return NOTHING;
      const row = placedRow(event, updatedAt, revision, context);
      return [put(orderList, row), ...statusCountChanges(null, row)];
    }
    const before = read(orderList, { orderNo: streamId(stored.stream) });
    if (before === undefined) return NOTHING;
    const after = advanceOrderRow(before, event, updatedAt, revision, context);
    const ops: RowOperation[] = [put(orderList, after)];
    if (after.status !== before.status || after.warehouseCode !== before.warehouseCode) ops.push(...statusCountChanges(before, after));
    if (event.type === 'ShipmentRecorded') ops.push(...shippedQuantities(event.data, before.warehouseCode, context));
    else if (event.type === 'AnomalyDetected' && event.data.shipment !== null)
      ops.push(...shippedQuantities(event.data.shipment, event.data.warehouseCode, context));
    return ops;
  },
};
