import { type StoredEvent, categoryOf, positionToString } from '../ports/event-store.ts';
import { inboundRules } from './inbound-rules.ts';
import { orderRules } from './order-rules.ts';
import { returnRules } from './return-rules.ts';
import { shipmentRules } from './shipment-rules.ts';
import { stockRules } from './stock-rules.ts';
import { type Excusable, type StreamRules, anomalyKindOf, isAnomaly } from './stream-rules.ts';

/**
 * Checks one stored event against the schema of its category: the problems found ([] when it is
 * valid), an unknown type for the category included. The schemas live in an adapter
 * (src/adapters/audit/event-schemas.ts): the application only asks.
 */
export type EventValidator = (category: string, event: Readonly<{ type: string; data: unknown; metadata: unknown }>) => readonly string[];

/** One thing wrong with a stream, at the event where it was found (null: the stream as a whole). */
export type Finding = Readonly<{
  revision: string | null;
  position: string | null;
  type: string | null;
  rule: string;
  message: string;
}>;

export type StreamReport = Readonly<{ stream: string; events: number; findings: readonly Finding[]; moreFindings: number }>;

export type IntegrityReport = Readonly<{
  events: number;
  streams: number;
  /** streams checked per category */
  categories: Readonly<Record<string, number>>;
  /** the streams that break a rule, by name */
  broken: readonly StreamReport[];
}>;

/** The categories the hub writes, and the invariants each one keeps. */
const rulesOf: Readonly<Record<string, (stream: string) => StreamRules>> = {
  order: orderRules,
  stock: stockRules,
  inbound: inboundRules,
  return: returnRules,
  shipment: shipmentRules,
};

type Pending = Excusable & Readonly<{ at: StoredEvent }>;

type StreamAudit = {
  readonly stream: string;
  readonly rules: StreamRules | null;
  nextRevision: bigint;
  events: number;
  /** false once an event could not be folded: the state after it means nothing */
  folding: boolean;
  pending: Pending[];
  readonly findings: Finding[];
  moreFindings: number;
};

const at = (event: StoredEvent) => ({ revision: String(event.revision), position: positionToString(event.position), type: event.type });

/**
 * The integrity check over a whole store (`oms verify`). Feed it every event, in the store's
 * order (any order in which each stream's events come in revision order will do), then `finish`.
 * Per stream it checks that revisions run from 0 with no gap or repeat; that each event's type
 * is known for its category and its data and metadata match their schema; and, folding the
 * stream with the domain's own `evolve`, the domain's invariants after every step (see the
 * rules of each category: order-rules.ts, stock-rules.ts, …). A rule the domain answers with an
 * anomaly event (a shipment of more than was ordered, a stock deduction below zero) counts as
 * broken only when that anomaly does not follow. An event that fails its schema stops the fold of
 * its stream (the states after it would mean nothing); the revision check goes on.
 */
export const integrityCheck = (validate: EventValidator, options: Readonly<{ maxFindingsPerStream?: number }> = {}) => {
  const limit = options.maxFindingsPerStream ?? 20;
  const streams = new Map<string, StreamAudit>();
  let events = 0;

  const record = (audit: StreamAudit, finding: Finding): void => {
    if (audit.findings.length < limit) audit.findings.push(finding);
    else audit.moreFindings += 1;
  };

  const flushPending = (audit: StreamAudit): void => {
    for (const pending of audit.pending) record(audit, { ...at(pending.at), rule: pending.rule, message: pending.message });
    audit.pending = [];
  };

  const auditOf = (stream: string): StreamAudit => {
    const known = streams.get(stream);
    if (known !== undefined) return known;
    const category = categoryOf(stream);
    const makeRules = Object.hasOwn(rulesOf, category) ? rulesOf[category] : undefined;
    const audit: StreamAudit = {
      stream,
      rules: makeRules?.(stream) ?? null,
      nextRevision: 0n,
      events: 0,
      folding: true,
      pending: [],
      findings: [],
      moreFindings: 0,
    };
    if (makeRules === undefined) {
      record(audit, {
        revision: null,
        position: null,
        type: null,
        rule: 'known category',
        message: `the hub writes no stream of category "${category}"`,
      });
    }
    streams.set(stream, audit);
    return audit;
  };

  const fold = (audit: StreamAudit, rules: StreamRules, event: StoredEvent): void => {
    if (audit.pending.length > 0) {
      if (isAnomaly(event)) {
        const kind = anomalyKindOf(event);
        const excused = audit.pending.findIndex((pending) => kind !== null && pending.anomalyKinds.includes(kind));
        if (excused >= 0) audit.pending.splice(excused, 1);
      } else {
        flushPending(audit);
      }
    }
    try {
      const found = rules.step(event);
      for (const finding of found.broken) record(audit, { ...at(event), ...finding });
      for (const excusable of found.excusable) audit.pending.push({ ...excusable, at: event });
    } catch (error) {
      audit.folding = false;
      record(audit, {
        ...at(event),
        rule: 'evolve is total',
        message: `the fold failed here (${error instanceof Error ? error.message : String(error)}); invariants not checked after it`,
      });
    }
  };

  return {
    add(event: StoredEvent): void {
      events += 1;
      const audit = auditOf(event.stream);
      audit.events += 1;
      if (event.revision !== audit.nextRevision) {
        const message =
          event.revision > audit.nextRevision
            ? `revision ${event.revision} follows revision ${audit.nextRevision - 1n}: ${audit.nextRevision === event.revision - 1n ? `revision ${audit.nextRevision} is` : `revisions ${audit.nextRevision}–${event.revision - 1n} are`} missing`
            : `revision ${event.revision} comes again after revision ${audit.nextRevision - 1n}`;
        record(audit, { ...at(event), rule: 'revisions contiguous from 0', message });
      }
      audit.nextRevision = event.revision + 1n;
      if (audit.rules === null) return;
      const problems = validate(categoryOf(event.stream), event);
      if (problems.length > 0) {
        record(audit, {
          ...at(event),
          rule: 'events match their schema',
          message: `${problems.join('; ')}${audit.folding ? ' (invariants not checked after it)' : ''}`,
        });
        audit.folding = false;
        return;
      }
      if (audit.folding) fold(audit, audit.rules, event);
    },

    finish(): IntegrityReport {
      const categories: Record<string, number> = {};
      const broken: StreamReport[] = [];
      for (const audit of streams.values()) {
        const category = categoryOf(audit.stream);
        categories[category] = (categories[category] ?? 0) + 1;
        if (audit.folding && audit.rules !== null) {
          flushPending(audit);
          for (const finding of audit.rules.end()) record(audit, { revision: null, position: null, type: null, ...finding });
        }
        if (audit.findings.length > 0)
          broken.push({ stream: audit.stream, events: audit.events, findings: audit.findings, moreFindings: audit.moreFindings });
      }
      broken.sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
      return { events, streams: streams.size, categories, broken };
    },
  };
};

/** Checks a list of events at once (tests, small stores): {@link integrityCheck} fed in order. */
export const checkIntegrity = (events: Iterable<StoredEvent>, validate: EventValidator): IntegrityReport => {
  const check = integrityCheck(validate);
  for (const event of events) check.add(event);
  return check.finish();
};
