/**
 * The outbound order's rules (docs/architecture.md#outbound-order, #requests-and-facts).
 *
 * Assumptions, named: a customer's cancellation is granted whatever `allowCancel` says — that flag,
 * like `allowPartialShip`, is the policy for stock shortages (docs/architecture.md#shortage-policy: partial ship +
 * backorder first, then cancel + release, then reroute to the warehouse the application found,
 * else a person). An order that shipped anything ends SHIPPED; its lines tell what was
 * backordered or cancelled. A manual reroute is granted only while no call is in flight (after a
 * failed push, or in manual intervention) and before anything shipped. "Resolve" means a person
 * got the order into the WMS by other means and gives its outboundNo. A shipment that carries
 * more than is open is recorded in full (stock follows what really left) and the excess is an
 * anomaly; the order's lines count only what was open.
 */
import { refuse } from '../kernel/refused.ts';
import { isInstant } from '../kernel/instant.ts';
import { type Line, type Problem, lineProblems, totalsBySku } from '../kernel/lines.ts';
import { judgePushFailure, nextAttempt } from '../kernel/push-attempts.ts';
import { retryPolicyProblems } from '../kernel/retry-policy.ts';
import {
  type CancelOrder,
  type OrderCommand,
  type PlaceOrder,
  type RecordInterceptOutcome,
  type RecordPushFailed,
  type RecordPushSucceeded,
  type RecordShipment,
  type RecordStockReserved,
  type RecordStockShort,
  type RecordWmsProgress,
  type RecordWmsShortage,
  type RerouteOrder,
  type ResolveManually,
  type RetryNow,
  priorities,
  timeRequirements,
} from './commands.ts';
import type { AnomalyDetected, AnomalyKind, OrderEvent, Shipment } from './events.ts';
import {
  alreadyApplied,
  backorderNo,
  fact,
  isTerminalOrder,
  openLines,
  openQuantity,
  orderSkus,
  type OrderState,
  placementKey,
  shipmentContext,
  withdrawalOnCancel,
  withdrawalOnReroute,
  wmsHoldsOrder,
} from './state.ts';

// Every refusal here is written one way, `return refuse(reason, message, problems?)`; a request
// that is not valid names its problems, found by one of the `…Problems` checks below. Every
// redelivery is recognised one way, `alreadyApplied(state, fact.…)`; which reservation round or
// push attempt is current is a separate rule (`awaitsRound`, `attemptPassed`).

const codePattern = /^[A-Za-z0-9_.-]{1,64}$/;
const warehousePattern = /^[A-Za-z0-9_-]{1,32}$/;
const warehouseRule = 'must be 1–32 letters, digits, _ or -';
const consigneeFields = ['name', 'phone', 'province', 'city', 'district', 'address'] as const;

/** No problem when `ok`, else the one problem at `path`. */
const problemUnless = (ok: boolean, path: string, message: string): Problem[] => (ok ? [] : [{ path, message }]);

const anomaly = (
  state: OrderState,
  kind: AnomalyKind,
  detail: string,
  at: string,
  extra: Partial<AnomalyDetected['data']> = {},
): AnomalyDetected => ({
  type: 'AnomalyDetected',
  data: {
    kind,
    detail,
    factKeys: [],
    attempt: null,
    shipment: null,
    outboundNo: state.outboundNo,
    warehouseCode: state.warehouseCode,
    detectedAt: at,
    ...extra,
  },
});

// ---------------------------------------------------------------- requests

const placementProblems = ({ data: d }: PlaceOrder): Problem[] => [
  ...problemUnless(codePattern.test(d.orderNo), 'orderNo', 'must be 1–64 letters, digits, _ . or -'),
  ...problemUnless(warehousePattern.test(d.warehouseCode), 'warehouseCode', warehouseRule),
  ...problemUnless(priorities.includes(d.priority), 'priority', `must be one of ${priorities.join(', ')}`),
  ...problemUnless(timeRequirements.includes(d.timeRequirement), 'timeRequirement', `must be one of ${timeRequirements.join(', ')}`),
  ...lineProblems(d.items, 'items'),
  ...consigneeFields.flatMap((field) => problemUnless(d.consignee[field].trim() !== '', `consignee.${field}`, 'must not be blank')),
  ...problemUnless(isInstant(d.now), 'now', 'must be an ISO instant with an offset'),
];

const rerouteProblems = ({ data: d }: RerouteOrder): Problem[] =>
  problemUnless(warehousePattern.test(d.warehouseCode), 'warehouseCode', warehouseRule);

const resolveProblems = ({ data: d }: ResolveManually): Problem[] =>
  problemUnless(d.outboundNo.trim() !== '', 'outboundNo', 'the WMS order number must not be blank');

/** A shipment may name a SKU more than once (once per batch): its items are summed per SKU. */
const shipmentProblems = ({ data: d }: RecordShipment): Problem[] => [
  ...lineProblems(d.items, 'items', { allowRepeatedSkus: true }),
  ...problemUnless(d.waybillNo.trim() !== '', 'waybillNo', 'must not be blank'),
];

const place = (command: PlaceOrder, state: OrderState): OrderEvent[] => {
  const problems = placementProblems(command);
  if (problems.length > 0) return refuse('INVALID_ORDER', `order ${command.data.orderNo} is not valid`, problems);
  const { now, backorderOf, ...placement } = command.data;
  if (state.status !== 'NONE') {
    if (state.placementKey === placementKey(command.data)) return [];
    return refuse('ORDER_ALREADY_EXISTS', `order ${placement.orderNo} was already placed with different content`);
  }
  return [
    { type: 'OrderPlaced', data: { ...placement, ...(backorderOf === undefined ? {} : { backorderOf }), placedAt: now } },
    {
      type: 'ReservationRequested',
      data: {
        reservationNo: 1,
        warehouseCode: placement.warehouseCode,
        lines: placement.items.map((item) => ({ sku: item.sku, quantity: item.quantity })),
        supersedes: null,
      },
    },
  ];
};

const cancel = (command: CancelOrder, state: OrderState): OrderEvent[] => {
  const d = command.data;
  if (alreadyApplied(state, fact.request(d.requestId)) || state.status === 'CANCELLED' || state.status === 'CANCEL_REQUESTED') {
    return [];
  }
  if (state.status === 'SHIPPED') return refuse('ORDER_ALREADY_SHIPPED', `order ${state.orderNo} has shipped; start a return instead`);
  if (state.status === 'BACKORDERED') return refuse('ORDER_CLOSED', `order ${state.orderNo} was moved to backorder in full`);
  if (wmsHoldsOrder(state)) {
    return [
      {
        type: 'CancellationRequested',
        data: { requestId: d.requestId, reason: d.reason, requestedBy: d.requestedBy, outboundNo: state.outboundNo, requestedAt: d.now },
      },
    ];
  }
  return [
    {
      type: 'OrderCancelled',
      data: {
        requestId: d.requestId,
        reason: d.reason,
        lines: openLines(state),
        warehouseCode: state.warehouseCode,
        reservationNo: state.reservationNo,
        skus: orderSkus(state),
        withdrawFrom: withdrawalOnCancel(state, d.requestId),
        cancelledAt: d.now,
      },
    },
  ];
};

const reservationRound = (state: OrderState, warehouseCode: string, lines: readonly Line[]): OrderEvent => ({
  type: 'ReservationRequested',
  data: {
    reservationNo: state.reservationNo + 1,
    warehouseCode,
    lines,
    supersedes:
      state.reservationNo === 0 ? null : { reservationNo: state.reservationNo, warehouseCode: state.warehouseCode, skus: orderSkus(state) },
  },
});

const retryNow = (command: RetryNow, state: OrderState): OrderEvent[] => {
  const d = command.data;
  if (alreadyApplied(state, fact.request(d.requestId))) return [];
  const retry = (step: 'RESERVE' | 'PUSH', newRound: boolean): OrderEvent => ({
    type: 'RetryRequested',
    data: { requestId: d.requestId, step, newRound, requestedBy: d.requestedBy, requestedAt: d.now },
  });
  if (state.status === 'PUSH_FAILED') return [retry('PUSH', false)];
  if (state.status !== 'MANUAL_INTERVENTION' || state.manual === null) {
    return refuse('NOTHING_TO_RETRY', `order ${state.orderNo} is ${state.status}: there is nothing to retry`);
  }
  if (state.manual.reason !== 'OUT_OF_STOCK') return [retry('PUSH', true)];
  if (wmsHoldsOrder(state)) {
    return refuse('WMS_HOLDS_ORDER', `the warehouse holds order ${state.orderNo}: reroute or cancel it, or wait for the warehouse`);
  }
  return [retry('RESERVE', true), reservationRound(state, state.warehouseCode, openLines(state))];
};

const rerouted = (state: OrderState, toWarehouse: string, reason: string, at: string, requestId: string | null): OrderEvent[] => [
  {
    type: 'OrderRerouted',
    data: {
      requestId,
      fromWarehouse: state.warehouseCode,
      toWarehouse,
      previousOutboundNo: state.outboundNo,
      previousReservationNo: state.reservationNo,
      skus: orderSkus(state),
      withdrawFrom: withdrawalOnReroute(state),
      reason,
      reroutedAt: at,
    },
  },
  reservationRound(state, toWarehouse, openLines(state)),
];

const reroute = (command: RerouteOrder, state: OrderState): OrderEvent[] => {
  const d = command.data;
  if (alreadyApplied(state, fact.request(d.requestId))) return [];
  const problems = rerouteProblems(command);
  if (problems.length > 0) return refuse('INVALID_COMMAND', 'warehouseCode is not valid', problems);
  if (isTerminalOrder(state)) return refuse('ORDER_CLOSED', `order ${state.orderNo} is ${state.status}`);
  if (state.lines.some((line) => line.shipped > 0)) {
    return refuse('ALREADY_PARTIALLY_SHIPPED', `order ${state.orderNo} has partly shipped from ${state.warehouseCode}`);
  }
  if (state.status !== 'PUSH_FAILED' && state.status !== 'MANUAL_INTERVENTION') {
    return refuse(
      'REROUTE_NOT_ALLOWED',
      `order ${state.orderNo} is ${state.status}: only a failed or stuck order can be rerouted (cancel it first)`,
    );
  }
  if (d.warehouseCode === state.warehouseCode) {
    return refuse('SAME_WAREHOUSE', `order ${state.orderNo} is already at ${d.warehouseCode}`);
  }
  return rerouted(state, d.warehouseCode, d.reason, d.now, d.requestId);
};

const resolve = (command: ResolveManually, state: OrderState): OrderEvent[] => {
  const d = command.data;
  if (alreadyApplied(state, fact.request(d.requestId))) return [];
  if (state.status !== 'MANUAL_INTERVENTION') {
    return refuse('NOT_IN_MANUAL_INTERVENTION', `order ${state.orderNo} is ${state.status}, not waiting for a person`);
  }
  const problems = resolveProblems(command);
  if (problems.length > 0) return refuse('INVALID_COMMAND', 'outboundNo is missing', problems);
  return [
    {
      type: 'ManualInterventionResolved',
      data: { requestId: d.requestId, outboundNo: d.outboundNo, note: d.note, resolvedBy: d.resolvedBy, resolvedAt: d.now },
    },
  ];
};

// ---------------------------------------------------------------- facts

/** docs/architecture.md#shortage-policy: partial ship + backorder, else cancel + release, else reroute, else a person. */
const applyShortagePolicy = (
  state: OrderState,
  short: readonly Line[],
  source: 'RESERVATION' | 'WMS',
  alternativeWarehouse: string | null,
  now: string,
): OrderEvent[] => {
  const detail = `short of ${short.map((line) => `${line.sku}×${line.quantity}`).join(', ')} at ${state.warehouseCode}`;
  if (state.policy.allowPartialShip) {
    const shortBySku = totalsBySku(short);
    const remaining = openLines(state)
      .map((line) => ({ sku: line.sku, quantity: line.quantity - (shortBySku.get(line.sku) ?? 0) }))
      .filter((line) => line.quantity > 0);
    const backorder: OrderEvent = {
      type: 'BackorderCreated',
      data: {
        backorderNo: backorderNo(state.orderNo, state.backorders + 1),
        warehouseCode: state.warehouseCode,
        lines: short,
        heldUnderReservation: source === 'WMS' ? state.reservationNo : null,
        createdAt: now,
      },
    };
    return source === 'RESERVATION' && remaining.length > 0
      ? [backorder, reservationRound(state, state.warehouseCode, remaining)]
      : [backorder];
  }
  if (state.policy.allowCancel) {
    return [
      {
        type: 'OrderCancelled',
        data: {
          requestId: null,
          reason: `OUT_OF_STOCK: ${detail}`,
          lines: openLines(state),
          warehouseCode: state.warehouseCode,
          reservationNo: state.reservationNo,
          skus: orderSkus(state),
          withdrawFrom: withdrawalOnCancel(state, null),
          cancelledAt: now,
        },
      },
    ];
  }
  const nothingShipped = state.lines.every((line) => line.shipped === 0);
  if (alternativeWarehouse !== null && alternativeWarehouse !== state.warehouseCode && nothingShipped) {
    return rerouted(state, alternativeWarehouse, `OUT_OF_STOCK: ${detail}`, now, null);
  }
  return [{ type: 'ManualInterventionRequired', data: { reason: 'OUT_OF_STOCK', detail, at: now } }];
};

/** The order waits for this round's outcome: it is the current round and nothing was reserved yet (older rounds are superseded). */
const awaitsRound = (state: OrderState, reservationNo: number): boolean =>
  reservationNo === state.reservationNo && state.status === 'CREATED';

const recordStockReserved = (command: RecordStockReserved, state: OrderState): OrderEvent[] => {
  const d = command.data;
  if (alreadyApplied(state, fact.reservationOutcome(d.reservationNo)) || !awaitsRound(state, d.reservationNo)) return [];
  return [{ type: 'StockReserved', data: { reservationNo: state.reservationNo, warehouseCode: state.warehouseCode, reservedAt: d.now } }];
};

const recordStockShort = (command: RecordStockShort, state: OrderState): OrderEvent[] => {
  const d = command.data;
  if (alreadyApplied(state, fact.reservationOutcome(d.reservationNo)) || !awaitsRound(state, d.reservationNo)) return [];
  const open = new Map(state.lines.map((line) => [line.sku, openQuantity(line)]));
  const short = d.shortfalls
    .map((s) => ({ sku: s.sku, quantity: Math.min(open.get(s.sku) ?? 0, Math.max(0, s.requested - Math.max(0, s.available))) }))
    .filter((line) => line.quantity > 0);
  if (short.length === 0) return [];
  return [
    {
      type: 'StockShortageDetected',
      data: {
        source: 'RESERVATION',
        warehouseCode: state.warehouseCode,
        lines: short,
        reportKey: fact.reservationOutcome(d.reservationNo),
        detectedAt: d.now,
      },
    },
    ...applyShortagePolicy(state, short, 'RESERVATION', d.alternativeWarehouse, d.now),
  ];
};

const recordWmsShortage = (command: RecordWmsShortage, state: OrderState): OrderEvent[] => {
  const d = command.data;
  const key = fact.wmsShortage(d.warehouseCode, d.lines);
  if (alreadyApplied(state, key)) return [];
  const reported = d.lines.map((line) => `${line.sku}×${line.quantity}`).join(', ');
  if (isTerminalOrder(state)) {
    return [
      anomaly(state, 'SHORTAGE_AFTER_CLOSE', `${d.warehouseCode} reports ${reported} short, but the order is ${state.status}`, d.now, {
        factKeys: [key],
      }),
    ];
  }
  if (d.warehouseCode !== state.warehouseCode) {
    return [
      anomaly(
        state,
        'REPORT_FROM_PREVIOUS_WAREHOUSE',
        `${d.warehouseCode} reports ${reported} short, but the order is at ${state.warehouseCode}`,
        d.now,
        {
          factKeys: [key],
          warehouseCode: d.warehouseCode,
        },
      ),
    ];
  }
  const open = new Map(state.lines.map((line) => [line.sku, openQuantity(line)]));
  const totals = totalsBySku(d.lines);
  const short = [...totals]
    .map(([sku, quantity]) => ({ sku, quantity: Math.min(quantity, open.get(sku) ?? 0) }))
    .filter((l) => l.quantity > 0);
  const notOpen = [...totals].filter(([sku, quantity]) => quantity > (open.get(sku) ?? 0));
  const anomalies = notOpen.map(([sku, quantity]) =>
    anomaly(state, 'SHORTAGE_NOT_OPEN', `${d.warehouseCode} reports ${sku}×${quantity} short; only ${open.get(sku) ?? 0} is open`, d.now, {
      factKeys: [key],
    }),
  );
  if (short.length === 0) return anomalies;
  const detected: OrderEvent = {
    type: 'StockShortageDetected',
    data: { source: 'WMS', warehouseCode: d.warehouseCode, lines: short, reportKey: key, detectedAt: d.now },
  };
  const policy = state.status === 'CANCEL_REQUESTED' ? [] : applyShortagePolicy(state, short, 'WMS', d.alternativeWarehouse, d.now);
  return [detected, ...anomalies, ...policy];
};

// Push attempts are numbered 1, 2, … over the order's life and made one at a time. A redelivered
// outcome is the applied fact `push:N`. Apart from redelivery, an outcome is news only for the
// next number: one at or below the latest that is not an applied fact was never made (0 or less)
// or was skipped by an outcome recorded after close, and is ignored; one beyond the next is
// refused while the order is open.

/** At or below the latest attempt: no outcome for it can be news. */
const attemptPassed = (state: OrderState, attempt: number): boolean => attempt < nextAttempt(state.push);

const notTheNextAttempt = (state: OrderState, attempt: number): string =>
  `attempt ${attempt} reported, but the next attempt is ${nextAttempt(state.push)}`;

const recordPushSucceeded = (command: RecordPushSucceeded, state: OrderState): OrderEvent[] => {
  const d = command.data;
  const outcome = fact.pushOutcome(d.attempt);
  if (alreadyApplied(state, outcome) || attemptPassed(state, d.attempt)) return [];
  const consumed = { factKeys: [outcome], attempt: d.attempt, outboundNo: d.outboundNo, warehouseCode: d.warehouseCode };
  if (isTerminalOrder(state)) {
    if (state.status === 'SHIPPED') return [];
    return [
      anomaly(
        state,
        'PUSHED_AFTER_CLOSE',
        `${d.warehouseCode} accepted order ${state.orderNo} as ${d.outboundNo} after it was ${state.status}`,
        d.now,
        consumed,
      ),
    ];
  }
  if (d.attempt !== nextAttempt(state.push)) return refuse('ATTEMPT_OUT_OF_SEQUENCE', notTheNextAttempt(state, d.attempt));
  if (d.warehouseCode !== state.warehouseCode) {
    return [
      anomaly(
        state,
        'PUSHED_TO_PREVIOUS_WAREHOUSE',
        `${d.warehouseCode} accepted order ${state.orderNo} as ${d.outboundNo} after it moved to ${state.warehouseCode}`,
        d.now,
        consumed,
      ),
    ];
  }
  const succeeded: OrderEvent = {
    type: 'PushSucceeded',
    data: { attempt: d.attempt, warehouseCode: d.warehouseCode, outboundNo: d.outboundNo, pushedAt: d.now },
  };
  if (state.outboundNo !== null && state.outboundNo !== d.outboundNo) {
    return [
      succeeded,
      anomaly(state, 'OUTBOUND_NO_MISMATCH', `the WMS answered ${d.outboundNo}; it had answered ${state.outboundNo}`, d.now),
    ];
  }
  return [succeeded];
};

const recordPushFailed = (command: RecordPushFailed, state: OrderState): OrderEvent[] => {
  const d = command.data;
  const policyProblems = retryPolicyProblems(d.policy);
  if (policyProblems.length > 0) return refuse('INVALID_COMMAND', `retry policy: ${policyProblems.join('; ')}`);
  if (alreadyApplied(state, fact.pushOutcome(d.attempt)) || isTerminalOrder(state) || attemptPassed(state, d.attempt)) return [];
  if (d.attempt !== nextAttempt(state.push)) return refuse('ATTEMPT_OUT_OF_SEQUENCE', notTheNextAttempt(state, d.attempt));
  const failed: OrderEvent = { type: 'PushFailed', data: { attempt: d.attempt, error: d.error, retryable: d.retryable, failedAt: d.now } };
  const awaitingPush = (state.status === 'RESERVED' || state.status === 'PUSH_FAILED') && d.warehouseCode === state.warehouseCode;
  if (!awaitingPush) return [failed];
  const verdict = judgePushFailure(state.push, d);
  if (verdict.kind === 'retry') return [failed, { type: 'PushRetryScheduled', data: { attempt: d.attempt + 1, dueAt: verdict.dueAt } }];
  const reason = verdict.reason === 'NOT_RETRYABLE' ? 'PUSH_REJECTED' : 'PUSH_ATTEMPTS_EXHAUSTED';
  const why = verdict.reason === 'NOT_RETRYABLE' ? 'the WMS refused it' : `${d.attempt - state.push.roundStart} attempts failed`;
  return [
    failed,
    { type: 'ManualInterventionRequired', data: { reason, detail: `push to ${d.warehouseCode}: ${why}: ${d.error}`, at: d.now } },
  ];
};

const recordProgress = (command: RecordWmsProgress, state: OrderState): OrderEvent[] => {
  const d = command.data;
  const key = fact.progress(d.warehouseCode, d.stage);
  if (alreadyApplied(state, key)) return [];
  if (state.status === 'CANCELLED') {
    return [
      anomaly(state, 'PROGRESS_AFTER_CANCEL', `${d.warehouseCode} reports ${d.stage} on a cancelled order`, d.now, { factKeys: [key] }),
    ];
  }
  if (isTerminalOrder(state)) return [];
  if (d.warehouseCode !== state.warehouseCode) {
    return [
      anomaly(
        state,
        'REPORT_FROM_PREVIOUS_WAREHOUSE',
        `${d.warehouseCode} reports ${d.stage}, but the order is at ${state.warehouseCode}`,
        d.now,
        {
          factKeys: [key],
          warehouseCode: d.warehouseCode,
        },
      ),
    ];
  }
  if ((d.stage === 'PICKING' ? 1 : 2) <= state.progress) return [];
  return [{ type: 'WmsProgressRecorded', data: { warehouseCode: d.warehouseCode, stage: d.stage, at: d.at, recordedAt: d.now } }];
};

const recordShipment = (command: RecordShipment, state: OrderState): OrderEvent[] => {
  const d = command.data;
  const problems = shipmentProblems(command);
  if (problems.length > 0) return refuse('INVALID_COMMAND', 'the shipment report is not valid', problems);
  const thisShipment = fact.shipment(d.waybillNo, d.items);
  if (alreadyApplied(state, thisShipment)) return [];
  const shipment: Shipment = {
    outboundNo: d.outboundNo,
    waybillNo: d.waybillNo,
    carrier: d.carrier,
    items: d.items,
    shippedAt: d.shippedAt,
    ...shipmentContext(state),
  };
  if (alreadyApplied(state, fact.waybill(d.waybillNo))) {
    return [
      anomaly(state, 'CONFLICTING_SHIPMENT', `waybill ${d.waybillNo} was reported before with other items`, d.now, {
        factKeys: [thisShipment],
      }),
    ];
  }
  if (isTerminalOrder(state)) {
    const kind = state.status === 'CANCELLED' ? 'SHIPPED_AFTER_CANCEL' : 'SHIPPED_AFTER_CLOSE';
    return [
      anomaly(state, kind, `waybill ${d.waybillNo} shipped after the order was ${state.status}`, d.now, {
        factKeys: [fact.waybill(d.waybillNo), thisShipment],
        shipment,
      }),
    ];
  }
  const anomalies: OrderEvent[] = [];
  if (state.outboundNo !== null && state.outboundNo !== d.outboundNo) {
    anomalies.push(
      anomaly(state, 'OUTBOUND_NO_MISMATCH', `waybill ${d.waybillNo} names WMS order ${d.outboundNo}, not ${state.outboundNo}`, d.now),
    );
  }
  for (const [sku, quantity] of totalsBySku(d.items)) {
    const line = state.lines.find((l) => l.sku === sku);
    if (line === undefined)
      anomalies.push(anomaly(state, 'SKU_NOT_ORDERED', `waybill ${d.waybillNo} carries ${sku}×${quantity}, never ordered`, d.now));
    else if (quantity > openQuantity(line)) {
      anomalies.push(
        anomaly(
          state,
          'SHIPPED_MORE_THAN_ORDERED',
          `waybill ${d.waybillNo} carries ${sku}×${quantity}; ${openQuantity(line)} was open`,
          d.now,
        ),
      );
    }
  }
  if (state.status === 'CANCEL_REQUESTED') {
    anomalies.push(
      anomaly(state, 'SHIPPED_AFTER_CANCEL_REQUEST', `waybill ${d.waybillNo} shipped while a cancellation was pending`, d.now),
    );
  }
  return [{ type: 'ShipmentRecorded', data: { ...shipment, recordedAt: d.now } }, ...anomalies];
};

const recordIntercept = (command: RecordInterceptOutcome, state: OrderState): OrderEvent[] => {
  const d = command.data;
  const key = fact.interceptOutcome(d.cancelRequestId);
  if (alreadyApplied(state, key)) return [];
  if (state.status === 'SHIPPED' && d.intercepted) {
    return [
      anomaly(state, 'INTERCEPTED_AFTER_SHIPMENT', `the warehouse reports order ${state.orderNo} intercepted, but it shipped`, d.now, {
        factKeys: [key],
      }),
    ];
  }
  if (state.status !== 'CANCEL_REQUESTED' || state.pendingCancel !== d.cancelRequestId) return [];
  if (!d.intercepted) return [{ type: 'InterceptFailed', data: { cancelRequestId: d.cancelRequestId, detail: d.detail, at: d.now } }];
  return [
    {
      type: 'OrderCancelled',
      data: {
        requestId: d.cancelRequestId,
        reason: `intercepted by the warehouse${d.detail === '' ? '' : `: ${d.detail}`}`,
        lines: openLines(state),
        warehouseCode: state.warehouseCode,
        reservationNo: state.reservationNo,
        skus: orderSkus(state),
        withdrawFrom: withdrawalOnCancel(state, d.cancelRequestId),
        cancelledAt: d.now,
      },
    },
  ];
};

export const decideOrder = (command: OrderCommand, state: OrderState): readonly OrderEvent[] => {
  if (command.type === 'PlaceOrder') return place(command, state);
  if (state.status === 'NONE') return refuse('ORDER_NOT_FOUND', 'no such order');
  switch (command.type) {
    case 'CancelOrder':
      return cancel(command, state);
    case 'RetryNow':
      return retryNow(command, state);
    case 'RerouteOrder':
      return reroute(command, state);
    case 'ResolveManually':
      return resolve(command, state);
    case 'RecordStockReserved':
      return recordStockReserved(command, state);
    case 'RecordStockShort':
      return recordStockShort(command, state);
    case 'RecordPushSucceeded':
      return recordPushSucceeded(command, state);
    case 'RecordPushFailed':
      return recordPushFailed(command, state);
    case 'RecordWmsProgress':
      return recordProgress(command, state);
    case 'RecordWmsShortage':
      return recordWmsShortage(command, state);
    case 'RecordShipment':
      return recordShipment(command, state);
    case 'RecordInterceptOutcome':
      return recordIntercept(command, state);
  }
};
