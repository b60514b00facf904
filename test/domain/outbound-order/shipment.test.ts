import { describe, expect, it } from 'vitest';
import { outboundOrder } from '../../../src/domain/outbound-order/index.ts';
import { specFor } from '../../support/decider-spec.ts';
import {
  anomaly,
  articleShipment,
  at,
  atTheWms,
  cancellationRequested,
  line,
  picking,
  placedAndReserved,
  progress,
  recordShipment,
  shipped,
  twoLineOrder,
  withContext,
} from './order-fixtures.ts';

const { given } = specFor(outboundOrder);
const twoLines = twoLineOrder({ allowPartialShip: false, allowCancel: false });

describe('the WMS reports progress', () => {
  it('picking moves the order to IN_PROGRESS; a late or repeated report adds nothing', () => {
    const state = given(atTheWms()).when(progress('PICKING')).then([picking()]);
    expect(state.status).toBe('IN_PROGRESS');
    given([
      ...atTheWms(),
      picking(),
      { type: 'WmsProgressRecorded', data: { warehouseCode: 'WH001', stage: 'PACKED', at: at(6), recordedAt: at(6) } },
    ])
      .when(progress('PICKING', at(7)))
      .thenNothing();
  });
});

describe('the WMS confirms the shipment (docs/contracts.md#shipment-callback)', () => {
  it('records waybill, carrier, the actual items and ship time; the order is SHIPPED', () => {
    const state = given([...atTheWms(), picking()])
      .when(recordShipment())
      .then([shipped()]);
    expect(state).toMatchObject({ status: 'SHIPPED', lines: [{ sku: 'SKU001', ordered: 2, shipped: 2 }] });
  });

  it('a redelivered callback changes nothing', () => {
    given([...atTheWms(), shipped()])
      .when(recordShipment(articleShipment(), at(20)))
      .thenNothing();
  });

  it('partial confirmations: PARTIALLY_SHIPPED, then SHIPPED with the second waybill', () => {
    const first = articleShipment({ waybillNo: 'SF1', items: [line('SKU001', 2), line('SKU002', 1)] });
    const second = articleShipment({ waybillNo: 'SF2', items: [line('SKU002', 2)] });
    const partly = given(atTheWms(twoLines))
      .when(recordShipment(first))
      .then([shipped(first)]);
    expect(partly.status).toBe('PARTIALLY_SHIPPED');
    const done = given([...atTheWms(twoLines), shipped(first)])
      .when(recordShipment(second, at(11)))
      .then([shipped(second, at(11))]);
    expect(done.status).toBe('SHIPPED');
  });

  it('a shipment reported before the push answer came back is recorded and teaches the outboundNo', () => {
    const state = given(placedAndReserved()).when(recordShipment()).then([shipped()]);
    expect(state).toMatchObject({ status: 'SHIPPED', outboundNo: 'WMS202511220001' });
  });

  it('more than ordered and a SKU never ordered: recorded as shipped, raised as anomalies', () => {
    const odd = articleShipment({ items: [line('SKU001', 3), line('SKU999', 1)] });
    const state = given(atTheWms())
      .when(recordShipment(odd))
      .then([
        shipped(odd),
        anomaly('SHIPPED_MORE_THAN_ORDERED', 'waybill SF1234567890 carries SKU001×3; 2 was open', at(10)),
        anomaly('SKU_NOT_ORDERED', 'waybill SF1234567890 carries SKU999×1, never ordered', at(10)),
      ]);
    expect(state).toMatchObject({ status: 'SHIPPED', anomalies: 2, lines: [{ sku: 'SKU001', ordered: 2, shipped: 2 }] });
  });

  it('the same waybill with other items is a conflict for a person', () => {
    const changed = articleShipment({ items: [line('SKU001', 1)] });
    given([...atTheWms(), shipped()])
      .when(recordShipment(changed, at(12)))
      .then([
        anomaly('CONFLICTING_SHIPMENT', 'waybill SF1234567890 of SF was reported before with other items', at(12), {
          factKeys: ['waybill:SF.SF1234567890|SKU001=1'],
        }),
      ]);
  });

  it('one waybill number from two carriers is two shipments, even with the same items; each redelivered adds nothing', () => {
    const bySf = articleShipment({ carrier: 'SF', waybillNo: '7700001', items: [line('SKU001', 1)] });
    const byYto = articleShipment({ carrier: 'YTO', waybillNo: '7700001', items: [line('SKU001', 1)] });
    const state = given([...atTheWms(), shipped(bySf)])
      .when(recordShipment(byYto, at(11)))
      .then([shipped(byYto, at(11))]);
    expect(state).toMatchObject({ status: 'SHIPPED', lines: [{ sku: 'SKU001', ordered: 2, shipped: 2 }] });
    given([...atTheWms(), shipped(bySf), shipped(byYto, at(11))])
      .when(recordShipment(bySf, at(12)))
      .thenNothing();
    given([...atTheWms(), shipped(bySf), shipped(byYto, at(11))])
      .when(recordShipment(byYto, at(12)))
      .thenNothing();
  });

  it("another carrier's waybill of the same number with other items is no conflict, but a shipment", () => {
    const bySf = articleShipment({ carrier: 'SF', waybillNo: '7700001', items: [line('SKU001', 1)] });
    const byZto = articleShipment({ carrier: 'ZTO', waybillNo: '7700001', items: [line('SKU001', 1), line('SKU002', 2)] });
    given([...atTheWms(twoLines), shipped(bySf)])
      .when(recordShipment(byZto, at(11)))
      .then([shipped(byZto, at(11))]);
  });

  it('a waybill naming another WMS order is recorded and flagged', () => {
    const other = articleShipment({ outboundNo: 'WMS-OTHER' });
    given(atTheWms())
      .when(recordShipment(other))
      .then([
        shipped(other),
        anomaly('OUTBOUND_NO_MISMATCH', 'waybill SF1234567890 names WMS order WMS-OTHER, not WMS202511220001', at(10)),
      ]);
  });

  it('shipped while a cancellation was pending: SHIPPED, with an anomaly', () => {
    const state = given([...atTheWms(), cancellationRequested()])
      .when(recordShipment())
      .then([shipped(), anomaly('SHIPPED_AFTER_CANCEL_REQUEST', 'waybill SF1234567890 shipped while a cancellation was pending', at(10))]);
    expect(state.status).toBe('SHIPPED');
  });

  it('a second waybill after the order closed is kept as an anomaly that carries the shipment', () => {
    const late = articleShipment({ waybillNo: 'SF999' });
    given([...atTheWms(), shipped()])
      .when(recordShipment(late, at(40)))
      .then([
        anomaly('SHIPPED_AFTER_CLOSE', 'waybill SF999 shipped after the order was SHIPPED', at(40), {
          factKeys: ['waybill:SF.SF999', 'waybill:SF.SF999|SKU001=2'],
          shipment: withContext(late),
        }),
      ]);
  });

  it('a shipment may name a SKU once per batch: its lines are summed per SKU', () => {
    const perBatch = articleShipment({
      items: [
        { sku: 'SKU001', quantity: 1, batchNo: 'BATCH001' },
        { sku: 'SKU001', quantity: 1, batchNo: 'BATCH002' },
      ],
    });
    const state = given(atTheWms())
      .when(recordShipment(perBatch))
      .then([shipped(perBatch)]);
    expect(state).toMatchObject({ status: 'SHIPPED', lines: [{ sku: 'SKU001', ordered: 2, shipped: 2 }] });
  });

  it('refuses a blank SKU or a quantity that is not a positive whole number, naming the field', () => {
    const refusal = given(atTheWms())
      .when(recordShipment(articleShipment({ items: [line(' ', 1), line('SKU001', 0)] })))
      .thenRefused('INVALID_COMMAND');
    expect(refusal.details.map((d) => d.path)).toEqual(['items[0].sku', 'items[1].quantity']);
  });

  it('refuses a malformed report (no items, blank waybill)', () => {
    given(atTheWms())
      .when(recordShipment(articleShipment({ items: [] })))
      .thenRefused('INVALID_COMMAND');
    given(atTheWms())
      .when(recordShipment(articleShipment({ waybillNo: '' })))
      .thenRefused('INVALID_COMMAND');
  });
});
