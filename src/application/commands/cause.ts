import type { Envelope } from '../events/recorded-event.ts';
import type { CallContext } from '../ports/outside-call.ts';
import type { Cause } from './handle-command.ts';

/** A command caused by a stored event: same flow (correlation, and trace context when it has one), caused by that event. */
export const causedBy = (event: Envelope, recordedAt: string): Cause => {
  const { traceparent } = event.metadata;
  return {
    correlationId: event.metadata.correlationId,
    causationId: event.id,
    recordedAt,
    ...(typeof traceparent === 'string' ? { traceparent } : {}),
  };
};

/** What an outside call made for this cause carries: its trace context. */
export const callContextOf = (cause: Cause): CallContext => (cause.traceparent === undefined ? {} : { traceparent: cause.traceparent });

/** A command that starts a flow (an HTTP request, a timer): it is its own cause. */
export const newFlow = (requestId: string, recordedAt: string): Cause => ({
  correlationId: requestId,
  causationId: requestId,
  recordedAt,
});

/** A callback's cause: its own flow (the delivery's id), or a cause given (a parked callback applied later, caused by what woke it). */
export const callbackCause = (flow: string | Cause, recordedAt: string): Cause =>
  typeof flow === 'string' ? newFlow(flow, recordedAt) : flow;
