/**
 * Once a person has acted on something that waited for one (resolved an order by hand, asked for
 * a retry, rerouted or cancelled it; asked an inbound or a hand-off to be pushed again), the
 * MANUAL_INTERVENTION alerts still open about it have been answered: the hub acknowledges them,
 * naming the act, so the alert queue shows only what still waits for someone. The acknowledgement
 * is an `AlertAcknowledged` event like a person's (./acknowledge-alert.ts), caused by the act's
 * event. Only the alerts raised for a `ManualInterventionRequired` event are settled so: other
 * MANUAL_INTERVENTION alerts about the same order (a cancellation that came too late, a warehouse
 * that could not be told to drop it, a backorder that cannot be placed) and alerts of other kinds
 * are about something the act did not answer, and stay for a person.
 */
import type { ManualReason } from '../../domain/outbound-order/index.ts';
import type { Dependencies } from '../dependencies.ts';
import type { RecordedOf } from '../events/recorded-event.ts';
import type { Alert } from '../ports/alerting.ts';
import { acknowledgeAlert } from './acknowledge-alert.ts';

export type PersonActed =
  | RecordedOf<'order', 'ManualInterventionResolved' | 'RetryRequested' | 'OrderRerouted' | 'OrderCancelled'>
  | RecordedOf<'inbound', 'PushRetryRequested'>
  | RecordedOf<'shipment', 'RetryRequested'>;

/** The event types that answer a manual intervention, per category (what the alert reaction also handles). */
export const personActedTypes = {
  order: ['ManualInterventionResolved', 'RetryRequested', 'OrderRerouted', 'OrderCancelled'],
  inbound: ['PushRetryRequested'],
  shipment: ['RetryRequested'],
} as const;

/** Who asked, when the event's metadata names them (`actor`: the caller of the REST request). */
const byActor = (event: PersonActed): string => {
  const actor = event.metadata.actor;
  return typeof actor === 'string' ? ` by ${actor}` : '';
};

/** What the acknowledgement says was done, and by whom when the event names a person. */
const actOf = (event: PersonActed): string => {
  const subject = event.stream;
  switch (event.type) {
    case 'ManualInterventionResolved':
      return `hub: ${subject} resolved by ${event.data.resolvedBy} (outbound ${event.data.outboundNo})`;
    case 'RetryRequested':
    case 'PushRetryRequested':
      return `hub: ${subject} retried at the request of ${event.data.requestedBy}`;
    case 'OrderRerouted':
      return `hub: ${subject} rerouted from ${event.data.fromWarehouse} to ${event.data.toWarehouse}${byActor(event)}`;
    case 'OrderCancelled':
      return `hub: ${subject} cancelled${byActor(event)}`;
  }
};

const reasons = ['PUSH_ATTEMPTS_EXHAUSTED', 'PUSH_REJECTED', 'OUT_OF_STOCK'] as const satisfies readonly ManualReason[];

/** Whether an alert's details are a `ManualInterventionRequired`'s data (they name one of its reasons). */
const namesAWait = (details: unknown): boolean =>
  typeof details === 'object' && details !== null && 'reason' in details && reasons.some((reason) => reason === details.reason);

/** Whether `alert` was raised by alert-when-a-person-is-needed for a `ManualInterventionRequired` event. */
const raisedForAWait = (alert: Alert): boolean =>
  alert.kind === 'MANUAL_INTERVENTION' && alert.key.startsWith('event:') && namesAWait(alert.details);

/** Acknowledges the open alerts raised for the manual interventions of the event's stream; others are left as they are. */
export const settleManualAlerts = async (deps: Dependencies, event: PersonActed): Promise<void> => {
  const open = await deps.alerting.list({ subject: event.stream, acknowledged: false });
  const by = actOf(event);
  for (const alert of open) {
    if (!raisedForAWait(alert)) continue;
    await acknowledgeAlert(deps, alert.id, by, {
      correlationId: event.metadata.correlationId,
      causationId: event.id,
      recordedAt: deps.clock.now(),
    });
  }
};
