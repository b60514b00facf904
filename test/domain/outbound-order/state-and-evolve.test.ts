/**
 * What the order's state says after its events: which status a closed or resumed order takes,
 * when the warehouse counts as holding the order, which warehouse is told to drop it, what makes a
 * placement the same order again, and the words a refusal uses.
 */
import { describe, expect, it } from 'vitest';
import { fold } from '../../../src/domain/kernel/decider.ts';
import {
  type OrderCommand,
  type OrderEvent,
  type OrderState,
  type Placement,
  orderStreamName,
  outboundOrder,
  reservationReference,
} from '../../../src/domain/outbound-order/index.ts';
import { specFor } from '../../support/decider-spec.ts';
import {
  articleOrder,
  articleShipment,
  at,
  atTheWms,
  cancelOrder,
  line,
  placeOrder,
  placed,
  placedAndReserved,
  progress,
  pushFailed,
  recordShipment,
  reroute,
  resolve,
  retryNow,
  stockShort,
  twoLineOrder,
  wmsShort,
} from './order-fixtures.ts';

const { given } = specFor(outboundOrder);

/** The history, followed by the events each command decides in turn. */
const lifeOf = (commands: readonly OrderCommand[], history: readonly OrderEvent[] = []): OrderEvent[] =>
  commands.reduce<OrderEvent[]>(
    (events, command) => [...events, ...outboundOrder.decide(command, fold(outboundOrder, events))],
    [...history],
  );
const stateAfter = (commands: readonly OrderCommand[], history: readonly OrderEvent[] = []): OrderState =>
  fold(outboundOrder, lifeOf(commands, history));
const decidedAfter = (commands: readonly OrderCommand[], command: OrderCommand): readonly OrderEvent[] =>
  outboundOrder.decide(command, stateAfter(commands));
const ofType = <T extends OrderEvent['type']>(events: readonly OrderEvent[], type: T) =>
  events.filter((event): event is Extract<OrderEvent, { type: T }> => event.type === type);

describe('an order that was never placed', () => {
  it('is nothing yet: no number, no warehouse, no lines, nothing pushed, and a policy that grants nothing', () => {
    expect(outboundOrder.initialState).toMatchObject({
      status: 'NONE',
      orderNo: '',
      placementKey: '',
      warehouseCode: '',
      priority: 'NORMAL',
      timeRequirement: 'STANDARD',
      policy: { allowPartialShip: false, allowCancel: false },
      lines: [],
      pushedTo: [],
      outboundNo: null,
      progress: 0,
    });
  });

  it('refuses anything but placing, saying there is no such order', () => {
    const refusal = given([]).when(cancelOrder()).thenRefused('ORDER_NOT_FOUND');
    expect(refusal.message).toBe('no such order');
  });
});

describe('the names under which an order is stored', () => {
  it('are order-<orderNo> for its stream and <orderNo>/R<round> for a reservation round, and never change', () => {
    expect(orderStreamName('OMS202511220001')).toBe('order-OMS202511220001');
    expect(reservationReference('OMS202511220001', 2)).toBe('OMS202511220001/R2');
  });
});

describe('closing an order once nothing is open', () => {
  it('ends CANCELLED, not BACKORDERED, when part went to backorder and the rest was cancelled', () => {
    const state = stateAfter([
      placeOrder(twoLineOrder({ allowPartialShip: true, allowCancel: false })),
      stockShort([{ sku: 'SKU001', requested: 2, available: 0 }]),
      cancelOrder(),
    ]);
    expect(state.status).toBe('CANCELLED');
    expect(state.lines.map((l) => [l.sku, l.backordered, l.cancelled])).toEqual([
      ['SKU001', 2, 0],
      ['SKU002', 0, 3],
    ]);
  });
});

describe('resolving a manual intervention', () => {
  it('puts an order the warehouse is picking back IN_PROGRESS', () => {
    const stuck = stateAfter([progress('PICKING'), wmsShort([line('SKU001', 2)])], atTheWms());
    expect([stuck.status, stuck.progress]).toEqual(['MANUAL_INTERVENTION', 1]);
    expect(stateAfter([progress('PICKING'), wmsShort([line('SKU001', 2)]), resolve('WMS202511220001')], atTheWms()).status).toBe(
      'IN_PROGRESS',
    );
  });

  it('puts an order that already shipped part back PARTIALLY_SHIPPED', () => {
    const strict = atTheWms(twoLineOrder({ allowPartialShip: false, allowCancel: false }));
    const stuck = lifeOf([recordShipment(articleShipment({ items: [line('SKU001', 2)] })), wmsShort([line('SKU002', 3)])], strict);
    expect(fold(outboundOrder, stuck).status).toBe('MANUAL_INTERVENTION');
    expect(stateAfter([resolve('WMS202511220001')], stuck).status).toBe('PARTIALLY_SHIPPED');
  });
});

describe('a cancellation remembers its request', () => {
  it('a request id used by a cancellation is recognised when it comes again, even as another request', () => {
    const history = lifeOf([cancelOrder('cancel-1')], placedAndReserved());
    expect(fold(outboundOrder, history).status).toBe('CANCELLED');
    given(history).when(retryNow('cancel-1')).thenNothing();
    given(history).when(retryNow('retry-1')).thenRefused('NOTHING_TO_RETRY');
  });

  it('a cancellation by the shortage policy has no request: a request whose id is "null" is still a new request', () => {
    const history = lifeOf([
      placeOrder(articleOrder({ policy: { allowPartialShip: false, allowCancel: true } })),
      stockShort([{ sku: 'SKU001', requested: 2, available: 0 }]),
    ]);
    const cancelled = ofType(history, 'OrderCancelled');
    expect(cancelled.map((e) => e.data.requestId)).toEqual([null]);
    given(history).when(reroute('WH002', 'null')).thenRefused('ORDER_CLOSED');
  });
});

describe('the warehouse holds the order', () => {
  it('once it answered the push: cancelling then asks it to intercept', () => {
    given(atTheWms())
      .when(cancelOrder())
      .then([
        {
          type: 'CancellationRequested',
          data: {
            requestId: 'cancel-1',
            reason: 'customer changed their mind',
            requestedBy: 'customer-service',
            outboundNo: 'WMS202511220001',
            requestedAt: at(3),
          },
        },
      ]);
  });

  it('once it reports progress, even when the answer to the push was lost', () => {
    const answerLost = lifeOf([pushFailed(1, at(2))], placedAndReserved());
    expect(fold(outboundOrder, answerLost)).toMatchObject({ status: 'PUSH_FAILED', outboundNo: null });
    const picking = lifeOf([progress('PICKING', at(3))], answerLost);
    expect(fold(outboundOrder, picking)).toMatchObject({ progress: 1, outboundNo: null });
    given(picking)
      .when(cancelOrder('cancel-1', at(4)))
      .then([
        {
          type: 'CancellationRequested',
          data: {
            requestId: 'cancel-1',
            reason: 'customer changed their mind',
            requestedBy: 'customer-service',
            outboundNo: null,
            requestedAt: at(4),
          },
        },
      ]);
  });
});

describe('telling a warehouse to drop the order', () => {
  const failedPush = (placement: Placement): OrderEvent[] => lifeOf([pushFailed(1, at(2))], placedAndReserved(placement));

  it('a customer cancelling before the push answered names the warehouse the push went to', () => {
    const cancelled = ofType(outboundOrder.decide(cancelOrder(), fold(outboundOrder, failedPush(articleOrder()))), 'OrderCancelled');
    expect(cancelled.map((e) => e.data.withdrawFrom)).toEqual([{ warehouseCode: 'WH001', outboundNo: null }]);
  });

  it('the shortage policy cancelling after a push went out names that warehouse too', () => {
    const history = failedPush(articleOrder({ policy: { allowPartialShip: false, allowCancel: true } }));
    const cancelled = ofType(outboundOrder.decide(wmsShort([line('SKU001', 2)]), fold(outboundOrder, history)), 'OrderCancelled');
    expect(cancelled.map((e) => [e.data.requestId, e.data.withdrawFrom])).toEqual([[null, { warehouseCode: 'WH001', outboundNo: null }]]);
  });

  it('moving away from a warehouse a person put the order into by hand names it, with its number', () => {
    const state = stateAfter([placeOrder(), stockShort([{ sku: 'SKU001', requested: 2, available: 0 }]), resolve('WMS-BY-HAND')]);
    expect([state.status, state.outboundNo, state.pushedTo]).toEqual(['PUSHED_TO_WMS', 'WMS-BY-HAND', []]);
    const rerouted = ofType(outboundOrder.decide(wmsShort([line('SKU001', 2)], 'WH002'), state), 'OrderRerouted');
    expect(rerouted.map((e) => e.data.withdrawFrom)).toEqual([{ warehouseCode: 'WH001', outboundNo: 'WMS-BY-HAND' }]);
  });
});

describe('placing an order again', () => {
  const batched = articleOrder({
    items: [
      { sku: 'SKU001', quantity: 2, batchNo: 'BATCH001' },
      { sku: 'SKU002', quantity: 1, batchNo: 'BATCH002' },
    ],
  });

  it('is a redelivery when only the order of its items differs', () => {
    given([placed(batched)])
      .when(placeOrder({ ...batched, items: [...batched.items].reverse() }))
      .thenNothing();
  });

  it('is a redelivery when an item without a batch comes with an empty batch number', () => {
    const unbatched = articleOrder({ items: [line('SKU001', 2)] });
    given([placed(unbatched)])
      .when(placeOrder(articleOrder({ items: [{ sku: 'SKU001', quantity: 2, batchNo: '' }] })))
      .thenNothing();
  });

  it('is refused when the batches, the consignee, the shortage policy or the backorder it continues differ', () => {
    const consignee = batched.consignee;
    const different: Placement[] = [
      { ...batched, items: batched.items.map((item) => ({ ...item, batchNo: 'BATCH009' })) },
      { ...batched, items: batched.items.map((item) => line(item.sku, item.quantity)) },
      { ...batched, consignee: { ...consignee, name: '李四' } },
      { ...batched, consignee: { ...consignee, phone: '13900139000' } },
      { ...batched, consignee: { ...consignee, city: '上海市' } },
      { ...batched, consignee: { ...consignee, address: 'YY路YY号' } },
      { ...batched, policy: { allowPartialShip: false, allowCancel: true } },
      { ...batched, policy: { allowPartialShip: true, allowCancel: false } },
      { ...batched, backorderOf: 'OMS202511210009' },
    ];
    for (const placement of different) {
      given([placed(batched)])
        .when(placeOrder(placement))
        .thenRefused('ORDER_ALREADY_EXISTS');
    }
    given([placed({ ...batched, backorderOf: 'OMS202511210009' })])
      .when(placeOrder(batched))
      .thenRefused('ORDER_ALREADY_EXISTS');
  });
});

describe('what a placement may say', () => {
  it('takes every priority (HIGH, NORMAL, LOW) and every time requirement (STANDARD, EXPRESS)', () => {
    for (const priority of ['HIGH', 'NORMAL', 'LOW'] as const) {
      for (const timeRequirement of ['STANDARD', 'EXPRESS'] as const) {
        expect(decidedAfter([], placeOrder(articleOrder({ priority, timeRequirement }))).map((e) => e.type)).toEqual([
          'OrderPlaced',
          'ReservationRequested',
        ]);
      }
    }
  });

  // Each refusal names its problems in its details (the outbound order's refusal message does not repeat them).
  const problemsRefusing = (overrides: Partial<Placement>, now = at(0)) =>
    given([])
      .when(placeOrder(articleOrder(overrides), now))
      .thenRefused('INVALID_ORDER').details;

  it('names an unknown priority or time requirement with the values it takes', () => {
    expect(problemsRefusing({ priority: 'URGENT' as Placement['priority'] })).toEqual([
      { path: 'priority', message: 'must be one of HIGH, NORMAL, LOW' },
    ]);
    expect(problemsRefusing({ timeRequirement: 'SAME_DAY' as Placement['timeRequirement'] })).toEqual([
      { path: 'timeRequirement', message: 'must be one of STANDARD, EXPRESS' },
    ]);
  });

  it('names a blank consignee field and a time without an offset', () => {
    expect(problemsRefusing({ consignee: { ...articleOrder().consignee, phone: '  ' } })).toEqual([
      { path: 'consignee.phone', message: 'must not be blank' },
    ]);
    expect(problemsRefusing({}, '2025-11-22 10:00')).toEqual([{ path: 'now', message: 'must be an ISO instant with an offset' }]);
  });

  it('a resolution without the WMS order number is refused, naming it', () => {
    const stuck = lifeOf([placeOrder(), stockShort([{ sku: 'SKU001', requested: 2, available: 0 }])]);
    expect(fold(outboundOrder, stuck).status).toBe('MANUAL_INTERVENTION');
    expect(given(stuck).when(resolve('  ')).thenRefused('INVALID_COMMAND').details).toEqual([
      { path: 'outboundNo', message: 'the WMS order number must not be blank' },
    ]);
  });
});

describe('counting backorders', () => {
  it('counts each backorder an order split off up, one by one', () => {
    const backorder = (backorderNo: string): OrderEvent => ({
      type: 'BackorderCreated',
      data: {
        backorderNo,
        warehouseCode: 'WH001',
        lines: [{ sku: 'SKU001', quantity: 1 }],
        heldUnderReservation: null,
        reportedShortBy: null,
        createdAt: '2025-11-22T02:00:00.000Z',
      },
    });
    const state = fold(outboundOrder, [backorder('OMS1-BO1'), backorder('OMS1-BO2')]);
    expect(state.backorders).toBe(2);
  });
});

describe('what the order remembers of where it was', () => {
  const anomalyWith = (attempt: number | null, outboundNo: string | null, warehouseCode: string): OrderEvent => ({
    type: 'AnomalyDetected',
    data: {
      kind: 'PUSHED_TO_PREVIOUS_WAREHOUSE',
      detail: '',
      factKeys: [],
      attempt,
      shipment: null,
      outboundNo,
      warehouseCode,
      detectedAt: at(9),
    },
  });

  it('every reservation round with its warehouse, and every outbound number with the warehouse that gave it, once', () => {
    const pushedTwice: OrderEvent[] = [
      ...atTheWms(),
      { type: 'PushSucceeded', data: { attempt: 2, warehouseCode: 'WH001', outboundNo: 'WMS202511220001', pushedAt: at(3) } },
    ];
    expect(fold(outboundOrder, pushedTwice)).toMatchObject({
      rounds: [{ reservationNo: 1, warehouseCode: 'WH001' }],
      outbounds: [{ outboundNo: 'WMS202511220001', warehouseCode: 'WH001' }],
    });
  });

  it('a number accepted after the order moved, a person gave, or a shipment taught; not a number an anomaly merely mentions', () => {
    const state = fold(outboundOrder, [
      ...placedAndReserved(),
      anomalyWith(1, 'WMS-LATE', 'WH009'),
      anomalyWith(null, 'WMS-MENTIONED', 'WH008'),
      {
        type: 'ManualInterventionResolved',
        data: { requestId: 'r', outboundNo: 'WMS-HAND', note: '', resolvedBy: 'ops', resolvedAt: at(10) },
      },
    ]);
    expect(state.outbounds).toEqual([
      { outboundNo: 'WMS-LATE', warehouseCode: 'WH009' },
      { outboundNo: 'WMS-HAND', warehouseCode: 'WH001' },
    ]);
    const taught = fold(outboundOrder, [
      ...placedAndReserved(),
      ...outboundOrder.decide(recordShipment(), fold(outboundOrder, placedAndReserved())),
    ]);
    expect(taught.outbounds).toEqual([{ outboundNo: 'WMS202511220001', warehouseCode: 'WH001' }]);
  });

  it('the backorders an original numbered, less those it cancelled', () => {
    const created = (backorderNo: string): OrderEvent => ({
      type: 'BackorderCreated',
      data: {
        backorderNo,
        warehouseCode: 'WH001',
        lines: [line('SKU001', 1)],
        heldUnderReservation: null,
        reportedShortBy: null,
        createdAt: at(6),
      },
    });
    const state = fold(outboundOrder, [
      ...placedAndReserved(articleOrder({ items: [line('SKU001', 2)], policy: { allowPartialShip: true, allowCancel: false } })),
      created('OMS202511220001-BO1'),
      created('OMS202511220001-BO2'),
      {
        type: 'BackorderCancelled',
        data: {
          backorderNo: 'OMS202511220001-BO1',
          lines: [line('SKU001', 1)],
          requestId: 'q',
          reason: '',
          cancelledBy: 'ops',
          cancelledAt: at(7),
        },
      },
    ]);
    expect(state.issuedBackorders).toEqual([{ backorderNo: 'OMS202511220001-BO2', lines: [line('SKU001', 1)] }]);
    expect(state.backorders).toBe(2);
  });
});
