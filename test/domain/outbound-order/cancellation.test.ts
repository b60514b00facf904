import { describe, expect, it } from 'vitest';
import { outboundOrder } from '../../../src/domain/outbound-order/index.ts';
import type { OrderEvent } from '../../../src/domain/outbound-order/index.ts';
import { specFor } from '../../support/decider-spec.ts';
import {
  anomaly,
  articleShipment,
  at,
  atTheWms,
  cancelOrder,
  cancellationRequested,
  failed,
  intercept,
  line,
  picking,
  placedAndReserved,
  progress,
  pushOk,
  recordShipment,
  reroute,
  retryScheduled,
  shipped,
  twoLineOrder,
  withContext,
} from './order-fixtures.ts';

const { given } = specFor(outboundOrder);
const cancelled = (
  lines: ReturnType<typeof line>[],
  reason: string,
  when: string,
  requestId: string | null = 'cancel-1',
  withdrawFrom: Readonly<{ warehouseCode: string; outboundNo: string | null }> | null = null,
  skus: readonly string[] = ['SKU001'],
): OrderEvent => ({
  type: 'OrderCancelled',
  data: { requestId, reason, lines, warehouseCode: 'WH001', reservationNo: 1, skus, withdrawFrom, cancelledAt: when },
});

describe('cancelling before the WMS has the order', () => {
  it('cancels at once and releases the reservation', () => {
    const state = given(placedAndReserved())
      .when(cancelOrder())
      .then([cancelled([line('SKU001', 2)], 'customer changed their mind', at(3))]);
    expect(state).toMatchObject({ status: 'CANCELLED', lines: [{ ordered: 2, cancelled: 2 }] });
  });

  it('a cancelled order asked again is already cancelled; a shipped one cannot be', () => {
    given([...placedAndReserved(), cancelled([line('SKU001', 2)], 'x', at(3))])
      .when(cancelOrder('cancel-2'))
      .thenNothing();
    given([...atTheWms(), shipped()])
      .when(cancelOrder())
      .thenRefused('ORDER_ALREADY_SHIPPED');
  });

  it('a push that lands after the cancel is flagged, so the warehouse can be told', () => {
    given([...placedAndReserved(), cancelled([line('SKU001', 2)], 'x', at(3))])
      .when(pushOk(1, 'WMS202511220001', 'WH001', at(4)))
      .then([
        anomaly('PUSHED_AFTER_CLOSE', 'WH001 accepted order OMS202511220001 as WMS202511220001 after it was CANCELLED', at(4), {
          factKeys: ['push:1'],
          attempt: 1,
          outboundNo: 'WMS202511220001',
        }),
      ]);
  });
});

describe('cancelling while the WMS has the order', () => {
  it('asks the WMS to intercept; intercepted → CANCELLED', () => {
    const state = given([...atTheWms(), picking()])
      .when(cancelOrder())
      .then([cancellationRequested()]);
    expect(state.status).toBe('CANCEL_REQUESTED');
    given([...atTheWms(), picking(), cancellationRequested()])
      .when(intercept('cancel-1', true))
      .then([cancelled([line('SKU001', 2)], 'intercepted by the warehouse: stopped before packing', at(4))]);
  });

  it('too late to intercept: back to where it was, and the shipment follows', () => {
    const state = given([...atTheWms(), picking(), cancellationRequested()])
      .when(intercept('cancel-1', false))
      .then([{ type: 'InterceptFailed', data: { cancelRequestId: 'cancel-1', detail: 'already handed to carrier', at: at(4) } }]);
    expect(state.status).toBe('IN_PROGRESS');
  });

  it('a partly shipped order cancels only what is still open', () => {
    const order = twoLineOrder({ allowPartialShip: false, allowCancel: false });
    const first = articleShipment({ waybillNo: 'SF1', items: [line('SKU001', 2)] });
    const history = [...atTheWms(order), shipped(first), cancellationRequested()];
    const state = given(history)
      .when(intercept('cancel-1', true))
      .then([
        cancelled([line('SKU002', 3)], 'intercepted by the warehouse: stopped before packing', at(4), 'cancel-1', null, [
          'SKU001',
          'SKU002',
        ]),
      ]);
    expect(state).toMatchObject({
      status: 'SHIPPED',
      lines: [
        { shipped: 2, cancelled: 0 },
        { shipped: 0, cancelled: 3 },
      ],
    });
  });

  it('an intercept outcome for another request, or after the fact, decides nothing', () => {
    given([...atTheWms(), cancellationRequested()])
      .when(intercept('cancel-9', true))
      .thenNothing();
    given([...atTheWms(), shipped()])
      .when(intercept('cancel-1', false))
      .thenNothing();
  });

  it('intercepted, says the WMS, after it reported the shipment: an anomaly', () => {
    given([...atTheWms(), cancellationRequested(), shipped()])
      .when(intercept('cancel-1', true))
      .then([
        anomaly('INTERCEPTED_AFTER_SHIPMENT', 'the warehouse reports order OMS202511220001 intercepted, but it shipped', at(4), {
          factKeys: ['intercept:cancel-1'],
        }),
      ]);
  });

  it('the warehouse picking or shipping a cancelled order is raised, and the shipment kept', () => {
    const history = [...atTheWms(), cancellationRequested(), cancelled([line('SKU001', 2)], 'intercepted by the warehouse', at(4))];
    given(history)
      .when(progress('PICKING', at(6)))
      .then([
        anomaly('PROGRESS_AFTER_CANCEL', 'WH001 reports PICKING on a cancelled order', at(6), { factKeys: ['progress:WH001:PICKING'] }),
      ]);
    given(history)
      .when(recordShipment())
      .then([
        anomaly('SHIPPED_AFTER_CANCEL', 'waybill SF1234567890 shipped after the order was CANCELLED', at(10), {
          factKeys: ['waybill:SF.SF1234567890', 'waybill:SF.SF1234567890|SKU001=2'],
          shipment: withContext(articleShipment()),
        }),
      ]);
  });
});

describe('rerouting by hand', () => {
  const failedOnce = [...placedAndReserved(), failed(1, at(2)), retryScheduled(2, at(3))];

  it('moves a failed order to another warehouse with a new reservation round', () => {
    const state = given(failedOnce)
      .when(reroute('WH002'))
      .then([
        {
          type: 'OrderRerouted',
          data: {
            requestId: 'reroute-1',
            fromWarehouse: 'WH001',
            toWarehouse: 'WH002',
            previousOutboundNo: null,
            previousReservationNo: 1,
            skus: ['SKU001'],
            withdrawFrom: { warehouseCode: 'WH001', outboundNo: null },
            reason: 'WH001 is down',
            reroutedAt: at(30),
          },
        },
        {
          type: 'ReservationRequested',
          data: {
            reservationNo: 2,
            warehouseCode: 'WH002',
            lines: [line('SKU001', 2)],
            supersedes: { reservationNo: 1, warehouseCode: 'WH001', skus: ['SKU001'] },
          },
        },
      ]);
    expect(state).toMatchObject({ status: 'CREATED', warehouseCode: 'WH002', push: { total: 1, roundStart: 1, nextAttemptAt: null } });
  });

  it('refuses the same warehouse, an order in flight, and a shipped one', () => {
    given(failedOnce).when(reroute('WH001')).thenRefused('SAME_WAREHOUSE');
    given(atTheWms()).when(reroute('WH002')).thenRefused('REROUTE_NOT_ALLOWED');
    given([...atTheWms(), shipped()])
      .when(reroute('WH002'))
      .thenRefused('ORDER_CLOSED');
    given(failedOnce).when(reroute('no such code!')).thenRefused('INVALID_COMMAND');
  });

  it('a push outcome from the old warehouse after a reroute is flagged', () => {
    const rerouted = outboundOrder.decide(reroute('WH002'), failedOnce.reduce(outboundOrder.evolve, outboundOrder.initialState));
    given([...failedOnce, ...rerouted])
      .when(pushOk(2, 'WMS-OLD', 'WH001', at(31)))
      .then([
        anomaly('PUSHED_TO_PREVIOUS_WAREHOUSE', 'WH001 accepted order OMS202511220001 as WMS-OLD after it moved to WH002', at(31), {
          factKeys: ['push:2'],
          attempt: 2,
          outboundNo: 'WMS-OLD',
          warehouseCode: 'WH001',
        }),
      ]);
  });
});
