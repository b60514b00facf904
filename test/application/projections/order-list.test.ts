import { describe, expect, it } from 'vitest';
import { orderList } from '../../../src/application/projections/order-list.ts';
import { ordersProjection } from '../../../src/application/projections/orders.ts';
import { statusCounts } from '../../../src/application/projections/status-counts.ts';
import { orderStreamName } from '../../../src/domain/outbound-order/index.ts';
import {
  T0,
  articleOrder,
  articleShipment,
  at,
  atTheWms,
  cancellationRequested,
  failed,
  line,
  picking,
  placed,
  placedAndReserved,
  pushed,
  retryScheduled,
  shipped,
} from '../../domain/outbound-order/order-fixtures.ts';
import { EventLog, project, rowsOf } from './projection-harness.ts';

const article = orderStreamName('OMS202511220001');
const other = orderStreamName('OMS202511220002');
const secondOrder = articleOrder({ orderNo: 'OMS202511220002', priority: 'LOW', items: [line('SKU002', 3)] });

const orderRow = (log: EventLog, orderNo = 'OMS202511220001') =>
  project(ordersProjection, log.all())
    .get(orderList.name)
    ?.get(JSON.stringify([orderNo]));
const counts = (log: EventLog) => rowsOf(project(ordersProjection, log.all()), statusCounts.name).filter((row) => row.orders !== 0);

describe('order list: one row per order', () => {
  it("the article's order, placed at 10:00 in Shanghai and shipped: SHIPPED, with the warehouse's ship time and its quantities", () => {
    const log = new EventLog()
      .add(article, ...atTheWms(), picking())
      .at(at(10))
      .add(article, shipped());
    expect(orderRow(log)).toMatchObject({
      orderNo: 'OMS202511220001',
      status: 'SHIPPED',
      warehouseCode: 'WH001',
      priority: 'HIGH',
      consignee: '张三',
      outboundNo: 'WMS202511220001',
      placedAt: T0,
      placedDay: '2025-11-22',
      pushedMs: Date.parse(at(2)),
      shippedAt: '2025-11-22T10:00:00.000+08:00',
      shippedMs: Date.parse('2025-11-22T02:00:00Z'),
      shippedDay: '2025-11-22',
      closedAt: at(10),
      ordered: 2,
      shipped: 2,
      backordered: 0,
      cancelled: 0,
      lines: [['SKU001', 2, 2, 0, 0]],
      attempts: 1,
      lastError: null,
      updatedAt: at(10),
      revision: 5,
    });
  });

  it('a push that failed shows as PUSH_FAILED with its attempts and last error', () => {
    const log = new EventLog().add(article, ...placedAndReserved(), failed(1, at(2)), retryScheduled(2, at(3)));
    expect(orderRow(log)).toMatchObject({ status: 'PUSH_FAILED', attempts: 1, lastError: 'HTTP 503', shippedAt: null });
  });

  it('a cancellation the warehouse has to intercept shows as CANCEL_REQUESTED', () => {
    const log = new EventLog().add(article, ...atTheWms(), cancellationRequested());
    expect(orderRow(log)).toMatchObject({ status: 'CANCEL_REQUESTED', statusBeforeCancel: 'PUSHED_TO_WMS' });
  });

  it('a rerouted order is listed at its new warehouse', () => {
    const log = new EventLog().add(
      article,
      ...placedAndReserved(),
      { type: 'ManualInterventionRequired', data: { reason: 'PUSH_REJECTED', detail: 'refused', at: at(3) } },
      {
        type: 'OrderRerouted',
        data: {
          requestId: 'r1',
          fromWarehouse: 'WH001',
          toWarehouse: 'WH002',
          previousOutboundNo: null,
          previousReservationNo: 1,
          reason: 'WH001 is down',
          reroutedAt: at(4),
        },
      },
    );
    expect(orderRow(log)).toMatchObject({ status: 'CREATED', warehouseCode: 'WH002', manualReason: null, manualSinceMs: null });
  });

  it('days are days in the reporting zone: placed at 17:30 UTC is the next day in Shanghai', () => {
    const log = new EventLog().add(article, placed(articleOrder(), '2025-11-22T17:30:00.000Z'));
    expect(orderRow(log)?.placedDay).toBe('2025-11-23');
    expect(
      project(ordersProjection, log.all(), 'UTC')
        .get(orderList.name)
        ?.get(JSON.stringify(['OMS202511220001']))?.placedDay,
    ).toBe('2025-11-22');
  });

  it('events of an order never placed change nothing', () => {
    const log = new EventLog().add(article, shipped(articleShipment()));
    expect(rowsOf(project(ordersProjection, log.all()), orderList.name)).toEqual([]);
  });
});

describe('status counts: orders per warehouse, day placed and status, moving with the orders', () => {
  it('two orders placed, one shipped and one waiting on a retry', () => {
    const log = new EventLog()
      .add(article, ...atTheWms())
      .add(other, placed(secondOrder), {
        type: 'ReservationRequested',
        data: { reservationNo: 1, warehouseCode: 'WH001', lines: [line('SKU002', 3)], supersedes: null },
      })
      .add(article, shipped())
      .add(
        other,
        { type: 'StockReserved', data: { reservationNo: 1, warehouseCode: 'WH001', reservedAt: at(1) } },
        failed(1, at(2)),
        retryScheduled(2, at(3)),
      );
    expect(counts(log)).toEqual([
      { warehouseCode: 'WH001', day: '2025-11-22', status: 'PUSH_FAILED', orders: 1 },
      { warehouseCode: 'WH001', day: '2025-11-22', status: 'SHIPPED', orders: 1 },
    ]);
  });

  it('a rerouted order leaves its old warehouse', () => {
    const log = new EventLog().add(
      article,
      ...placedAndReserved(),
      { type: 'ManualInterventionRequired', data: { reason: 'PUSH_REJECTED', detail: 'refused', at: at(3) } },
      {
        type: 'OrderRerouted',
        data: {
          requestId: 'r1',
          fromWarehouse: 'WH001',
          toWarehouse: 'WH002',
          previousOutboundNo: null,
          previousReservationNo: 1,
          reason: 'down',
          reroutedAt: at(4),
        },
      },
    );
    expect(counts(log)).toEqual([{ warehouseCode: 'WH002', day: '2025-11-22', status: 'CREATED', orders: 1 }]);
  });
});

describe('the moments lead times are measured by: placed, pushed, first shipped', () => {
  it("a second shipment does not move the first one; the day is the warehouse's, in the reporting zone", () => {
    const log = new EventLog().add(
      article,
      ...atTheWms(),
      shipped(articleShipment({ waybillNo: 'SF1', items: [line('SKU001', 1)], shippedAt: '2025-11-22T23:30:00+08:00' })),
      shipped(articleShipment({ waybillNo: 'SF2', items: [line('SKU001', 1)], shippedAt: '2025-11-23T09:00:00+08:00' })),
    );
    expect(orderRow(log)).toMatchObject({
      pushedMs: Date.parse(at(2)),
      shippedMs: Date.parse('2025-11-22T15:30:00Z'),
      shippedDay: '2025-11-22',
      status: 'SHIPPED',
    });
  });

  it('a reroute starts the push clock again at the new warehouse', () => {
    const log = new EventLog().add(
      article,
      ...placedAndReserved(),
      pushed(1, 'WMS1', at(2)),
      {
        type: 'OrderRerouted',
        data: {
          requestId: null,
          fromWarehouse: 'WH001',
          toWarehouse: 'WH002',
          previousOutboundNo: 'WMS1',
          previousReservationNo: 1,
          reason: 'OUT_OF_STOCK',
          reroutedAt: at(6),
        },
      },
      {
        type: 'ReservationRequested',
        data: {
          reservationNo: 2,
          warehouseCode: 'WH002',
          lines: [line('SKU001', 2)],
          supersedes: { reservationNo: 1, warehouseCode: 'WH001' },
        },
      },
      { type: 'StockReserved', data: { reservationNo: 2, warehouseCode: 'WH002', reservedAt: at(7) } },
      pushed(2, 'WMS9', at(8), 'WH002'),
    );
    expect(orderRow(log)).toMatchObject({ warehouseCode: 'WH002', pushedMs: Date.parse(at(8)), shippedMs: null });
  });

  it('an order a person keyed into the WMS counts as pushed when resolved', () => {
    const log = new EventLog().add(
      article,
      ...placedAndReserved(),
      failed(1, at(2), false),
      { type: 'ManualInterventionRequired', data: { reason: 'PUSH_REJECTED', detail: 'refused', at: at(2) } },
      {
        type: 'ManualInterventionResolved',
        data: { requestId: 'r', outboundNo: 'WMS-BY-HAND', note: '', resolvedBy: 'ops', resolvedAt: at(20) },
      },
    );
    expect(orderRow(log)).toMatchObject({ status: 'PUSHED_TO_WMS', pushedMs: Date.parse(at(20)), manualReason: null });
  });
});

describe('orders waiting for a person are marked in their row', () => {
  it('pushes exhausted: the reason, since when (also as a number, for the queue), the attempts and the last error', () => {
    const log = new EventLog().add(article, ...placedAndReserved(), failed(1, at(2)), retryScheduled(2, at(3)), failed(2, at(3)), {
      type: 'ManualInterventionRequired',
      data: { reason: 'PUSH_ATTEMPTS_EXHAUSTED', detail: 'push to WH001: 2 attempts failed: HTTP 503', at: at(3) },
    });
    expect(orderRow(log)).toMatchObject({
      status: 'MANUAL_INTERVENTION',
      manualReason: 'PUSH_ATTEMPTS_EXHAUSTED',
      manualDetail: 'push to WH001: 2 attempts failed: HTTP 503',
      manualSince: at(3),
      manualSinceMs: Date.parse(at(3)),
      attempts: 2,
      lastError: 'HTTP 503',
    });
  });

  it('a retry asked by a person clears the mark', () => {
    const log = new EventLog().add(
      article,
      ...placedAndReserved(),
      failed(1, at(2), false),
      { type: 'ManualInterventionRequired', data: { reason: 'PUSH_REJECTED', detail: 'refused', at: at(2) } },
      { type: 'RetryRequested', data: { requestId: 'r1', step: 'PUSH', newRound: true, requestedBy: 'ops', requestedAt: at(30) } },
    );
    expect(orderRow(log)).toMatchObject({ status: 'RESERVED', manualReason: null, manualSince: null, manualSinceMs: null });
  });
});
