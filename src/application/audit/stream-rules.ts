import type { DomainMessage } from '../ports/event-store.ts';

/** An event as the rules see it: its message and where it is in its stream. */
export type AuditedEvent = DomainMessage & Readonly<{ revision: bigint }>;

/**
 * A rule broken after an event that the domain would have answered with an anomaly event right
 * after it (a shipment of more than was open, a deduction that takes stock below zero). It is a
 * finding only if none of `anomalyKinds` follows in the run of anomaly events after the fact.
 */
export type Excusable = Readonly<{ rule: string; message: string; anomalyKinds: readonly string[] }>;

/** What a step of the fold found: rules broken outright, and rules broken unless an anomaly follows. */
export type StepFindings = Readonly<{ broken: readonly Readonly<{ rule: string; message: string }>[]; excusable: readonly Excusable[] }>;

export const nothingFound: StepFindings = { broken: [], excusable: [] };

/**
 * The invariants of one category of stream, checked by folding its events one by one with the
 * domain's own `evolve`. `step` is called with each event (already checked against its schema)
 * and answers what broke once that event is applied; `end` what is still owed when the stream ends.
 */
export interface StreamRules {
  step(event: AuditedEvent): StepFindings;
  end(): readonly Readonly<{ rule: string; message: string }>[];
}

/** The anomaly events of every category: a fact the domain recorded as contradicting what it knew. */
export const isAnomaly = (event: DomainMessage): boolean => event.type === 'AnomalyDetected' || event.type === 'StockAnomalyDetected';

export const anomalyKindOf = (event: DomainMessage): string | null => {
  const kind = (event.data as { kind?: unknown }).kind;
  return typeof kind === 'string' ? kind : null;
};

export const broken = (rule: string, message: string): StepFindings => ({ broken: [{ rule, message }], excusable: [] });

/** Sums quantities per key; `lines` are `{ sku, quantity }`. */
export const totals = (lines: readonly Readonly<{ sku: string; quantity: number }>[]): Map<string, number> => {
  const sums = new Map<string, number>();
  for (const line of lines) sums.set(line.sku, (sums.get(line.sku) ?? 0) + line.quantity);
  return sums;
};

export const sameTotals = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean =>
  a.size === b.size && [...a].every(([key, value]) => b.get(key) === value);

export const describeTotals = (sums: ReadonlyMap<string, number>): string =>
  sums.size === 0 ? 'nothing' : [...sums].map(([sku, quantity]) => `${sku}×${quantity}`).join(', ');

/** The id part of a stream name: `order-OMS1` → `OMS1`. */
export const streamId = (stream: string): string => {
  const dash = stream.indexOf('-');
  return dash < 0 ? '' : stream.slice(dash + 1);
};

/**
 * The push-attempt rules every pushing aggregate shares (outbound and inbound orders, transport
 * hand-offs): outcomes carry the next attempt number, each retry is due strictly after the last.
 */
export const pushAttemptFindings = (
  event: AuditedEvent,
  push: Readonly<{ total: number; lastDueAt: string | null }>,
  millis: (instant: string) => number,
): StepFindings => {
  const data = event.data as { attempt?: number; dueAt?: string };
  switch (event.type) {
    case 'PushSucceeded':
    case 'PushFailed':
    case 'PushRetryRequested':
      return data.attempt === push.total + 1
        ? nothingFound
        : broken(
            'push attempts in sequence',
            `${event.type} carries attempt ${String(data.attempt)}, but the next attempt was ${push.total + 1}`,
          );
    case 'PushRetryScheduled': {
      if (data.attempt !== push.total + 1) {
        return broken(
          'push attempts in sequence',
          `PushRetryScheduled for attempt ${String(data.attempt)}, but the next attempt was ${push.total + 1}`,
        );
      }
      if (push.lastDueAt !== null && data.dueAt !== undefined && millis(data.dueAt) <= millis(push.lastDueAt)) {
        return broken(
          'retry deadlines strictly increase',
          `a retry due at ${data.dueAt}, not after the previous one due at ${push.lastDueAt}`,
        );
      }
      return nothingFound;
    }
    default:
      return nothingFound;
  }
};
