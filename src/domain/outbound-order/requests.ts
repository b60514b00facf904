/**
 * What people and channels ask of an order (docs/architecture.md#requests-and-facts): place,
 * cancel, retry, reroute, resolve. A request may be refused.
 */
import { refuse } from '../kernel/refused.ts';
import type { CancelOrder, PlaceOrder, RerouteOrder, ResolveManually, RetryNow } from './commands.ts';
import type { OrderEvent } from './events.ts';
import { reservationRound, rerouted } from './reservation-rounds.ts';
import { alreadyApplied, fact, isTerminalOrder, openLines, type OrderState, placementKey, wmsHoldsOrder } from './state.ts';
import { placementProblems, rerouteProblems, resolveProblems } from './validation.ts';
import { orderCancelled } from './order-cancelled.ts';

export const place = (command: PlaceOrder, state: OrderState): OrderEvent[] => {
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

export const cancel = (command: CancelOrder, state: OrderState): OrderEvent[] => {
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
  return [orderCancelled(state, d.requestId, d.reason, d.now)];
};

export const retryNow = (command: RetryNow, state: OrderState): OrderEvent[] => {
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

export const reroute = (command: RerouteOrder, state: OrderState): OrderEvent[] => {
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

export const resolve = (command: ResolveManually, state: OrderState): OrderEvent[] => {
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
