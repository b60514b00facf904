import type { AlertKind } from '../ports/alerting.ts';
import type { Dependencies } from '../dependencies.ts';
import type { StoredEvent } from '../ports/event-store.ts';
import type { Reaction } from './reaction.ts';

const needsPerson: Readonly<Record<string, { kind: AlertKind; summary: (data: Record<string, unknown>) => string }>> = {
  ManualInterventionRequired: { kind: 'MANUAL_INTERVENTION', summary: (d) => `needs a person: ${String(d.reason)}: ${String(d.detail)}` },
  AnomalyDetected: { kind: 'ANOMALY', summary: (d) => `anomaly ${String(d.kind)}${d.detail === undefined ? '' : `: ${String(d.detail)}`}` },
  StockAnomalyDetected: { kind: 'ANOMALY', summary: (d) => `stock anomaly ${String(d.kind)}: ${String(d.detail)}` },
  DiscrepancyRecorded: {
    kind: 'ANOMALY',
    summary: (d) =>
      `receipt discrepancy ${String(d.kind)} on ${String(d.sku)}: expected ${String(d.expected)}, received ${String(d.received)}`,
  },
  InterceptFailed: { kind: 'MANUAL_INTERVENTION', summary: (d) => `cancellation came too late: ${String(d.detail)}` },
};

/**
 * Article §4.3 and §5: whatever a machine cannot decide goes to a person: attempts exhausted,
 * rejected pushes, out of stock with no policy left, anomalies, receipt discrepancies, a
 * cancellation the warehouse could not honour. One alert per event (keyed by the event's id).
 */
export const alertWhenAPersonIsNeeded = (deps: Dependencies): Reaction => ({
  name: 'alert-when-a-person-is-needed',
  handle: async (event: StoredEvent) => {
    const rule = needsPerson[event.type];
    if (rule === undefined) return;
    await deps.alerting.raise({
      key: `event:${event.id}`,
      kind: rule.kind,
      subject: event.stream,
      message: `${event.stream} ${rule.summary(event.data as Record<string, unknown>)}`,
      details: event.data,
      raisedAt: deps.clock.now(),
    });
  },
});
