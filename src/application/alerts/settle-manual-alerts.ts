/**
 * Once a person has acted on something that waited for one (resolved an order by hand, asked for
 * a retry, rerouted or cancelled it; asked an inbound or a hand-off to be pushed again), the alerts
 * still open that asked a person about that wait have been answered: the hub acknowledges them,
 * naming the act, so the alert queue shows only what still waits for someone. The acknowledgement
 * is an `AlertAcknowledged` event like a person's (./acknowledge-alert.ts), caused by the act's
 * event. Which alerts asked about the wait is for the one who raised them to say
 * (../reactions/alert-when-a-person-is-needed.ts): other alerts about the same order (a
 * cancellation that came too late, a warehouse that could not be told to drop it, a backorder
 * that cannot be placed, anomalies) are about something the act did not answer, and stay.
 */
import type { Dependencies } from '../dependencies.ts';
import type { RecordedOf } from '../events/recorded-event.ts';
import type { Alert } from '../ports/alerting.ts';
import { acknowledgeAlert } from './acknowledge-alert.ts';

/** The event types that answer a manual intervention, per category (what the alert reaction also handles). */
export const personActedTypes = {
  order: ['ManualInterventionResolved', 'RetryRequested', 'OrderRerouted', 'OrderCancelled'],
  inbound: ['PushRetryRequested'],
  shipment: ['RetryRequested'],
} as const;

type ActedOn<C extends keyof typeof personActedTypes> = RecordedOf<C, (typeof personActedTypes)[C][number]>;
export type PersonActed = ActedOn<'order'> | ActedOn<'inbound'> | ActedOn<'shipment'>;

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

/** Acknowledges the open alerts about the event's stream that `askedAboutTheWait`; others are left as they are. */
export const settleManualAlerts = async (
  deps: Dependencies,
  event: PersonActed,
  askedAboutTheWait: (alert: Alert) => boolean,
): Promise<void> => {
  const open = await deps.alerting.list({ subject: event.stream, acknowledged: false });
  const by = actOf(event);
  for (const alert of open) {
    if (!askedAboutTheWait(alert)) continue;
    await acknowledgeAlert(deps, alert.id, by, {
      correlationId: event.metadata.correlationId,
      causationId: event.id,
      recordedAt: deps.clock.now(),
    });
  }
};
