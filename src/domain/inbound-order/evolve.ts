import { totalsBySku } from '../kernel/lines.ts';
import { afterPushFailed, afterPushStarted, afterPushSucceeded, afterRetryScheduled, startNewRound } from '../kernel/push-attempts.ts';
import type { InboundEvent } from './events.ts';
import type { InboundState, InboundStatus } from './state.ts';

/** RECEIVED is final: no later event moves the status away from it. */
const moveTo = (state: InboundState, status: InboundStatus): InboundStatus | null => (state.status === 'RECEIVED' ? state.status : status);

export const evolve = (state: InboundState, event: InboundEvent): InboundState => {
  switch (event.type) {
    case 'InboundCreated':
      return state.inbound === null ? { ...state, inbound: event.data, status: state.status ?? 'CREATED' } : state;
    case 'PushStarted':
      return { ...state, push: afterPushStarted(state.push, event.data) };
    case 'PushSucceeded':
      return {
        ...state,
        push: afterPushSucceeded(state.push, event.data.attempt),
        wmsInboundNo: event.data.wmsInboundNo,
        status: moveTo(state, 'PUSHED_TO_WMS'),
      };
    case 'PushFailed':
      return { ...state, push: afterPushFailed(state.push, event.data) };
    case 'PushRetryScheduled':
      return {
        ...state,
        push: afterRetryScheduled(state.push, event.data),
        status: state.status === 'PUSHED_TO_WMS' ? state.status : moveTo(state, 'PUSH_FAILED'),
      };
    case 'ManualInterventionRequired':
      return { ...state, status: moveTo(state, 'MANUAL_INTERVENTION') };
    case 'PushRetryRequested':
      return {
        ...state,
        push: startNewRound(state.push),
        requests: [...state.requests, event.data.requestId],
        status: moveTo(state, 'RETRY_REQUESTED'),
      };
    case 'InboundReceived':
      return {
        ...state,
        status: 'RECEIVED',
        received: Object.fromEntries(totalsBySku(event.data.lines)),
        receipts: [...state.receipts, event.data.receiptNo],
      };
    case 'DiscrepancyRecorded':
      return state;
    case 'AnomalyDetected':
      return { ...state, receipts: [...state.receipts, event.data.receiptNo], anomalies: state.anomalies + 1 };
    default:
      return state;
  }
};
