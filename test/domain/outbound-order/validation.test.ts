/**
 * What makes an order, a reroute or a shipment report well-formed: every identifier that becomes
 * part of a stream name or a reservation reference has a documented character set and length,
 * and a refusal names each field that is wrong.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { outboundOrder } from '../../../src/domain/outbound-order/index.ts';
import { specFor } from '../../support/decider-spec.ts';
import { articleOrder, articleShipment, atTheWms, placeOrder, recordShipment, reroute } from './order-fixtures.ts';

const { given } = specFor(outboundOrder);
const pathsOf = (refusal: { details: readonly { path: string }[] }) => refusal.details.map((d) => d.path);
/** The events placing this order decides on a new stream: placed, and its first reservation round. */
const placing = (overrides: Parameters<typeof articleOrder>[0]) =>
  outboundOrder.decide(placeOrder(articleOrder(overrides)), outboundOrder.initialState).map((e) => e.type);

describe('an order number', () => {
  test.prop([fc.string({ maxLength: 70 })])('is 1–64 letters, digits, _ . or -, and nothing else', (orderNo) => {
    const valid = /^[A-Za-z0-9_.-]{1,64}$/.test(orderNo);
    if (valid)
      given([])
        .when(placeOrder(articleOrder({ orderNo })))
        .then(expect.anything());
    else
      expect(
        pathsOf(
          given([])
            .when(placeOrder(articleOrder({ orderNo })))
            .thenRefused('INVALID_ORDER'),
        ),
      ).toContain('orderNo');
  });

  it('at its limits: 64 characters taken, 65 refused; a space, a slash or a newline anywhere refused', () => {
    expect(placing({ orderNo: 'A'.repeat(64) })).toEqual(['OrderPlaced', 'ReservationRequested']);
    for (const orderNo of ['A'.repeat(65), '', 'OMS 1', 'OMS/1', 'OMS1\n', '\nOMS1', 'x'.repeat(10) + 'é']) {
      expect(
        pathsOf(
          given([])
            .when(placeOrder(articleOrder({ orderNo })))
            .thenRefused('INVALID_ORDER'),
        ),
      ).toEqual(['orderNo']);
    }
  });
});

describe("a shipment's carrier", () => {
  it('is a code of 1–32 letters, digits, _ or - (no dot: it ends where the waybill number begins); a name or anything else is refused naming it', () => {
    for (const carrier of ['SF', 'YTO', 'J_T-1', 'C'.repeat(32)]) {
      given(atTheWms())
        .when(recordShipment(articleShipment({ carrier })))
        .then(expect.anything());
    }
    for (const carrier of ['顺丰速运', 'S.F', 'C'.repeat(33), '', ' ', 'SF 1']) {
      expect(
        pathsOf(
          given(atTheWms())
            .when(recordShipment(articleShipment({ carrier })))
            .thenRefused('INVALID_COMMAND'),
        ),
      ).toEqual(['carrier']);
    }
  });
});

describe('a warehouse code', () => {
  it('is 1–32 letters, digits, _ or - (no dot), on placing and on rerouting', () => {
    for (const warehouseCode of ['W'.repeat(33), '', 'WH.1', 'WH 1', 'WH1\n']) {
      expect(
        pathsOf(
          given([])
            .when(placeOrder(articleOrder({ warehouseCode })))
            .thenRefused('INVALID_ORDER'),
        ),
      ).toEqual(['warehouseCode']);
      expect(pathsOf(given(atTheWms()).when(reroute(warehouseCode)).thenRefused('INVALID_COMMAND'))).toEqual(['warehouseCode']);
    }
    expect(placing({ warehouseCode: 'W'.repeat(32) })).toEqual(['OrderPlaced', 'ReservationRequested']);
  });
});

describe('everything wrong at once', () => {
  it('is named field by field', () => {
    const refusal = given([])
      .when(
        placeOrder(
          articleOrder({
            orderNo: '',
            warehouseCode: 'WH.1',
            consignee: { ...articleOrder().consignee, name: ' ', address: '' },
          }),
        ),
      )
      .thenRefused('INVALID_ORDER');
    expect(pathsOf(refusal)).toEqual(['orderNo', 'warehouseCode', 'consignee.name', 'consignee.address']);
  });

  it('a shipment report with a blank waybill, or no items, is refused naming the field', () => {
    expect(
      pathsOf(
        given(atTheWms())
          .when(recordShipment(articleShipment({ waybillNo: '  ' })))
          .thenRefused('INVALID_COMMAND'),
      ),
    ).toEqual(['waybillNo']);
    expect(
      pathsOf(
        given(atTheWms())
          .when(recordShipment(articleShipment({ items: [] })))
          .thenRefused('INVALID_COMMAND'),
      ),
    ).toEqual(['items']);
  });
});
