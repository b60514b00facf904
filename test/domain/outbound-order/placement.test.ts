import { describe, expect, it } from 'vitest';
import { outboundOrder } from '../../../src/domain/outbound-order/index.ts';
import { specFor } from '../../support/decider-spec.ts';
import { T0, articleOrder, line, placeOrder, placed, reservationRequested, stockReserved, stockShort } from './order-fixtures.ts';

const { given } = specFor(outboundOrder);

describe('placing an outbound order', () => {
  it('accepts the article’s order and asks for its stock to be reserved', () => {
    given([])
      .when(placeOrder())
      .then([placed(), reservationRequested(1, [line('SKU001', 2)])]);
  });

  it('takes the same order again as a redelivery: nothing new', () => {
    given([placed(), reservationRequested(1, [line('SKU001', 2)])])
      .when(placeOrder(articleOrder(), '2025-11-22T05:00:00Z'))
      .thenNothing();
  });

  it('refuses a different order under a number already taken', () => {
    given([placed()])
      .when(placeOrder(articleOrder({ priority: 'LOW' })))
      .thenRefused('ORDER_ALREADY_EXISTS');
  });

  it('refuses an order with no lines, a zero quantity, a repeated SKU or a blank address, naming each field', () => {
    const refusal = given([])
      .when(
        placeOrder(
          articleOrder({
            items: [line('SKU001', 0), line('SKU001', 1.5)],
            consignee: { ...articleOrder().consignee, address: ' ' },
          }),
        ),
      )
      .thenRefused('INVALID_ORDER');
    expect(refusal.details.map((d) => d.path)).toEqual(['items[0].quantity', 'items[1].sku', 'items[1].quantity', 'consignee.address']);
    given([])
      .when(placeOrder(articleOrder({ items: [] })))
      .thenRefused('INVALID_ORDER');
  });

  it('refuses a priority or time requirement outside the article’s enums', () => {
    const refusal = given([])
      .when(placeOrder(articleOrder({ priority: 'HIGH/NORMAL/LOW' as never, timeRequirement: 'SLOW' as never })))
      .thenRefused('INVALID_ORDER');
    expect(refusal.details.map((d) => d.path)).toEqual(['priority', 'timeRequirement']);
  });

  it('refuses a time without an offset', () => {
    given([]).when(placeOrder(articleOrder(), '2025-11-22T10:00:00')).thenRefused('INVALID_ORDER');
  });

  it('refuses any fact about an order it does not know', () => {
    given([]).when(stockReserved()).thenRefused('ORDER_NOT_FOUND');
  });
});

describe('reserving stock', () => {
  const history = [placed(), reservationRequested(1, [line('SKU001', 2)])];

  it('records the reservation of the current round', () => {
    given(history)
      .when(stockReserved(1))
      .then([{ type: 'StockReserved', data: { reservationNo: 1, warehouseCode: 'WH001', reservedAt: '2025-11-22T02:01:00.000Z' } }]);
  });

  it('ignores the outcome of a round that is over', () => {
    given(history).when(stockReserved(2)).thenNothing();
    given(history)
      .when(stockShort([{ sku: 'SKU001', requested: 2, available: 0 }], null, 7))
      .thenNothing();
  });

  it('a round has one outcome: once reserved, a shortage report for it is no news', () => {
    const reserved = {
      type: 'StockReserved',
      data: { reservationNo: 1, warehouseCode: 'WH001', reservedAt: '2025-11-22T02:01:00.000Z' },
    } as const;
    given([...history, reserved])
      .when(stockShort([{ sku: 'SKU001', requested: 2, available: 0 }]))
      .thenNothing();
    given([...history, reserved])
      .when(stockReserved(1))
      .thenNothing();
  });

  it('with no policy and no other warehouse, asks a person', () => {
    given(history)
      .when(stockShort([{ sku: 'SKU001', requested: 2, available: 1 }]))
      .then([
        {
          type: 'StockShortageDetected',
          data: {
            source: 'RESERVATION',
            warehouseCode: 'WH001',
            lines: [line('SKU001', 1)],
            reportKey: 'reservation:1',
            detectedAt: '2025-11-22T02:01:00.000Z',
          },
        },
        {
          type: 'ManualInterventionRequired',
          data: { reason: 'OUT_OF_STOCK', detail: 'short of SKU001×1 at WH001', at: '2025-11-22T02:01:00.000Z' },
        },
      ]);
  });

  it('uses the time the order was placed', () => {
    expect(placed().data).toMatchObject({ placedAt: T0 });
  });
});
