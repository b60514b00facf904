import { describe, expect, it } from 'vitest';
import { ordersProjection } from '../../../src/application/projections/orders.ts';
import { shippedPerDay } from '../../../src/application/projections/shipped-per-day.ts';
import { orderStreamName } from '../../../src/domain/outbound-order/index.ts';
import {
  anomaly,
  articleOrder,
  articleShipment,
  at,
  atTheWms,
  line,
  shipped,
  withContext,
} from '../../domain/outbound-order/order-fixtures.ts';
import { EventLog, project, rowsOf } from './projection-harness.ts';

const rows = (log: EventLog) => rowsOf(project(ordersProjection, log.all()), shippedPerDay.name);
const first = articleOrder({ items: [line('SKU001', 2), line('SKU002', 1)] });
const second = articleOrder({ orderNo: 'OMS202511220002', items: [line('SKU001', 5)] });

describe('shipped quantity per day, warehouse and SKU', () => {
  it('two orders shipped the same day add up per SKU; the waybills are counted', () => {
    const log = new EventLog()
      .add(
        orderStreamName(first.orderNo),
        ...atTheWms(first),
        shipped(
          articleShipment({ waybillNo: 'SF1', items: [line('SKU001', 2), line('SKU002', 1)], shippedAt: '2025-11-22T10:00:00+08:00' }),
        ),
      )
      .add(
        orderStreamName(second.orderNo),
        ...atTheWms(second),
        shipped(articleShipment({ waybillNo: 'SF2', items: [line('SKU001', 5)], shippedAt: '2025-11-22T23:59:00+08:00' })),
      );
    expect(rows(log)).toEqual([
      { day: '2025-11-22', warehouseCode: 'WH001', sku: 'SKU001', quantity: 7, shipments: 2 },
      { day: '2025-11-22', warehouseCode: 'WH001', sku: 'SKU002', quantity: 1, shipments: 1 },
    ]);
  });

  it("the day is the warehouse's ship time in the reporting zone: 00:30 in Shanghai is the next day", () => {
    const log = new EventLog().add(
      orderStreamName(second.orderNo),
      ...atTheWms(second),
      shipped(articleShipment({ items: [line('SKU001', 5)], shippedAt: '2025-11-22T16:30:00Z' })),
    );
    expect(rows(log).map((row) => row.day)).toEqual(['2025-11-23']);
  });

  it('goods that left after the order was cancelled still left: they count, at the warehouse the anomaly names', () => {
    const late = articleShipment({ waybillNo: 'SF7', items: [line('SKU001', 2)], shippedAt: '2025-11-24T09:00:00+08:00' });
    const log = new EventLog().add(
      orderStreamName(first.orderNo),
      ...atTheWms(first),
      anomaly('SHIPPED_AFTER_CANCEL', 'late', at(50), { shipment: withContext(late, { warehouseCode: 'WH002' }), warehouseCode: 'WH002' }),
    );
    expect(rows(log)).toEqual([{ day: '2025-11-24', warehouseCode: 'WH002', sku: 'SKU001', quantity: 2, shipments: 1 }]);
  });
});
