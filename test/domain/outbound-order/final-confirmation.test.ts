/**
 * docs/contracts.md#shipment-callback, `confirmType`: a warehouse's final shipment (0) closes short
 * what it leaves open, by the order's shortage policy; an intermediate one (1), or none said, leaves
 * the order open for more.
 */
import { describe, expect, it } from 'vitest';
import type { OrderEvent, Placement } from '../../../src/domain/outbound-order/index.ts';
import { outboundOrder } from '../../../src/domain/outbound-order/index.ts';
import { specFor } from '../../support/decider-spec.ts';
import { articleOrder, articleShipment, at, atTheWms, line, recordShipment, shipped } from './order-fixtures.ts';

const { given } = specFor(outboundOrder);
const fiveOf = (policy: Placement['policy']) => articleOrder({ items: [line('SKU001', 5)], policy });
const threeOfFive = articleShipment({ items: [line('SKU001', 3)] });
const asFinal = recordShipment(threeOfFive, at(10), { final: true });
const shortOnFinal: OrderEvent = {
  type: 'StockShortageDetected',
  data: {
    source: 'WMS',
    warehouseCode: 'WH001',
    lines: [line('SKU001', 2)],
    reportKey: 'closed-short:SF.SF1234567890',
    detectedAt: at(10),
  },
};

describe('the final shipment of an order', () => {
  it('partial shipping allowed: what stayed open is backordered (kept away from the warehouse that closed it short) and released', () => {
    const state = given(atTheWms(fiveOf({ allowPartialShip: true, allowCancel: false })))
      .when(asFinal)
      .then([
        shipped(threeOfFive),
        shortOnFinal,
        {
          type: 'BackorderCreated',
          data: {
            backorderNo: 'OMS202511220001-BO1',
            warehouseCode: 'WH001',
            lines: [line('SKU001', 2)],
            heldUnderReservation: 1,
            reportedShortBy: 'WH001',
            createdAt: at(10),
          },
        },
      ]);
    expect(state).toMatchObject({ status: 'SHIPPED', lines: [{ ordered: 5, shipped: 3, backordered: 2 }] });
  });

  it('cancel allowed: what stayed open is cancelled, its reservation released; the order ends SHIPPED', () => {
    const state = given(atTheWms(fiveOf({ allowPartialShip: false, allowCancel: true })))
      .when(asFinal)
      .then([
        shipped(threeOfFive),
        shortOnFinal,
        {
          type: 'OrderCancelled',
          data: {
            requestId: null,
            reason: 'OUT_OF_STOCK: short of SKU001×2 at WH001',
            lines: [line('SKU001', 2)],
            warehouseCode: 'WH001',
            reservationNo: 1,
            skus: ['SKU001'],
            withdrawFrom: { warehouseCode: 'WH001', outboundNo: 'WMS202511220001' },
            cancelledAt: at(10),
          },
        },
      ]);
    expect(state).toMatchObject({ status: 'SHIPPED', lines: [{ shipped: 3, cancelled: 2 }] });
  });

  it('neither: a person decides (nothing is rerouted once part has shipped)', () => {
    const state = given(atTheWms(fiveOf({ allowPartialShip: false, allowCancel: false })))
      .when(asFinal)
      .then([
        shipped(threeOfFive),
        shortOnFinal,
        { type: 'ManualInterventionRequired', data: { reason: 'OUT_OF_STOCK', detail: 'short of SKU001×2 at WH001', at: at(10) } },
      ]);
    expect(state.status).toBe('MANUAL_INTERVENTION');
  });

  it('that ships everything open closes nothing short', () => {
    given(atTheWms())
      .when(recordShipment(articleShipment(), at(10), { final: true }))
      .then([shipped()]);
  });

  it('intermediate, or not said: the order stays open for the rest', () => {
    const open = given(atTheWms(fiveOf({ allowPartialShip: true, allowCancel: false })))
      .when(recordShipment(threeOfFive, at(10), { final: false }))
      .then([shipped(threeOfFive)]);
    expect(open.status).toBe('PARTIALLY_SHIPPED');
    given(atTheWms(fiveOf({ allowPartialShip: true, allowCancel: false })))
      .when(recordShipment(threeOfFive))
      .then([shipped(threeOfFive)]);
  });
});
