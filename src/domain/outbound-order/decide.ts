/**
 * The outbound order's rules (DESIGN.md §3, article §3–§5).
 *
 * Assumptions, named: a customer's cancellation is granted whatever `allowCancel` says — that flag,
 * like `allowPartialShip`, is the policy for stock shortages (article §5.1: partial ship +
 * backorder first, then cancel + release, then reroute to the warehouse the application found,
 * else a person). An order that shipped anything ends SHIPPED; its lines tell what was
 * backordered or cancelled. A manual reroute is granted only while no call is in flight (after a
 * failed push, or in manual intervention) and before anything shipped. "Resolve" means a person
 * got the order into the WMS by other means and gives its outboundNo. A shipment that carries
 * more than is open is recorded in full (stock follows what really left) and the excess is an
 * anomaly; the order's lines count only what was open.
 */
import { Refused, refuse } from '../kernel/refused.ts';
import { isInstant } from '../kernel/instant.ts';
import { type Line, type Problem, lineProblems, linesKey, totalsBySku } from '../kernel/lines.ts';
import { isRedeliveredAttempt, judgePushFailure } from '../kernel/push-attempts.ts';
import { retryPolicyProblems } from '../kernel/retry-policy.ts';
import {
  type CancelOrder,
  type OrderCommand,
  type PlaceOrder,
  type RecordInterceptOutcome,
  type RecordPushFailed,
  type RecordPushSucceeded,
  type RecordShipment,
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
  type OrderState,
  backorderNo,
  hasHandled,
  interceptKey,
  isTerminalOrder,
  openLines,
  openQuantity,
  placementKey,
  progressKey,
  pushKey,
  requestKey,
  shipmentContentKey,
  shipmentKey,
  wmsHoldsOrder,
} from './state.ts';

const codePattern = /^[A-Za-z0-9_.-]{1,64}$/;
const warehousePattern = /^[A-Za-z0-9_-]{1,32}$/;

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

const placementProblems = (command: PlaceOrder): Problem[] => {
  const d = command.data;
  const problems: Problem[] = [];
  if (!codePattern.test(d.orderNo)) problems.push({ path: 'orderNo', message: 'must be 1–64 letters, digits, _ . or -' });
  if (!warehousePattern.test(d.warehouseCode)) {
    problems.push({ path: 'warehouseCode', message: 'must be 1–32 letters, digits, _ or -' });
  }
  if (!priorities.includes(d.priority)) problems.push({ path: 'priority', message: `must be one of ${priorities.join(', ')}` });
  if (!timeRequirements.includes(d.timeRequirement)) {
    problems.push({ path: 'timeRequirement', message: `must be one of ${timeRequirements.join(', ')}` });
  }
  problems.push(...lineProblems(d.items, 'items'));
  for (const field of ['name', 'phone', 'province', 'city', 'district', 'address'] as const) {
    if (d.consignee[field].trim() === '') problems.push({ path: `consignee.${field}`, message: 'must not be blank' });
  }
  if (!isInstant(d.now)) problems.push({ path: 'now', message: 'must be an ISO instant with an offset' });
  return problems;
};

const place = (command: PlaceOrder, state: OrderState): OrderEvent[] => {
  const problems = placementProblems(command);
  if (problems.length > 0) refuse('INVALID_ORDER', `order ${command.data.orderNo} is not valid`, problems);
  const { now, backorderOf, ...placement } = command.data;
  if (state.status !== 'NONE') {
    if (state.placementKey === placementKey(command.data)) return [];
    refuse('ORDER_ALREADY_EXISTS', `order ${placement.orderNo} was already placed with different content`);
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
  if (hasHandled(state, requestKey(d.requestId)) || state.status === 'CANCELLED' || state.status === 'CANCEL_REQUESTED') {
    return [];
  }
  if (state.status === 'SHIPPED') refuse('ORDER_ALREADY_SHIPPED', `order ${state.orderNo} has shipped; start a return instead`);
  if (state.status === 'BACKORDERED') refuse('ORDER_CLOSED', `order ${state.orderNo} was moved to backorder in full`);
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
    supersedes: state.reservationNo === 0 ? null : { reservationNo: state.reservationNo, warehouseCode: state.warehouseCode },
  },
});

const retryNow = (command: RetryNow, state: OrderState): OrderEvent[] => {
  const d = command.data;
  if (hasHandled(state, requestKey(d.requestId))) return [];
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
      reason,
      reroutedAt: at,
    },
  },
  reservationRound(state, toWarehouse, openLines(state)),
];

const reroute = (command: RerouteOrder, state: OrderState): OrderEvent[] => {
  const d = command.data;
  if (hasHandled(state, requestKey(d.requestId))) return [];
  if (!warehousePattern.test(d.warehouseCode)) {
    refuse('INVALID_COMMAND', 'warehouseCode is not valid', [{ path: 'warehouseCode', message: 'must be 1–32 letters, digits, _ or -' }]);
  }
  if (isTerminalOrder(state)) refuse('ORDER_CLOSED', `order ${state.orderNo} is ${state.status}`);
  if (state.lines.some((line) => line.shipped > 0)) {
    refuse('ALREADY_PARTIALLY_SHIPPED', `order ${state.orderNo} has partly shipped from ${state.warehouseCode}`);
  }
  if (state.status !== 'PUSH_FAILED' && state.status !== 'MANUAL_INTERVENTION') {
    refuse(
      'REROUTE_NOT_ALLOWED',
      `order ${state.orderNo} is ${state.status}: only a failed or stuck order can be rerouted (cancel it first)`,
    );
  }
  if (d.warehouseCode === state.warehouseCode) refuse('SAME_WAREHOUSE', `order ${state.orderNo} is already at ${d.warehouseCode}`);
  return rerouted(state, d.warehouseCode, d.reason, d.now, d.requestId);
};

const resolve = (command: ResolveManually, state: OrderState): OrderEvent[] => {
  const d = command.data;
  if (hasHandled(state, requestKey(d.requestId))) return [];
  if (state.status !== 'MANUAL_INTERVENTION') {
    refuse('NOT_IN_MANUAL_INTERVENTION', `order ${state.orderNo} is ${state.status}, not waiting for a person`);
  }
  if (d.outboundNo.trim() === '') {
    refuse('INVALID_COMMAND', 'outboundNo is missing', [{ path: 'outboundNo', message: 'the WMS order number must not be blank' }]);
  }
  return [
    {
      type: 'ManualInterventionResolved',
      data: { requestId: d.requestId, outboundNo: d.outboundNo, note: d.note, resolvedBy: d.resolvedBy, resolvedAt: d.now },
    },
  ];
};

// ---------------------------------------------------------------- facts

/** Article §5.1: partial ship + backorder, else cancel + release, else reroute, else a person. */
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

const recordStockShort = (command: RecordStockShort, state: OrderState): OrderEvent[] => {
  const d = command.data;
  if (d.reservationNo !== state.reservationNo || state.status !== 'CREATED') return [];
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
        reportKey: `reservation:${d.reservationNo}`,
        detectedAt: d.now,
      },
    },
    ...applyShortagePolicy(state, short, 'RESERVATION', d.alternativeWarehouse, d.now),
  ];
};

const recordWmsShortage = (command: RecordWmsShortage, state: OrderState): OrderEvent[] => {
  const d = command.data;
  const key = `shortage:${d.warehouseCode}:${linesKey(d.lines)}`;
  if (hasHandled(state, key)) return [];
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

const recordPushSucceeded = (command: RecordPushSucceeded, state: OrderState): OrderEvent[] => {
  const d = command.data;
  const consumed = { factKeys: [pushKey(d.attempt)], attempt: d.attempt, outboundNo: d.outboundNo, warehouseCode: d.warehouseCode };
  if (isTerminalOrder(state)) {
    if (hasHandled(state, pushKey(d.attempt)) || d.attempt <= state.push.total || state.status === 'SHIPPED') return [];
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
  if (isRedeliveredAttempt(state.push, d.attempt)) return [];
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
  if (policyProblems.length > 0) refuse('INVALID_COMMAND', `retry policy: ${policyProblems.join('; ')}`);
  if (isTerminalOrder(state) || isRedeliveredAttempt(state.push, d.attempt)) return [];
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
  const key = progressKey(d.warehouseCode, d.stage);
  if (hasHandled(state, key)) return [];
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
  const problems = lineProblems(d.items, 'items').filter((p) => !p.message.includes('more than once'));
  if (d.waybillNo.trim() === '') problems.push({ path: 'waybillNo', message: 'must not be blank' });
  if (problems.length > 0) refuse('INVALID_COMMAND', 'the shipment report is not valid', problems);
  const contentKey = shipmentContentKey(d.waybillNo, d.items);
  if (hasHandled(state, contentKey)) return [];
  const shipment: Shipment = {
    outboundNo: d.outboundNo,
    waybillNo: d.waybillNo,
    carrier: d.carrier,
    items: d.items,
    shippedAt: d.shippedAt,
  };
  if (hasHandled(state, shipmentKey(d.waybillNo))) {
    return [
      anomaly(state, 'CONFLICTING_SHIPMENT', `waybill ${d.waybillNo} was reported before with other items`, d.now, {
        factKeys: [contentKey],
      }),
    ];
  }
  if (isTerminalOrder(state)) {
    const kind = state.status === 'CANCELLED' ? 'SHIPPED_AFTER_CANCEL' : 'SHIPPED_AFTER_CLOSE';
    return [
      anomaly(state, kind, `waybill ${d.waybillNo} shipped after the order was ${state.status}`, d.now, {
        factKeys: [shipmentKey(d.waybillNo), contentKey],
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
  const key = interceptKey(d.cancelRequestId);
  if (hasHandled(state, key)) return [];
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
        cancelledAt: d.now,
      },
    },
  ];
};

export const decideOrder = (command: OrderCommand, state: OrderState): readonly OrderEvent[] => {
  if (command.type === 'PlaceOrder') return place(command, state);
  if (state.status === 'NONE') throw new Refused('ORDER_NOT_FOUND', 'no such order');
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
      return command.data.reservationNo === state.reservationNo && state.status === 'CREATED'
        ? [
            {
              type: 'StockReserved',
              data: { reservationNo: state.reservationNo, warehouseCode: state.warehouseCode, reservedAt: command.data.now },
            },
          ]
        : [];
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
