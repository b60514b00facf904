import { type PersonActed, personActedTypes, settleManualAlerts } from '../alerts/settle-manual-alerts.ts';
import type { ManualReason } from '../../domain/outbound-order/index.ts';
import type { Dependencies } from '../dependencies.ts';
import type { RecordedOf } from '../events/recorded-event.ts';
import type { Alert, AlertKind } from '../ports/alerting.ts';
import { either, eventsOf, reaction } from './reaction.ts';

type NeedsPerson =
  | RecordedOf<'order', 'ManualInterventionRequired' | 'AnomalyDetected' | 'InterceptFailed'>
  | RecordedOf<'stock', 'StockAnomalyDetected'>
  | RecordedOf<'inbound', 'ManualInterventionRequired' | 'AnomalyDetected' | 'DiscrepancyRecorded'>
  | RecordedOf<'return', 'AnomalyDetected'>
  | RecordedOf<'shipment', 'ManualInterventionRequired'>;

/** The kind of alert and its one-line summary, per event. */
const alertOf = (event: NeedsPerson): Readonly<{ kind: AlertKind; summary: string }> => {
  switch (event.type) {
    case 'ManualInterventionRequired':
      return { kind: 'MANUAL_INTERVENTION', summary: `needs a person: ${event.data.reason}: ${event.data.detail}` };
    case 'InterceptFailed':
      return { kind: 'MANUAL_INTERVENTION', summary: `cancellation came too late: ${event.data.detail}` };
    case 'StockAnomalyDetected':
      return { kind: 'ANOMALY', summary: `stock anomaly ${event.data.kind}: ${event.data.detail}` };
    case 'DiscrepancyRecorded': {
      const { kind, sku, expected, received } = event.data;
      return { kind: 'ANOMALY', summary: `receipt discrepancy ${kind} on ${sku}: expected ${expected}, received ${received}` };
    }
    case 'AnomalyDetected':
      return { kind: 'ANOMALY', summary: `anomaly ${event.data.kind}${'detail' in event.data ? `: ${event.data.detail}` : ''}` };
  }
};

/** An alert raised here is keyed by its event's id: one alert per event, however often it is handled. */
const EVENT_KEY = 'event:';

/** Every reason a `ManualInterventionRequired` may give (orders; inbounds and hand-offs give some of them): a new one must be listed. */
const waitReasons: Readonly<Record<ManualReason, true>> = { PUSH_ATTEMPTS_EXHAUSTED: true, PUSH_REJECTED: true, OUT_OF_STOCK: true };

/** Whether `alert` was raised here for a `ManualInterventionRequired` (its details are that event's data, which names a reason). */
const askedAboutTheWait = (alert: Alert): boolean => {
  const { details } = alert;
  return (
    alert.kind === 'MANUAL_INTERVENTION' &&
    alert.key.startsWith(EVENT_KEY) &&
    typeof details === 'object' &&
    details !== null &&
    'reason' in details &&
    typeof details.reason === 'string' &&
    Object.hasOwn(waitReasons, details.reason)
  );
};

/** A person's act on what waited for one: its manual-intervention alerts are settled. */
const personActed = either(
  eventsOf('order', personActedTypes.order),
  either(eventsOf('inbound', personActedTypes.inbound), eventsOf('shipment', personActedTypes.shipment)),
);

/**
 * Whatever a machine cannot decide goes to a person (人工介入, docs/architecture.md#alerts):
 * attempts exhausted, rejected pushes, out of stock with no policy left, anomalies, receipt
 * discrepancies, a cancellation the warehouse could not honour. One alert per event (keyed by
 * the event's id). When a person then acts on it (resolves, retries, reroutes, cancels), its open
 * MANUAL_INTERVENTION alerts are settled (../alerts/settle-manual-alerts.ts): in the same reaction,
 * so that an act is never handled before the alert it answers was raised.
 */
export const alertWhenAPersonIsNeeded = (deps: Dependencies) =>
  reaction<NeedsPerson | PersonActed>({
    name: 'alert-when-a-person-is-needed',
    handles: either(
      either(
        either(
          eventsOf('order', ['ManualInterventionRequired', 'AnomalyDetected', 'InterceptFailed']),
          eventsOf('stock', ['StockAnomalyDetected']),
        ),
        either(
          eventsOf('inbound', ['ManualInterventionRequired', 'AnomalyDetected', 'DiscrepancyRecorded']),
          either(eventsOf('return', ['AnomalyDetected']), eventsOf('shipment', ['ManualInterventionRequired'])),
        ),
      ),
      personActed,
    ),
    handle: async (event) => {
      if (personActed.canHandle(event)) return settleManualAlerts(deps, event, askedAboutTheWait);
      const { kind, summary } = alertOf(event);
      await deps.alerting.raise({
        key: `${EVENT_KEY}${event.id}`,
        kind,
        subject: event.stream,
        message: `${event.stream} ${summary}`,
        details: event.data,
        raisedAt: deps.clock.now(),
      });
    },
  });
