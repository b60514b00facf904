import { describe, expect, it } from 'vitest';
import { backorderQueue, backorderQueueProjection } from '../../../src/application/projections/backorder-queue.ts';
import type { OrderEvent } from '../../../src/domain/outbound-order/index.ts';
import { orderStreamName } from '../../../src/domain/outbound-order/index.ts';
import { articleOrder, articleShipment, at, atTheWms, line, placed, shipped } from '../../domain/outbound-order/order-fixtures.ts';
import { EventLog, project, rowsOf } from './projection-harness.ts';

const order = articleOrder({ items: [line('SKU001', 2), line('SKU002', 3)], policy: { allowPartialShip: true, allowCancel: false } });
const stream = orderStreamName(order.orderNo);
const shortOfSku002: OrderEvent[] = [
  {
    type: 'StockShortageDetected',
    data: { source: 'WMS', warehouseCode: 'WH001', lines: [line('SKU002', 3)], reportKey: 'k', detectedAt: at(6) },
  },
  {
    type: 'BackorderCreated',
    data: {
      backorderNo: 'OMS202511220001-BO1',
      warehouseCode: 'WH001',
      lines: [line('SKU002', 3)],
      heldUnderReservation: 1,
      reportedShortBy: 'WH001',
      createdAt: at(6),
    },
  },
];
const queue = (log: EventLog) => rowsOf(project(backorderQueueProjection, log.all()), backorderQueue.name);

describe('backorder queue: what is owed, to whom, since when', () => {
  it('a warehouse short of one line: the rest ships, the short line is owed against the order from that moment', () => {
    const log = new EventLog().add(stream, ...atTheWms(order), ...shortOfSku002, shipped(articleShipment({ items: [line('SKU001', 2)] })));
    expect(queue(log)).toEqual([
      {
        backorderNo: 'OMS202511220001-BO1',
        orderNo: 'OMS202511220001',
        warehouseCode: 'WH001',
        lines: [{ sku: 'SKU002', quantity: 3 }],
        quantity: 3,
        since: at(6),
        sinceMs: Date.parse(at(6)),
      },
    ]);
  });

  it('once the backorder is placed as an order of its own, it is no longer waiting', () => {
    const backorder = articleOrder({ orderNo: 'OMS202511220001-BO1', items: [line('SKU002', 3)], backorderOf: 'OMS202511220001' });
    const log = new EventLog()
      .add(stream, ...atTheWms(order), ...shortOfSku002)
      .add(orderStreamName(backorder.orderNo), placed(backorder, at(30)));
    expect(queue(log)).toEqual([]);
  });

  it('a backorder of an order cancelled later stays in the table: the report leaves it out by the order list', () => {
    const log = new EventLog().add(stream, ...atTheWms(order), ...shortOfSku002, {
      type: 'OrderCancelled',
      data: {
        requestId: 'c1',
        reason: 'customer',
        lines: [line('SKU001', 2)],
        warehouseCode: 'WH001',
        reservationNo: 1,
        cancelledAt: at(8),
      },
    });
    expect(queue(log).map((row) => row.backorderNo)).toEqual(['OMS202511220001-BO1']);
  });
});
