import { describe, expect, it } from 'vitest';
import { outboundOrder } from '../../../src/domain/outbound-order/index.ts';
import type { OrderEvent, Placement } from '../../../src/domain/outbound-order/index.ts';
import { specFor } from '../../support/decider-spec.ts';
import {
  anomaly,
  articleShipment,
  at,
  atTheWms,
  line,
  placed,
  recordShipment,
  reservationRequested,
  retryNow,
  shipped,
  stockShort,
  twoLineOrder,
  wmsShort,
} from './order-fixtures.ts';

const { given } = specFor(outboundOrder);
const partial = twoLineOrder({ allowPartialShip: true, allowCancel: false });
const cancellable = twoLineOrder({ allowPartialShip: false, allowCancel: true });
const strict = twoLineOrder({ allowPartialShip: false, allowCancel: false });
const awaitingReservation = (placement: Placement): OrderEvent[] => [
  placed(placement),
  reservationRequested(1, [line('SKU001', 2), line('SKU002', 3)]),
];
const shortAtReservation = (lines: ReturnType<typeof line>[]): OrderEvent => ({
  type: 'StockShortageDetected',
  data: { source: 'RESERVATION', warehouseCode: 'WH001', lines, reportKey: 'reservation:1', detectedAt: at(1) },
});
const shortAtWms = (lines: ReturnType<typeof line>[], key: string): OrderEvent => ({
  type: 'StockShortageDetected',
  data: { source: 'WMS', warehouseCode: 'WH001', lines, reportKey: key, detectedAt: at(6) },
});
const backorder = (lines: ReturnType<typeof line>[], when: string, heldUnderReservation: number | null = null): OrderEvent => ({
  type: 'BackorderCreated',
  data: {
    backorderNo: 'OMS202511220001-BO1',
    warehouseCode: 'WH001',
    lines,
    heldUnderReservation,
    reportedShortBy: heldUnderReservation === null ? null : 'WH001',
    createdAt: when,
  },
});

describe('short of stock at reservation (docs/architecture.md#shortage-policy)', () => {
  const sku2Short = [
    { sku: 'SKU001', requested: 2, available: 5 },
    { sku: 'SKU002', requested: 3, available: 1 },
  ];

  it('partial ship allowed: backorder what is missing and reserve the rest', () => {
    const state = given(awaitingReservation(partial))
      .when(stockShort(sku2Short))
      .then([
        shortAtReservation([line('SKU002', 2)]),
        backorder([line('SKU002', 2)], at(1)),
        reservationRequested(2, [line('SKU001', 2), line('SKU002', 1)]),
      ]);
    expect(state).toMatchObject({
      status: 'CREATED',
      reservationNo: 2,
      lines: [{ backordered: 0 }, { sku: 'SKU002', ordered: 3, backordered: 2 }],
    });
  });

  it('partial ship allowed but nothing there at all: the whole order moves to backorder and closes', () => {
    const state = given(awaitingReservation(partial))
      .when(
        stockShort([
          { sku: 'SKU001', requested: 2, available: 0 },
          { sku: 'SKU002', requested: 3, available: 0 },
        ]),
      )
      .then([shortAtReservation([line('SKU001', 2), line('SKU002', 3)]), backorder([line('SKU001', 2), line('SKU002', 3)], at(1))]);
    expect(state.status).toBe('BACKORDERED');
  });

  it('cancel allowed: the order is cancelled, its reservation released', () => {
    const state = given(awaitingReservation(cancellable))
      .when(stockShort(sku2Short))
      .then([
        shortAtReservation([line('SKU002', 2)]),
        {
          type: 'OrderCancelled',
          data: {
            requestId: null,
            reason: 'OUT_OF_STOCK: short of SKU002×2 at WH001',
            lines: [line('SKU001', 2), line('SKU002', 3)],
            warehouseCode: 'WH001',
            reservationNo: 1,
            skus: ['SKU001', 'SKU002'],
            withdrawFrom: null,
            cancelledAt: at(1),
          },
        },
      ]);
    expect(state).toMatchObject({ status: 'CANCELLED', lines: [{ cancelled: 2 }, { cancelled: 3 }] });
  });

  it('neither: reroute to the warehouse that has the stock', () => {
    const state = given(awaitingReservation(strict))
      .when(stockShort(sku2Short, 'WH002'))
      .then([
        shortAtReservation([line('SKU002', 2)]),
        {
          type: 'OrderRerouted',
          data: {
            requestId: null,
            fromWarehouse: 'WH001',
            toWarehouse: 'WH002',
            previousOutboundNo: null,
            previousReservationNo: 1,
            skus: ['SKU001', 'SKU002'],
            withdrawFrom: null,
            reason: 'OUT_OF_STOCK: short of SKU002×2 at WH001',
            reroutedAt: at(1),
          },
        },
        reservationRequested(2, [line('SKU001', 2), line('SKU002', 3)], 'WH002'),
      ]);
    expect(state).toMatchObject({ status: 'CREATED', warehouseCode: 'WH002' });
  });

  it('no warehouse has it: a person decides; retry now tries to reserve again', () => {
    const history = [
      ...awaitingReservation(strict),
      shortAtReservation([line('SKU002', 2)]),
      { type: 'ManualInterventionRequired', data: { reason: 'OUT_OF_STOCK', detail: 'short of SKU002×2 at WH001', at: at(1) } } as const,
    ];
    given(awaitingReservation(strict)).when(stockShort(sku2Short)).then(history.slice(2));
    given(history)
      .when(retryNow())
      .then([
        {
          type: 'RetryRequested',
          data: { requestId: 'retry-1', step: 'RESERVE', newRound: true, requestedBy: 'ops', requestedAt: at(30) },
        },
        reservationRequested(2, [line('SKU001', 2), line('SKU002', 3)]),
      ]);
  });
});

describe('short of stock reported by the WMS', () => {
  it('partial ship allowed: backorder the short part; the WMS ships the rest and the order is SHIPPED', () => {
    const key = 'shortage:WH001:SKU002=2';
    given(atTheWms(partial))
      .when(wmsShort([line('SKU002', 2)]))
      .then([shortAtWms([line('SKU002', 2)], key), backorder([line('SKU002', 2)], at(6), 1)]);
    const rest = articleShipment({ items: [line('SKU001', 2), line('SKU002', 1)] });
    const state = given([...atTheWms(partial), shortAtWms([line('SKU002', 2)], key), backorder([line('SKU002', 2)], at(6), 1)])
      .when(recordShipment(rest))
      .then([shipped(rest)]);
    expect(state).toMatchObject({
      status: 'SHIPPED',
      lines: [
        { shipped: 2, backordered: 0 },
        { shipped: 1, backordered: 2 },
      ],
    });
  });

  it('a redelivered shortage report decides nothing', () => {
    const key = 'shortage:WH001:SKU002=2';
    given([...atTheWms(partial), shortAtWms([line('SKU002', 2)], key), backorder([line('SKU002', 2)], at(6), 1)])
      .when(wmsShort([line('SKU002', 2)]))
      .thenNothing();
  });

  it('reroute takes the WMS order number along, so the old warehouse can be told to cancel', () => {
    const key = 'shortage:WH001:SKU002=3';
    const state = given(atTheWms(strict))
      .when(wmsShort([line('SKU002', 3)], 'WH002'))
      .then([
        shortAtWms([line('SKU002', 3)], key),
        {
          type: 'OrderRerouted',
          data: {
            requestId: null,
            fromWarehouse: 'WH001',
            toWarehouse: 'WH002',
            previousOutboundNo: 'WMS202511220001',
            previousReservationNo: 1,
            skus: ['SKU001', 'SKU002'],
            withdrawFrom: { warehouseCode: 'WH001', outboundNo: 'WMS202511220001' },
            reason: 'OUT_OF_STOCK: short of SKU002×3 at WH001',
            reroutedAt: at(6),
          },
        },
        reservationRequested(2, [line('SKU001', 2), line('SKU002', 3)], 'WH002'),
      ]);
    expect(state).toMatchObject({ status: 'CREATED', warehouseCode: 'WH002', outboundNo: null });
  });

  it('a shortage for more than is open, or after the order closed, is an anomaly', () => {
    given(atTheWms())
      .when(wmsShort([line('SKU777', 1)]))
      .then([
        anomaly('SHORTAGE_NOT_OPEN', 'WH001 reports SKU777×1 short; only 0 is open', at(6), { factKeys: ['shortage:WH001:SKU777=1'] }),
      ]);
    given([...atTheWms(), shipped()])
      .when(wmsShort([line('SKU001', 1)]))
      .then([
        anomaly('SHORTAGE_AFTER_CLOSE', 'WH001 reports SKU001×1 short, but the order is SHIPPED', at(6), {
          factKeys: ['shortage:WH001:SKU001=1'],
        }),
      ]);
  });
});
