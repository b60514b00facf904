/**
 * A person acknowledging an alert is an event (`AlertAcknowledged`, in the alert's own stream
 * `alert-{digest of its key}`): who (the annotation they give, and the acting caller in
 * `metadata.actor`) and when, kept with the hub's history, not only in the alerts table. The first
 * acknowledgement is the one kept; a later one changes nothing.
 */
import type { Cause } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';
import type { AlertKind } from '../ports/alerting.ts';
import { StreamConflict } from '../ports/stream-conflict.ts';

export type AlertAcknowledged = Readonly<{
  type: 'AlertAcknowledged';
  data: Readonly<{ alertKey: string; keyDigest: string; kind: AlertKind; subject: string; acknowledgedBy: string; acknowledgedAt: string }>;
}>;

export type AlertEvent = AlertAcknowledged;

/** An alert's key may be long and hold any character: its stream is named by the key's digest (the alerting adapter's). */
export const alertStreamName = (keyDigest: string): string => `alert-${keyDigest}`;

export type Acknowledgement = 'acknowledged' | 'already acknowledged' | 'no such alert';

/** `cause`: what led to it, when the hub acknowledges an alert itself (a parked callback applied); a person's request is its own cause. */
export const acknowledgeAlert = async (deps: Dependencies, id: number, by: string, cause?: Cause): Promise<Acknowledgement> => {
  const alert = await deps.alerting.get(id);
  if (alert === undefined) return 'no such alert';
  if (alert.acknowledgedAt !== null) return 'already acknowledged';
  const at = deps.clock.now();
  const event: AlertAcknowledged = {
    type: 'AlertAcknowledged',
    data: {
      alertKey: alert.key,
      keyDigest: alert.keyDigest,
      kind: alert.kind,
      subject: alert.subject,
      acknowledgedBy: by,
      acknowledgedAt: at,
    },
  };
  try {
    await deps.store.append(
      alertStreamName(alert.keyDigest),
      [
        {
          ...event,
          id: deps.ids.newId(),
          metadata: cause ?? { correlationId: `alert:${id}`, causationId: `alert:${id}`, recordedAt: at },
        },
      ],
      'no_stream',
    );
  } catch (error) {
    if (error instanceof StreamConflict) return 'already acknowledged';
    throw error;
  }
  await deps.alerting.acknowledge(id, by, at);
  return 'acknowledged';
};
