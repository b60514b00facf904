// Which requests an order refuses and when (with the sentence a person reads), what each warehouse
// report does to the order, and the shortage policy's finer rules.
import { describe, expect, it } from 'vitest';
import { fold } from '../../../src/domain/kernel/decider.ts';
import { outboundOrder } from '../../../src/domain/outbound-order/index.ts';
import type { OrderCommand, OrderEvent } from '../../../src/domain/outbound-order/index.ts';
import { reservationRound } from '../../../src/domain/outbound-order/reservation-rounds.ts';
import { initialOrderState } from '../../../src/domain/outbound-order/state.ts';
import { specFor } from '../../support/decider-spec.ts';
import {
  anomaly,
  articleOrder,
  articleShipment,
  at,
  atTheWms,
  cancelOrder,
  intercept,
  line,
  placeOrder,
  placed,
  placedAndReserved,
  policy3,
  progress,
  pushFailed,
  pushOk,
  recordShipment,
  reroute,
  reservationRequested,
  resolve,
  retryNow,
  stockReserved,
  stockShort,
  twoLineOrder,
  wmsShort,
} from './order-fixtures.ts';

const { given } = specFor(outboundOrder);

/** The events an order records when these commands are decided one after another. */
const historyOf = (...commands: OrderCommand[]): OrderEvent[] =>
  commands.reduce<OrderEvent[]>((events, command) => [...events, ...outboundOrder.decide(command, fold(outboundOrder, events))], []);

const strict = twoLineOrder({ allowPartialShip: false, allowCancel: false });
const noStock = [{ sku: 'SKU001', requested: 2, available: 0 }];
/** The article's order, strict policy: stock short at reservation, no other warehouse, so a person decides. */
const stuckBeforeTheWms = (): OrderEvent[] => historyOf(placeOrder(), stockShort(noStock));
/** The article's order, strict policy: the WMS has it (WMS202511220001) and reports it short, so a person decides. */
const stuckAtTheWms = (): OrderEvent[] => historyOf(placeOrder(), stockReserved(), pushOk(), wmsShort([line('SKU001', 2)]));
const shippedInFull = (): OrderEvent[] => historyOf(placeOrder(), stockReserved(), pushOk(), recordShipment());
/** The two-line order, strict policy: SKU001 shipped, then the WMS reports SKU002 short, so a person decides. */
const stuckPartlyShipped = (alternativeWarehouse: string | null = null): OrderEvent[] =>
  historyOf(
    placeOrder(strict),
    stockReserved(),
    pushOk(),
    recordShipment(articleShipment({ items: [line('SKU001', 2)] })),
    wmsShort([line('SKU002', 3)], alternativeWarehouse),
  );
/** The article's order moved from WH001 to WH002 after a failed push, and accepted there as WMS2. */
const movedToWh002 = (): OrderEvent[] =>
  historyOf(placeOrder(), stockReserved(), pushFailed(1, at(2), false), reroute('WH002'), stockReserved(2), pushOk(2, 'WMS2', 'WH002'));

const events = (history: readonly OrderEvent[], command: OrderCommand): readonly OrderEvent[] =>
  outboundOrder.decide(command, fold(outboundOrder, history));

describe('placing an order', () => {
  it('refuses an order that is not valid, saying which order', () => {
    const refusal = given([])
      .when(placeOrder(articleOrder({ warehouseCode: '' })))
      .thenRefused('INVALID_ORDER');
    expect(refusal.message).toBe('order OMS202511220001 is not valid');
  });

  it('refuses the same order number with different content, saying which order', () => {
    const refusal = given([placed()])
      .when(placeOrder(articleOrder({ priority: 'LOW' })))
      .thenRefused('ORDER_ALREADY_EXISTS');
    expect(refusal.message).toBe('order OMS202511220001 was already placed with different content');
  });

  it('a backorder remembers the order it was split from', () => {
    const backorder = articleOrder({ orderNo: 'OMS202511220001-BO1', backorderOf: 'OMS202511220001' });
    given([])
      .when(placeOrder(backorder))
      .then([placed(backorder), reservationRequested(1, [line('SKU001', 2)])]);
  });
});

describe('cancelling an order', () => {
  it('a cancelled order stays cancelled: a second cancellation under another request id changes nothing', () => {
    given(historyOf(placeOrder(), cancelOrder('cancel-1')))
      .when(cancelOrder('cancel-2'))
      .thenNothing();
  });

  it('refuses to cancel an order that shipped, pointing to a return', () => {
    const refusal = given(shippedInFull()).when(cancelOrder()).thenRefused('ORDER_ALREADY_SHIPPED');
    expect(refusal.message).toBe('order OMS202511220001 has shipped; start a return instead');
  });

  it('refuses to cancel an order moved to backorder in full', () => {
    const partial = articleOrder({ policy: { allowPartialShip: true, allowCancel: false } });
    const refusal = given(historyOf(placeOrder(partial), stockShort(noStock)))
      .when(cancelOrder())
      .thenRefused('ORDER_CLOSED');
    expect(refusal.message).toBe('order OMS202511220001 was moved to backorder in full');
  });
});

describe('retry now', () => {
  it('there is nothing to retry on an order the WMS accepted, and the refusal says its status', () => {
    const refusal = given(atTheWms()).when(retryNow()).thenRefused('NOTHING_TO_RETRY');
    expect(refusal.message).toBe('order OMS202511220001 is PUSHED_TO_WMS: there is nothing to retry');
  });

  it('there is nothing to retry while a cancellation is pending, even on an order that was waiting for a person', () => {
    const pending = [...stuckAtTheWms(), ...events(stuckAtTheWms(), cancelOrder())];
    const refusal = given(pending).when(retryNow()).thenRefused('NOTHING_TO_RETRY');
    expect(refusal.message).toBe('order OMS202511220001 is CANCEL_REQUESTED: there is nothing to retry');
  });

  it('will not reserve again an order the warehouse holds: reroute, cancel or wait', () => {
    const refusal = given(stuckAtTheWms()).when(retryNow()).thenRefused('WMS_HOLDS_ORDER');
    expect(refusal.message).toBe('the warehouse holds order OMS202511220001: reroute or cancel it, or wait for the warehouse');
  });
});

describe('rerouting an order', () => {
  it('refuses a warehouse code that is not valid', () => {
    const refusal = given(stuckBeforeTheWms()).when(reroute('')).thenRefused('INVALID_COMMAND');
    expect(refusal.message).toBe('warehouseCode is not valid');
    expect(refusal.details.length).toBeGreaterThan(0);
  });

  it('refuses to reroute a closed order, saying its status', () => {
    const refusal = given(shippedInFull()).when(reroute('WH002')).thenRefused('ORDER_CLOSED');
    expect(refusal.message).toBe('order OMS202511220001 is SHIPPED');
  });

  it('refuses to reroute an order that partly shipped, even when it waits for a person', () => {
    const refusal = given(stuckPartlyShipped()).when(reroute('WH002')).thenRefused('ALREADY_PARTIALLY_SHIPPED');
    expect(refusal.message).toBe('order OMS202511220001 has partly shipped from WH001');
  });

  it('an order waiting for a person, nothing shipped, moves to the other warehouse with a new reservation round', () => {
    given(stuckBeforeTheWms())
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
            withdrawFrom: null,
            reason: 'WH001 is down',
            reroutedAt: at(30),
          },
        },
        reservationRequested(2, [line('SKU001', 2)], 'WH002', 'WH001'),
      ]);
  });

  it('refuses to reroute an order with a call in flight, telling to cancel it first', () => {
    const refusal = given(atTheWms()).when(reroute('WH002')).thenRefused('REROUTE_NOT_ALLOWED');
    expect(refusal.message).toBe('order OMS202511220001 is PUSHED_TO_WMS: only a failed or stuck order can be rerouted (cancel it first)');
  });

  it('refuses to reroute to the warehouse the order is already at', () => {
    const refusal = given(stuckBeforeTheWms()).when(reroute('WH001')).thenRefused('SAME_WAREHOUSE');
    expect(refusal.message).toBe('order OMS202511220001 is already at WH001');
  });
});

describe('resolving an order by hand', () => {
  it('refuses when the order is not waiting for a person, saying its status', () => {
    const refusal = given(atTheWms()).when(resolve('WMS9')).thenRefused('NOT_IN_MANUAL_INTERVENTION');
    expect(refusal.message).toBe('order OMS202511220001 is PUSHED_TO_WMS, not waiting for a person');
  });

  it('refuses a blank WMS order number', () => {
    const refusal = given(stuckBeforeTheWms()).when(resolve(' ')).thenRefused('INVALID_COMMAND');
    expect(refusal.message).toBe('outboundNo is missing');
  });
});

describe('the outcome of a reservation round', () => {
  it('a shortfall that the available stock covers is no shortage', () => {
    given(historyOf(placeOrder(strict)))
      .when(
        stockShort([
          { sku: 'SKU001', requested: 2, available: 2 },
          { sku: 'SKU002', requested: 3, available: 5 },
        ]),
      )
      .thenNothing();
  });

  it('the first reservation round supersedes nothing', () => {
    expect(reservationRound(initialOrderState, 'WH001', [line('SKU001', 2)])).toEqual(reservationRequested(1, [line('SKU001', 2)]));
  });
});

describe('the outcome of a push', () => {
  it('refuses an acceptance for an attempt not yet made, naming the next one', () => {
    const refusal = given(placedAndReserved()).when(pushOk(3)).thenRefused('ATTEMPT_OUT_OF_SEQUENCE');
    expect(refusal.message).toBe('attempt 3 reported, but the next attempt is 1');
  });

  it('refuses a failure for an attempt not yet made, naming the next one', () => {
    const refusal = given(placedAndReserved())
      .when(pushFailed(3, at(2)))
      .thenRefused('ATTEMPT_OUT_OF_SEQUENCE');
    expect(refusal.message).toBe('attempt 3 reported, but the next attempt is 1');
  });

  it('a late acceptance of an order that shipped is no news', () => {
    given(shippedInFull()).when(pushOk(2)).thenNothing();
  });

  it('an acceptance naming the WMS order a person keyed in is no anomaly', () => {
    const history = [...stuckBeforeTheWms(), ...events(stuckBeforeTheWms(), resolve('WMS202511220001'))];
    given(history)
      .when(pushOk(1))
      .then([
        {
          type: 'PushSucceeded',
          data: { attempt: 1, warehouseCode: 'WH001', outboundNo: 'WMS202511220001', pushedAt: at(2) },
        },
      ]);
  });

  it('refuses a failure reported under a retry policy that is not valid, naming every problem', () => {
    const command: OrderCommand = {
      type: 'RecordPushFailed',
      data: {
        attempt: 1,
        warehouseCode: 'WH001',
        error: 'HTTP 503',
        retryable: true,
        policy: { ...policy3, maxAttempts: 0, baseDelayMs: 0 },
        now: at(2),
      },
    };
    const refusal = given(placedAndReserved()).when(command).thenRefused('INVALID_COMMAND');
    expect(refusal.message).toBe(
      'retry policy: maxAttempts must be a whole number of at least 1; baseDelayMs must be a whole number of at least 1',
    );
  });

  it('a failure of a push to the warehouse the order left is recorded, but schedules no retry', () => {
    given(placedAndReserved())
      .when(pushFailed(1, at(2), true, 'WH002'))
      .then([{ type: 'PushFailed', data: { attempt: 1, error: 'HTTP 503', retryable: true, failedAt: at(2) } }]);
  });

  it('a failure reported after the WMS accepted the order is recorded, but schedules no retry', () => {
    given(atTheWms())
      .when(pushFailed(2, at(3)))
      .then([{ type: 'PushFailed', data: { attempt: 2, error: 'HTTP 503', retryable: true, failedAt: at(3) } }]);
  });

  it('after retry now, a person is told how many attempts of the new round failed', () => {
    const firstRound = historyOf(
      placeOrder(),
      stockReserved(),
      pushFailed(1, at(2)),
      pushFailed(2, at(4)),
      pushFailed(3, at(8)),
      retryNow('retry-1', at(30)),
      pushFailed(4, at(31)),
      pushFailed(5, at(33)),
    );
    const decided = events(firstRound, pushFailed(6, at(40)));
    expect(decided[1]).toEqual({
      type: 'ManualInterventionRequired',
      data: { reason: 'PUSH_ATTEMPTS_EXHAUSTED', detail: 'push to WH001: 3 attempts failed: HTTP 503', at: at(40) },
    });
  });
});

describe('progress reported by the warehouse', () => {
  it('progress from the warehouse the order left is an anomaly, not progress', () => {
    given(movedToWh002())
      .when(progress('PICKING', at(40), 'WH001'))
      .then([
        anomaly('REPORT_FROM_PREVIOUS_WAREHOUSE', 'WH001 reports PICKING, but the order is at WH002', at(40), {
          factKeys: ['progress:WH001:PICKING'],
          outboundNo: 'WMS2',
        }),
      ]);
  });

  it('picking reported after packing does not move the order back', () => {
    given(historyOf(placeOrder(), stockReserved(), pushOk(), progress('PACKED', at(6))))
      .when(progress('PICKING', at(7)))
      .thenNothing();
  });

  it('packing reported after picking is recorded', () => {
    given(historyOf(placeOrder(), stockReserved(), pushOk(), progress('PICKING', at(5))))
      .when(progress('PACKED', at(7)))
      .then([{ type: 'WmsProgressRecorded', data: { warehouseCode: 'WH001', stage: 'PACKED', at: at(7), recordedAt: at(7) } }]);
  });
});

describe('a shortage reported by the warehouse', () => {
  it('a shortage from the warehouse the order left is an anomaly naming every line, and the order is not touched', () => {
    const twoLines = [line('SKU001', 2), line('SKU002', 3)];
    given(movedToWh002())
      .when(wmsShort(twoLines, null, 'WH001'))
      .then([
        anomaly('REPORT_FROM_PREVIOUS_WAREHOUSE', 'WH001 reports SKU001×2, SKU002×3 short, but the order is at WH002', at(6), {
          factKeys: ['shortage:WH001:SKU001=2,SKU002=3'],
          outboundNo: 'WMS2',
        }),
      ]);
  });

  it('while a cancellation is pending, a shortage is recorded but the shortage policy waits for the intercept', () => {
    const pending = [...atTheWms(), ...events(atTheWms(), cancelOrder())];
    const decided = events(pending, wmsShort([line('SKU001', 2)]));
    expect(decided.map((event) => event.type)).toEqual(['StockShortageDetected']);
  });
});

describe('the shortage policy (docs/architecture.md#shortage-policy)', () => {
  it('a person is told every short line', () => {
    const decided = events(
      historyOf(placeOrder(strict)),
      stockShort([
        { sku: 'SKU001', requested: 2, available: 0 },
        { sku: 'SKU002', requested: 3, available: 0 },
      ]),
    );
    expect(decided[1]).toEqual({
      type: 'ManualInterventionRequired',
      data: { reason: 'OUT_OF_STOCK', detail: 'short of SKU001×2, SKU002×3 at WH001', at: at(1) },
    });
  });

  it('an order that partly shipped is not rerouted, even when another warehouse has the stock', () => {
    const history = stuckPartlyShipped('WH002');
    expect(history.at(-1)).toEqual({
      type: 'ManualInterventionRequired',
      data: { reason: 'OUT_OF_STOCK', detail: 'short of SKU002×3 at WH001', at: at(6) },
    });
    expect(history.some((event) => event.type === 'OrderRerouted')).toBe(false);
  });

  it('the "alternative" warehouse being the order\'s own is no alternative: a person decides', () => {
    const decided = events(historyOf(placeOrder()), stockShort(noStock, 'WH001'));
    expect(decided.map((event) => event.type)).toEqual(['StockShortageDetected', 'ManualInterventionRequired']);
  });
});

describe('the outcome of an intercept', () => {
  it('an intercept outcome for an order with no pending cancellation is ignored', () => {
    given(atTheWms()).when(intercept('cancel-9', false)).thenNothing();
  });

  it('the cancellation reason carries the warehouse detail, or nothing after "intercepted by the warehouse" when there is none', () => {
    const pending = [...atTheWms(), ...events(atTheWms(), cancelOrder())];
    expect(events(pending, intercept('cancel-1', true))).toMatchObject([
      { type: 'OrderCancelled', data: { reason: 'intercepted by the warehouse: stopped before packing' } },
    ]);
    expect(
      events(pending, { type: 'RecordInterceptOutcome', data: { cancelRequestId: 'cancel-1', intercepted: true, detail: '', now: at(4) } }),
    ).toMatchObject([{ type: 'OrderCancelled', data: { reason: 'intercepted by the warehouse' } }]);
  });
});

describe('a shipment report', () => {
  it('refuses a report that is not valid', () => {
    const refusal = given(atTheWms())
      .when(recordShipment(articleShipment({ waybillNo: '' })))
      .thenRefused('INVALID_COMMAND');
    expect(refusal.message).toBe('the shipment report is not valid');
  });
});
