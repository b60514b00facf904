/**
 * docs/contracts.md#shipment-callback: a shipment is charged where it physically left, the
 * warehouse whose WMS gave the outbound number it names, whatever the order's current warehouse.
 */
import { describe, expect, it } from 'vitest';
import { fold } from '../../../src/domain/kernel/decider.ts';
import { type OrderCommand, type OrderEvent, outboundOrder } from '../../../src/domain/outbound-order/index.ts';
import { specFor } from '../../support/decider-spec.ts';
import {
  anomaly,
  articleShipment,
  at,
  atTheWms,
  line,
  pushOk,
  recordShipment,
  shipped,
  stockReserved,
  wmsShort,
} from './order-fixtures.ts';

const { given } = specFor(outboundOrder);

/** The article's order pushed to WH001 (WMS202511220001), short there, rerouted to WH002, reserved and pushed there (WMS-B). */
const lifeUntilMovedToWh002 = (): OrderEvent[] => {
  const commands: OrderCommand[] = [wmsShort([line('SKU001', 1)], 'WH002'), stockReserved(2, at(7)), pushOk(2, 'WMS-B', 'WH002', at(8))];
  return commands.reduce<OrderEvent[]>(
    (history, command) => [...history, ...outboundOrder.decide(command, fold(outboundOrder, history))],
    atTheWms(),
  );
};

describe('a shipment from the warehouse the order moved away from', () => {
  it('the order moves back there: the new warehouse is told to drop it and releases its round; the shipment is charged to the old one', () => {
    const history = lifeUntilMovedToWh002();
    expect(fold(outboundOrder, history)).toMatchObject({ status: 'PUSHED_TO_WMS', warehouseCode: 'WH002', outboundNo: 'WMS-B' });
    const state = given(history)
      .when(recordShipment())
      .then([
        {
          type: 'OrderRerouted',
          data: {
            requestId: null,
            fromWarehouse: 'WH002',
            toWarehouse: 'WH001',
            previousOutboundNo: 'WMS-B',
            previousReservationNo: 2,
            skus: ['SKU001'],
            withdrawFrom: { warehouseCode: 'WH002', outboundNo: 'WMS-B' },
            reason: 'WH001 shipped its outbound order WMS202511220001 after the order moved to WH002',
            reroutedAt: at(10),
          },
        },
        shipped(articleShipment(), at(10), { warehouseCode: 'WH001', reservationNo: 1 }),
      ]);
    expect(state).toMatchObject({ status: 'SHIPPED', warehouseCode: 'WH001', outboundNo: 'WMS202511220001' });
  });

  it('after the order closed there, it is still charged to the warehouse it left', () => {
    const history = [
      ...lifeUntilMovedToWh002(),
      shipped(articleShipment({ outboundNo: 'WMS-B', waybillNo: 'SF2' }), at(9), { warehouseCode: 'WH002', reservationNo: 2 }),
    ];
    given(history)
      .when(recordShipment())
      .then([
        anomaly('SHIPPED_AFTER_CLOSE', 'waybill SF1234567890 shipped after the order was SHIPPED', at(10), {
          factKeys: ['waybill:SF.SF1234567890', 'waybill:SF.SF1234567890|SKU001=2'],
          outboundNo: 'WMS-B',
          warehouseCode: 'WH002',
          shipment: { ...articleShipment(), warehouseCode: 'WH001', reservationNo: 1, consignee: fold(outboundOrder, history).consignee },
        }),
      ]);
  });

  it('an outbound number no warehouse gave is charged to the current warehouse, as an anomaly', () => {
    const unknown = articleShipment({ outboundNo: 'WMS-X' });
    given(lifeUntilMovedToWh002())
      .when(recordShipment(unknown))
      .then([
        shipped(unknown, at(10), { warehouseCode: 'WH002', reservationNo: 2 }),
        anomaly('OUTBOUND_NO_MISMATCH', 'waybill SF1234567890 names WMS order WMS-X, not WMS-B', at(10), {
          outboundNo: 'WMS-B',
          warehouseCode: 'WH002',
        }),
      ]);
  });

  it('a warehouse that accepted the order after it moved is remembered: what it ships is charged to it', () => {
    const history = [...atTheWms(), ...outboundOrder.decide(wmsShort([line('SKU001', 1)], 'WH002'), fold(outboundOrder, atTheWms()))];
    const late = outboundOrder.decide(pushOk(2, 'WMS-LATE', 'WH001', at(7)), fold(outboundOrder, history));
    expect(late).toMatchObject([{ type: 'AnomalyDetected', data: { kind: 'PUSHED_TO_PREVIOUS_WAREHOUSE', outboundNo: 'WMS-LATE' } }]);
    const fromLate = articleShipment({ outboundNo: 'WMS-LATE' });
    const events = outboundOrder.decide(recordShipment(fromLate), fold(outboundOrder, [...history, ...late]));
    expect(events.map((event) => event.type)).toEqual(['OrderRerouted', 'ShipmentRecorded']);
    expect(events[1]).toMatchObject({ data: { warehouseCode: 'WH001', reservationNo: 1 } });
  });
});

describe('a late push answer after the order shipped', () => {
  it('from the warehouse it shipped from changes nothing; from another, that warehouse holds an order it must drop', () => {
    const history = [...lifeUntilMovedToWh002(), ...outboundOrder.decide(recordShipment(), fold(outboundOrder, lifeUntilMovedToWh002()))];
    given(history)
      .when(pushOk(3, 'WMS202511220001', 'WH001', at(20)))
      .thenNothing();
    given(history)
      .when(pushOk(3, 'WMS-C', 'WH002', at(20)))
      .then([
        anomaly('PUSHED_AFTER_CLOSE', 'WH002 accepted order OMS202511220001 as WMS-C after it was SHIPPED', at(20), {
          factKeys: ['push:3'],
          attempt: 3,
          outboundNo: 'WMS-C',
          warehouseCode: 'WH002',
        }),
      ]);
  });
});
