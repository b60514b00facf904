/**
 * What left the warehouses: quantity per day (the warehouse's ship time, in the reporting zone),
 * warehouse and SKU, and the number of waybills that carried it. A shipment reported after the
 * order closed (recorded as an anomaly) left all the same, so it counts. Kept by the orders
 * projection, which knows the warehouse of each order (a shipment report does not say it).
 */
import { totalsBySku } from '../../domain/kernel/lines.ts';
import type { Shipment } from '../../domain/outbound-order/index.ts';
import { type ProjectionContext, type RowOperation, add, table } from './projection.ts';

export type ShippedPerDayRow = Readonly<{ day: string; warehouseCode: string; sku: string; quantity: number; shipments: number }>;

export const shippedPerDay = table<ShippedPerDayRow, 'day' | 'warehouseCode' | 'sku'>({
  name: 'shipped_per_day',
  columns: { day: 'text', warehouseCode: 'text', sku: 'text', quantity: 'integer', shipments: 'integer' },
  key: ['day', 'warehouseCode', 'sku'],
  indexes: [['sku', 'day']],
});

/** The quantities a shipment adds, per SKU, on its day at its warehouse. */
export const shippedQuantities = (shipment: Shipment, warehouseCode: string, { dayOf }: ProjectionContext): RowOperation[] => {
  const day = dayOf(shipment.shippedAt);
  return [...totalsBySku(shipment.items)].map(([sku, quantity]) =>
    add(shippedPerDay, { day, warehouseCode, sku }, { quantity, shipments: 1 }),
  );
};
