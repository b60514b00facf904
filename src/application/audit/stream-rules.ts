import type { Category, HubEvent, RecordedEvent } from '../events/recorded-event.ts';
import { isOfCategory } from '../events/recorded-event.ts';

/**
 * A rule broken after an event that the domain would have answered with an anomaly event right
 * after it (a shipment of more than was open, a deduction that takes stock below zero). It is a
 * finding only if none of `anomalyKinds` follows in the run of anomaly events after the fact.
 */
export type Excusable = Readonly<{ rule: string; message: string; anomalyKinds: readonly string[] }>;

/** What a step of the fold found: rules broken outright, and rules broken unless an anomaly follows. */
export type StepFindings = Readonly<{ broken: readonly Readonly<{ rule: string; message: string }>[]; excusable: readonly Excusable[] }>;

export const nothingFound: StepFindings = { broken: [], excusable: [] };

export const broken = (rule: string, message: string): StepFindings => ({ broken: [{ rule, message }], excusable: [] });

/**
 * The invariants of one category of stream, checked by folding its events one by one with the
 * domain's own `evolve`. `step` is called with each decoded event (what does not decode never
 * reaches it) and answers what broke once that event is applied; `end` what is still owed when
 * the stream ends.
 */
export interface StreamRules<E extends HubEvent = HubEvent> {
  step(event: E): StepFindings;
  end(): readonly Readonly<{ rule: string; message: string }>[];
}

/**
 * The rules of one category, for any decoded event: an event of another category (which the
 * decoder, reading the category from the stream name, never gives) is a finding, not a cast.
 */
export const rulesOfCategory = <C extends Category>(category: C, rules: StreamRules<RecordedEvent<C>>): StreamRules => ({
  step: (event) =>
    isOfCategory(event, category)
      ? rules.step(event)
      : broken('events of their stream’s category', `a ${event.category} event in a stream of category ${category}`),
  end: () => rules.end(),
});

/**
 * The kind of an anomaly event (`SHIPPED_MORE_THAN_ORDERED`, `NEGATIVE_ON_HAND`, …): a fact the
 * domain recorded as contradicting what it knew; null for any other event.
 */
export const anomalyKindOf = (event: HubEvent): string | null =>
  event.type === 'AnomalyDetected' || event.type === 'StockAnomalyDetected' ? event.data.kind : null;

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

/**
 * The push-attempt rules every pushing aggregate shares (outbound and inbound orders, transport
 * hand-offs): outcomes carry the next attempt number, each retry is due strictly after the last.
 */
export const pushAttemptFindings = (
  event: HubEvent,
  push: Readonly<{ total: number; lastDueAt: string | null }>,
  millis: (instant: string) => number,
): StepFindings => {
  switch (event.type) {
    case 'PushSucceeded':
    case 'PushFailed':
    case 'PushRetryRequested':
      return event.data.attempt === push.total + 1
        ? nothingFound
        : broken(
            'push attempts in sequence',
            `${event.type} carries attempt ${event.data.attempt}, but the next attempt was ${push.total + 1}`,
          );
    case 'PushRetryScheduled': {
      const { attempt, dueAt } = event.data;
      if (attempt !== push.total + 1) {
        return broken('push attempts in sequence', `PushRetryScheduled for attempt ${attempt}, but the next attempt was ${push.total + 1}`);
      }
      if (push.lastDueAt !== null && millis(dueAt) <= millis(push.lastDueAt)) {
        return broken('retry deadlines strictly increase', `a retry due at ${dueAt}, not after the previous one due at ${push.lastDueAt}`);
      }
      return nothingFound;
    }
    default:
      return nothingFound;
  }
};
