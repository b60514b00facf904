import { type Line, totalsBySku } from '../kernel/lines.ts';
import { afterPushFailed, afterPushStarted, afterPushSucceeded, afterRetryScheduled, startNewRound } from '../kernel/push-attempts.ts';
import type { OrderEvent } from './events.ts';
import { withoutCancelCall } from './cancel-calls.ts';
import {
  type OrderLine,
  type OrderState,
  type OrderStatus,
  type OutboundAt,
  fact,
  openQuantity,
  placementKey,
  withApplied,
} from './state.ts';

/** A push went to the order's current warehouse. */
const pushedTo = (state: OrderState): readonly string[] =>
  state.pushedTo.includes(state.warehouseCode) ? state.pushedTo : [...state.pushedTo, state.warehouseCode];

const addTo = (
  lines: readonly OrderLine[],
  field: 'shipped' | 'backordered' | 'cancelled',
  quantities: ReadonlyMap<string, number>,
): OrderLine[] =>
  lines.map((line) => {
    const add = Math.min(quantities.get(line.sku) ?? 0, openQuantity(line));
    return add > 0 ? { ...line, [field]: line[field] + add } : line;
  });

/** Once nothing is open, the order is closed: shipped if anything shipped, else cancelled or backordered. */
const settled = (state: OrderState, otherwise: OrderStatus, at: string): OrderState => {
  if (state.lines.some((line) => openQuantity(line) > 0)) return { ...state, status: otherwise };
  const status: OrderStatus = state.lines.some((line) => line.shipped > 0)
    ? 'SHIPPED'
    : state.lines.some((line) => line.cancelled > 0)
      ? 'CANCELLED'
      : 'BACKORDERED';
  return { ...state, status, closedAt: at, pendingCancel: null, statusBeforeCancel: null, manual: null };
};

/** The outbound numbers known, with this one (once). */
const withOutbound = (state: OrderState, outbound: OutboundAt): readonly OutboundAt[] =>
  state.outbounds.some((known) => known.outboundNo === outbound.outboundNo) ? state.outbounds : [...state.outbounds, outbound];

/** Quantities that will now ship under another order: backordered here, and the order closes if nothing is left open. */
const owedElsewhere = (state: OrderState, lines: readonly Line[], at: string): OrderState =>
  settled({ ...state, backorders: state.backorders + 1, lines: addTo(state.lines, 'backordered', totalsBySku(lines)) }, state.status, at);

const holdingStatus = (state: OrderState): OrderStatus =>
  state.lines.some((line) => line.shipped > 0) ? 'PARTIALLY_SHIPPED' : state.progress > 0 ? 'IN_PROGRESS' : 'PUSHED_TO_WMS';

export const evolveOrder = (state: OrderState, event: OrderEvent): OrderState => {
  switch (event.type) {
    case 'OrderPlaced': {
      const d = event.data;
      return {
        ...state,
        status: 'CREATED',
        orderNo: d.orderNo,
        placementKey: placementKey(d),
        warehouseCode: d.warehouseCode,
        priority: d.priority,
        timeRequirement: d.timeRequirement,
        consignee: d.consignee,
        policy: d.policy,
        backorderOf: d.backorderOf ?? null,
        lines: d.items.map((item) => ({
          sku: item.sku,
          batchNo: item.batchNo ?? null,
          ordered: item.quantity,
          shipped: 0,
          backordered: 0,
          cancelled: 0,
        })),
        placedAt: d.placedAt,
      };
    }
    case 'ReservationRequested': {
      const { reservationNo, warehouseCode } = event.data;
      return { ...state, status: 'CREATED', reservationNo, rounds: [...state.rounds, { reservationNo, warehouseCode }], manual: null };
    }
    case 'StockReserved':
      return { ...state, status: 'RESERVED', applied: withApplied(state, fact.reservationOutcome(event.data.reservationNo)) };
    case 'StockShortageDetected':
      return { ...state, applied: withApplied(state, event.data.reportKey) };
    case 'BackorderCreated': {
      const { backorderNo, lines, createdAt } = event.data;
      return { ...owedElsewhere(state, lines, createdAt), issuedBackorders: [...state.issuedBackorders, { backorderNo, lines }] };
    }
    case 'OwedToOriginal':
      return owedElsewhere(state, event.data.lines, event.data.createdAt);
    case 'BackorderCarriedOver': {
      const { backorderNo, lines, fromOrderNo, owedNo } = event.data;
      return {
        ...state,
        backorders: state.backorders + 1,
        issuedBackorders: [...state.issuedBackorders, { backorderNo, lines }],
        applied: withApplied(state, fact.carriedOver(fromOrderNo, owedNo)),
      };
    }
    case 'BackorderCancelled':
      return {
        ...state,
        issuedBackorders: state.issuedBackorders.filter((issued) => issued.backorderNo !== event.data.backorderNo),
        applied: withApplied(state, fact.request(event.data.requestId)),
      };
    case 'OrderRerouted':
      return {
        ...state,
        status: 'CREATED',
        warehouseCode: event.data.toWarehouse,
        outboundNo: null,
        progress: 0,
        manual: null,
        push: { ...startNewRound(state.push), nextAttemptAt: null },
        applied: withApplied(state, event.data.requestId === null ? null : fact.request(event.data.requestId)),
      };
    case 'PushStarted':
      return { ...state, push: afterPushStarted(state.push, event.data) };
    case 'PushSucceeded': {
      const pushable = ['RESERVED', 'PUSH_FAILED'].includes(state.status);
      return {
        ...state,
        status: pushable ? 'PUSHED_TO_WMS' : state.status,
        outboundNo: state.outboundNo ?? event.data.outboundNo,
        outbounds: withOutbound(state, { outboundNo: event.data.outboundNo, warehouseCode: event.data.warehouseCode }),
        push: { ...afterPushSucceeded(state.push, event.data.attempt), nextAttemptAt: null },
        pushedTo: pushedTo(state),
        applied: withApplied(state, fact.pushOutcome(event.data.attempt)),
      };
    }
    case 'PushFailed':
      return {
        ...state,
        status: state.status === 'RESERVED' ? 'PUSH_FAILED' : state.status,
        push: afterPushFailed(state.push, event.data),
        pushedTo: pushedTo(state),
        applied: withApplied(state, fact.pushOutcome(event.data.attempt)),
      };
    case 'PushRetryScheduled':
      return { ...state, status: 'PUSH_FAILED', push: afterRetryScheduled(state.push, event.data) };
    case 'RetryRequested': {
      const push = event.data.newRound ? startNewRound(state.push) : state.push;
      return {
        ...state,
        status: event.data.step === 'PUSH' ? 'RESERVED' : state.status,
        manual: null,
        push: { ...push, nextAttemptAt: null },
        applied: withApplied(state, fact.request(event.data.requestId)),
      };
    }
    case 'ManualInterventionRequired':
      return {
        ...state,
        status: 'MANUAL_INTERVENTION',
        manual: { reason: event.data.reason, detail: event.data.detail },
        push: { ...state.push, nextAttemptAt: null },
      };
    case 'ManualInterventionResolved':
      return {
        ...state,
        status: holdingStatus({ ...state, outboundNo: event.data.outboundNo }),
        outboundNo: event.data.outboundNo,
        outbounds: withOutbound(state, { outboundNo: event.data.outboundNo, warehouseCode: state.warehouseCode }),
        manual: null,
        applied: withApplied(state, fact.request(event.data.requestId)),
      };
    case 'WmsProgressRecorded': {
      const progress = Math.max(state.progress, event.data.stage === 'PICKING' ? 1 : 2);
      const holding = ['CANCEL_REQUESTED', 'PARTIALLY_SHIPPED'].includes(state.status);
      return {
        ...state,
        progress,
        status: holding ? state.status : 'IN_PROGRESS',
        manual: holding ? state.manual : null,
        push: { ...state.push, nextAttemptAt: null },
        applied: withApplied(state, fact.progress(event.data.warehouseCode, event.data.stage)),
      };
    }
    case 'ShipmentRecorded': {
      const shippedState: OrderState = {
        ...state,
        outboundNo: state.outboundNo ?? event.data.outboundNo,
        outbounds: withOutbound(state, { outboundNo: event.data.outboundNo, warehouseCode: event.data.warehouseCode }),
        lines: addTo(state.lines, 'shipped', totalsBySku(event.data.items)),
        manual: null,
        pendingCancel: null,
        statusBeforeCancel: null,
        // an intercept no longer wanted: the order shipped under it
        cancelCalls:
          state.pendingCancel === null ? state.cancelCalls : withoutCancelCall(state, { kind: 'INTERCEPT', id: state.pendingCancel }),
        push: { ...state.push, nextAttemptAt: null },
        applied: withApplied(state, fact.waybill(event.data), fact.shipment(event.data, event.data.items)),
      };
      return settled(shippedState, 'PARTIALLY_SHIPPED', event.data.recordedAt);
    }
    case 'CancellationRequested':
      return {
        ...state,
        status: 'CANCEL_REQUESTED',
        statusBeforeCancel: state.status,
        pendingCancel: event.data.requestId,
        applied: withApplied(state, fact.request(event.data.requestId)),
      };
    case 'InterceptFailed':
      return {
        ...state,
        status: state.status === 'CANCEL_REQUESTED' ? (state.statusBeforeCancel ?? holdingStatus(state)) : state.status,
        statusBeforeCancel: null,
        pendingCancel: null,
        cancelCalls: withoutCancelCall(state, { kind: 'INTERCEPT', id: event.data.cancelRequestId }),
        applied: withApplied(state, fact.interceptOutcome(event.data.cancelRequestId)),
      };
    case 'CancelCallStarted': {
      const { kind, id, warehouseCode, outboundNo, reason, expiresAt } = event.data;
      return {
        ...state,
        cancelCalls: [...withoutCancelCall(state, event.data), { kind, id, warehouseCode, outboundNo, reason, expiresAt }],
      };
    }
    case 'WithdrawalAnswered':
      return {
        ...state,
        cancelCalls: withoutCancelCall(state, { kind: 'WITHDRAW', id: event.data.withdrawalId }),
        applied: withApplied(state, fact.withdrawalOutcome(event.data.withdrawalId)),
      };
    case 'OrderCancelled': {
      const cancelled: OrderState = {
        ...state,
        lines: addTo(state.lines, 'cancelled', totalsBySku(event.data.lines)),
        push: { ...state.push, nextAttemptAt: null },
        cancelCalls:
          state.pendingCancel === null ? state.cancelCalls : withoutCancelCall(state, { kind: 'INTERCEPT', id: state.pendingCancel }),
        applied: withApplied(
          state,
          event.data.requestId === null ? null : fact.request(event.data.requestId),
          state.pendingCancel === null ? null : fact.interceptOutcome(state.pendingCancel),
        ),
      };
      return settled(cancelled, 'CANCELLED', event.data.cancelledAt);
    }
    case 'WarehouseMessageApplied': {
      const { messageId, content } = event.data;
      return { ...state, applied: withApplied(state, fact.message(messageId), fact.messageContent(messageId, content)) };
    }
    case 'AnomalyDetected': {
      const { attempt, outboundNo, warehouseCode } = event.data;
      return {
        ...state,
        anomalies: state.anomalies + 1,
        // an anomaly about a push outcome names the outbound order the warehouse gave (accepted after the order moved or closed)
        outbounds: attempt === null || outboundNo === null ? state.outbounds : withOutbound(state, { outboundNo, warehouseCode }),
        push: attempt === null ? state.push : afterPushSucceeded(state.push, attempt),
        // an anomaly about a push outcome names it in its factKeys too; its attempt says so regardless
        applied: withApplied(state, ...event.data.factKeys, attempt === null ? null : fact.pushOutcome(attempt)),
      };
    }
  }
};
