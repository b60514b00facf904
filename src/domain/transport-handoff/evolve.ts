import { afterPushFailed, afterPushStarted, afterPushSucceeded, afterRetryScheduled, startNewRound } from '../kernel/push-attempts.ts';
import type { HandOffEvent } from './events.ts';
import { type HandOffState, shipmentForTransportKey } from './state.ts';

export const evolveHandOff = (state: HandOffState, event: HandOffEvent): HandOffState => {
  switch (event.type) {
    case 'ShipmentRegistered': {
      const { registeredAt: _registeredAt, ...shipment } = event.data;
      return { ...state, status: 'AWAITING_HANDOFF', shipment, shipmentKey: shipmentForTransportKey(shipment) };
    }
    case 'PushStarted':
      return { ...state, push: afterPushStarted(state.push, event.data) };
    case 'PushSucceeded':
      return {
        ...state,
        status: 'HANDED_OFF',
        transportRef: event.data.transportRef,
        push: { ...afterPushSucceeded(state.push, event.data.attempt), nextAttemptAt: null },
      };
    case 'PushFailed':
      return { ...state, push: afterPushFailed(state.push, event.data) };
    case 'PushRetryScheduled':
      return { ...state, status: 'HANDOFF_FAILED', push: afterRetryScheduled(state.push, event.data) };
    case 'RetryRequested': {
      const push = event.data.newRound ? startNewRound(state.push) : state.push;
      return {
        ...state,
        status: 'AWAITING_HANDOFF',
        push: { ...push, nextAttemptAt: null },
        handledRequests: [...state.handledRequests, event.data.requestId],
      };
    }
    case 'ManualInterventionRequired':
      return { ...state, status: 'MANUAL_INTERVENTION', push: { ...state.push, nextAttemptAt: null } };
  }
};
