/**
 * Handing a confirmed shipment to transport (docs/architecture.md#transport-hand-off), one stream per waybill of a
 * carrier, so the TMS sees each waybill once however often the WMS calls back. Retries follow the
 * same policy and the same mechanism as pushes to the WMS.
 */
import { identifierProblems } from '../kernel/identifiers.ts';
import type { Problem } from '../kernel/lines.ts';
import { refuse } from '../kernel/refused.ts';
import { claimFor, isRedeliveredAttempt, judgePushFailure, retryScheduledData } from '../kernel/push-attempts.ts';
import { jitterProblems, retryPolicyProblems } from '../kernel/retry-policy.ts';
import type { HandOffCommand, ShipmentForTransport } from './commands.ts';
import type { HandOffEvent } from './events.ts';
import { type HandOffState, handOffIsDue, shipmentForTransportKey } from './state.ts';

/** The carrier and the waybill number name the stream (`shipment-{carrier}.{waybillNo}`): each must be an identifier of its kind. */
const registrationProblems = (shipment: ShipmentForTransport): Problem[] => [
  ...identifierProblems('carrier', 'carrier', shipment.carrier),
  ...identifierProblems('code', 'waybillNo', shipment.waybillNo),
];

export const decideHandOff = (command: HandOffCommand, state: HandOffState): readonly HandOffEvent[] => {
  if (command.type === 'RegisterShipment') {
    const { now, ...shipment } = command.data;
    const problems = registrationProblems(shipment);
    if (problems.length > 0) return refuse('INVALID_COMMAND', 'the shipment is not valid', problems);
    if (state.status === 'NONE') return [{ type: 'ShipmentRegistered', data: { ...shipment, registeredAt: now } }];
    if (state.shipmentKey === shipmentForTransportKey(shipment)) return [];
    return refuse('SHIPMENT_ALREADY_REGISTERED', `waybill ${shipment.waybillNo} of ${shipment.carrier} was registered with other content`);
  }
  if (state.status === 'NONE') return refuse('SHIPMENT_NOT_FOUND', 'no such shipment');
  switch (command.type) {
    case 'StartHandOff': {
      // claimed only while the hand-off is due and the attempt is the next one; otherwise nothing (another caller got there first)
      if (state.shipment === null || !handOffIsDue(state, command.data.now)) return [];
      const claim = claimFor(state.push, state.shipment.carrier, command.data);
      return claim === null ? [] : [{ type: 'PushStarted', data: claim }];
    }
    case 'RecordHandOffSucceeded': {
      const d = command.data;
      if (state.status === 'HANDED_OFF' || isRedeliveredAttempt(state.push, d.attempt)) return [];
      return [{ type: 'PushSucceeded', data: { attempt: d.attempt, transportRef: d.transportRef, pushedAt: d.now } }];
    }
    case 'RecordHandOffFailed': {
      const d = command.data;
      const problems = retryPolicyProblems(d.policy);
      if (problems.length > 0) refuse('INVALID_COMMAND', `retry policy: ${problems.join('; ')}`);
      const jitter = jitterProblems(d.jitter);
      if (jitter.length > 0)
        refuse('INVALID_COMMAND', `hand-off outcome: ${jitter.map((p) => `${p.path} ${p.message}`).join('; ')}`, jitter);
      if (state.status === 'HANDED_OFF' || isRedeliveredAttempt(state.push, d.attempt)) return [];
      if (state.status === 'MANUAL_INTERVENTION') return [];
      const failed: HandOffEvent = {
        type: 'PushFailed',
        data: { attempt: d.attempt, error: d.error, retryable: d.retryable, failedAt: d.now },
      };
      const verdict = judgePushFailure(state.push, d);
      if (verdict.kind === 'retry') return [failed, { type: 'PushRetryScheduled', data: retryScheduledData(d, verdict.dueAt) }];
      const reason = verdict.reason === 'NOT_RETRYABLE' ? 'PUSH_REJECTED' : 'PUSH_ATTEMPTS_EXHAUSTED';
      return [failed, { type: 'ManualInterventionRequired', data: { reason, detail: `hand-off to transport: ${d.error}`, at: d.now } }];
    }
    case 'RetryHandOff': {
      const d = command.data;
      if (state.handledRequests.includes(d.requestId)) return [];
      if (state.status !== 'HANDOFF_FAILED' && state.status !== 'MANUAL_INTERVENTION') {
        return refuse('NOTHING_TO_RETRY', `shipment is ${state.status}: there is nothing to retry`);
      }
      return [
        {
          type: 'RetryRequested',
          data: {
            requestId: d.requestId,
            newRound: state.status === 'MANUAL_INTERVENTION',
            requestedBy: d.requestedBy,
            requestedAt: d.now,
          },
        },
      ];
    }
  }
};
