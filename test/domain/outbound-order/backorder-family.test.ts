/**
 * docs/architecture.md#backorders: the original order numbers every backorder of its family, so a
 * backorder of a backorder is `{orderNo}-BO2`, never `{orderNo}-BO1-BO1`; a backorder not yet placed
 * may be cancelled, on the original, with its quantities.
 */
import { describe, expect, it } from 'vitest';
import { type OrderCommand, type OrderEvent, outboundOrder } from '../../../src/domain/outbound-order/index.ts';
import { specFor } from '../../support/decider-spec.ts';
import {
  articleOrder,
  at,
  atTheWms,
  line,
  placed,
  reservationRequested,
  shipped,
  articleShipment,
  stockShort,
  wmsShort,
} from './order-fixtures.ts';

const { given } = specFor(outboundOrder);
const partial = { allowPartialShip: true, allowCancel: false };
const original = articleOrder({ orderNo: 'OMS1', items: [line('SKU001', 5)], policy: partial });
const firstBackorder = articleOrder({ orderNo: 'OMS1-BO1', items: [line('SKU001', 3)], policy: partial, backorderOf: 'OMS1' });

const carryOver = (fromOrderNo: string, owedNo: number, lines = [line('SKU001', 2)], now = at(40)): OrderCommand => ({
  type: 'CarryOverBackorder',
  data: { fromOrderNo, owedNo, warehouseCode: 'WH001', lines, reportedShortBy: 'WH001', now },
});
const cancelBackorder = (backorderNo: string, requestId = 'cb-1'): OrderCommand => ({
  type: 'CancelBackorder',
  data: { requestId, backorderNo, reason: 'the customer no longer wants it', requestedBy: 'ops', now: at(50) },
});
const backorderCreated = (
  backorderNo: string,
  lines = [line('SKU001', 3)],
  reportedShortBy: string | null = 'WH001',
  createdAt = at(6),
): OrderEvent => ({
  type: 'BackorderCreated',
  data: {
    backorderNo,
    warehouseCode: 'WH001',
    lines,
    heldUnderReservation: reportedShortBy === null ? null : 1,
    reportedShortBy,
    createdAt,
  },
});
const carriedOver = (backorderNo: string, fromOrderNo: string, owedNo: number, lines = [line('SKU001', 2)]): OrderEvent => ({
  type: 'BackorderCarriedOver',
  data: { backorderNo, fromOrderNo, owedNo, warehouseCode: 'WH001', lines, reportedShortBy: 'WH001', createdAt: at(40) },
});

describe('an original order numbers its own backorders', () => {
  it('short at the warehouse: the backorder names the warehouse that reported it, to keep it away until replenished', () => {
    given(atTheWms(original))
      .when(wmsShort([line('SKU001', 3)]))
      .then([
        {
          type: 'StockShortageDetected',
          data: {
            source: 'WMS',
            warehouseCode: 'WH001',
            lines: [line('SKU001', 3)],
            reportKey: 'shortage:WH001:SKU001=3',
            detectedAt: at(6),
          },
        },
        backorderCreated('OMS1-BO1'),
      ]);
  });

  it('short at reservation: no warehouse reported anything, the hub counted short', () => {
    given([placed(original), reservationRequested(1, [line('SKU001', 5)])])
      .when(stockShort([{ sku: 'SKU001', requested: 5, available: 2 }]))
      .then([
        {
          type: 'StockShortageDetected',
          data: {
            source: 'RESERVATION',
            warehouseCode: 'WH001',
            lines: [line('SKU001', 3)],
            reportKey: 'reservation:1',
            detectedAt: at(1),
          },
        },
        backorderCreated('OMS1-BO1', [line('SKU001', 3)], null, at(1)),
        reservationRequested(2, [line('SKU001', 2)]),
      ]);
  });
});

describe('a backorder short again owes the rest back to its original (never -BO1-BO1)', () => {
  it('the backorder records what it owes, closes if nothing is left, and names the original', () => {
    const owedBack: OrderEvent[] = [
      {
        type: 'StockShortageDetected',
        data: {
          source: 'WMS',
          warehouseCode: 'WH001',
          lines: [line('SKU001', 2)],
          reportKey: 'shortage:WH001:SKU001=2',
          detectedAt: at(6),
        },
      },
      {
        type: 'OwedToOriginal',
        data: {
          originalOrderNo: 'OMS1',
          owedNo: 1,
          warehouseCode: 'WH001',
          lines: [line('SKU001', 2)],
          heldUnderReservation: 1,
          reportedShortBy: 'WH001',
          createdAt: at(6),
        },
      },
    ];
    const state = given(atTheWms(firstBackorder))
      .when(wmsShort([line('SKU001', 2)]))
      .then(owedBack);
    expect(state).toMatchObject({ status: 'PUSHED_TO_WMS', backorders: 1, lines: [{ ordered: 3, backordered: 2 }] });
    const rest = articleShipment({ items: [line('SKU001', 1)] });
    const closed = given([...atTheWms(firstBackorder), shipped(rest)])
      .when(wmsShort([line('SKU001', 2)]))
      .then(owedBack);
    expect(closed).toMatchObject({ status: 'SHIPPED', lines: [{ ordered: 3, shipped: 1, backordered: 2 }] });
  });

  it('the original numbers it next in the family, closed or not, once per carry-over', () => {
    const closedOriginal = [...atTheWms(original), backorderCreated('OMS1-BO1', [line('SKU001', 5)])];
    const state = given(closedOriginal)
      .when(carryOver('OMS1-BO1', 1))
      .then([carriedOver('OMS1-BO2', 'OMS1-BO1', 1)]);
    expect(state).toMatchObject({
      status: 'BACKORDERED',
      backorders: 2,
      lines: [{ ordered: 5, backordered: 5 }],
      issuedBackorders: [
        { backorderNo: 'OMS1-BO1', lines: [line('SKU001', 5)] },
        { backorderNo: 'OMS1-BO2', lines: [line('SKU001', 2)] },
      ],
    });
    given([...closedOriginal, carriedOver('OMS1-BO2', 'OMS1-BO1', 1)])
      .when(carryOver('OMS1-BO2', 1, [line('SKU001', 1)]))
      .then([carriedOver('OMS1-BO3', 'OMS1-BO2', 1, [line('SKU001', 1)])]);
    given([...closedOriginal, carriedOver('OMS1-BO2', 'OMS1-BO1', 1)])
      .when(carryOver('OMS1-BO1', 1))
      .thenNothing();
  });

  it('fifteen levels deep the numbers stay short', () => {
    let history: OrderEvent[] = [...atTheWms(original), backorderCreated('OMS1-BO1', [line('SKU001', 5)])];
    for (let level = 1; level <= 15; level += 1) {
      const events = outboundOrder.decide(
        carryOver(`OMS1-BO${level}`, 1),
        history.reduce(outboundOrder.evolve, outboundOrder.initialState),
      );
      history = [...history, ...events];
    }
    expect(history.at(-1)).toMatchObject({ type: 'BackorderCarriedOver', data: { backorderNo: 'OMS1-BO16', fromOrderNo: 'OMS1-BO15' } });
  });
});

describe('a backorder not yet placed may be cancelled on its original', () => {
  const owing = [...atTheWms(original), backorderCreated('OMS1-BO1', [line('SKU001', 5)])];

  it('with its quantities; the same request again adds nothing', () => {
    const state = given(owing)
      .when(cancelBackorder('OMS1-BO1'))
      .then([
        {
          type: 'BackorderCancelled',
          data: {
            backorderNo: 'OMS1-BO1',
            lines: [line('SKU001', 5)],
            requestId: 'cb-1',
            reason: 'the customer no longer wants it',
            cancelledBy: 'ops',
            cancelledAt: at(50),
          },
        },
      ]);
    expect(state.issuedBackorders).toEqual([]);
  });

  it('one it never numbered, or cancelled already, is refused', () => {
    given(owing).when(cancelBackorder('OMS1-BO2')).thenRefused('BACKORDER_NOT_FOUND');
    const cancelled = outboundOrder.decide(cancelBackorder('OMS1-BO1'), owing.reduce(outboundOrder.evolve, outboundOrder.initialState));
    given([...owing, ...cancelled])
      .when(cancelBackorder('OMS1-BO1', 'cb-2'))
      .thenRefused('BACKORDER_NOT_FOUND');
  });
});
