import type { HubEvent } from '../events/recorded-event.ts';
import { type Completion, type Decoding, type EventDecoder, nothingBefore } from '../ports/event-decoder.ts';
import { type StoredEvent, categoryOf, positionToString } from '../ports/event-store.ts';
import { inboundRules } from './inbound-rules.ts';
import { recordRules } from './record-rules.ts';
import { messageRules, parkedRules } from './message-rules.ts';
import { alertStreamName } from '../alerts/acknowledge-alert.ts';
import { orderRules } from './order-rules.ts';
import { returnRules } from './return-rules.ts';
import { shipmentRules } from './shipment-rules.ts';
import { stockRules } from './stock-rules.ts';
import { type Excusable, type StreamRules, anomalyKindOf, rulesOfCategory } from './stream-rules.ts';

/**
 * Checks a stored event's metadata (correlation and causation ids, the instant it was recorded,
 * the raw callback it came from): the problems found, each as `metadata.<field>: <reason>`; []
 * when it is valid. The schema lives next to the event codecs (src/adapters/event-codec/metadata.ts):
 * the application only asks, as it asks the {@link EventDecoder} about type and data.
 */
export type MetadataValidator = (metadata: StoredEvent['metadata']) => readonly string[];

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

/**
 * The invariants a stream keeps, by its category (null: a category the hub does not write), and
 * how an event of an older shape is completed in it: from the aggregate as the fold has it so far.
 */
type Checked = Readonly<{ rules: StreamRules; complete: (completion: Completion) => HubEvent | null }>;

const cannotComplete = (completion: Completion, stream: string): never => {
  throw new Error(`an event completed from its ${completion.category} before it, in ${stream}`);
};

const checkedAs = (stream: string): Checked | null => {
  switch (categoryOf(stream)) {
    case 'order': {
      const rules = orderRules(stream);
      const complete = (c: Completion) => (c.category === 'order' ? c.complete(rules.state()) : cannotComplete(c, stream));
      return { rules: rulesOfCategory('order', rules), complete };
    }
    case 'inbound': {
      const rules = inboundRules(stream);
      const complete = (c: Completion) => (c.category === 'inbound' ? c.complete(rules.state()) : cannotComplete(c, stream));
      return { rules: rulesOfCategory('inbound', rules), complete };
    }
    case 'return': {
      const rules = returnRules(stream);
      const complete = (c: Completion) => (c.category === 'return' ? c.complete(rules.state()) : cannotComplete(c, stream));
      return { rules: rulesOfCategory('return', rules), complete };
    }
    case 'stock':
      return { rules: rulesOfCategory('stock', stockRules(stream)), complete: (c) => cannotComplete(c, stream) };
    case 'shipment':
      return { rules: rulesOfCategory('shipment', shipmentRules(stream)), complete: (c) => cannotComplete(c, stream) };
    case 'message':
      return { rules: rulesOfCategory('message', messageRules(stream)), complete: (c) => cannotComplete(c, stream) };
    case 'parked':
      return { rules: rulesOfCategory('parked', parkedRules(stream)), complete: (c) => cannotComplete(c, stream) };
    case 'alert': {
      const rules = recordRules<'alert'>(stream, (event) => alertStreamName(event.data.keyDigest));
      return { rules: rulesOfCategory('alert', rules), complete: (c) => cannotComplete(c, stream) };
    }
    default:
      return null;
  }
};

type Pending = Excusable & Readonly<{ at: StoredEvent }>;

type StreamAudit = {
  readonly stream: string;
  readonly checked: Checked | null;
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
 * Per stream it checks that revisions run from 0 with no gap or repeat; that each event decodes
 * (`decoder`: its type is known for its category, its data matches; an older shape the decoder
 * completes from the order before it is a valid event) and its metadata is valid
 * (`validateMetadata`); and, folding the stream's decoded events with the domain's own `evolve`,
 * the domain's invariants after every step (see the rules of each category: order-rules.ts,
 * stock-rules.ts, …). A rule the domain answers with an anomaly event (a shipment of more than
 * was ordered, a stock deduction below zero) counts as broken only when that anomaly does not
 * follow. An event that does not decode, or whose metadata is invalid, stops the fold of its
 * stream (the states after it would mean nothing); the revision check goes on.
 */
export const integrityCheck = (
  decoder: EventDecoder,
  validateMetadata: MetadataValidator,
  options: Readonly<{ maxFindingsPerStream?: number }> = {},
) => {
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

  /** The event does not decode, or its metadata is invalid: a finding, and the fold of its stream stops. */
  const schemaBroken = (audit: StreamAudit, event: StoredEvent, problems: readonly string[]): void => {
    record(audit, {
      ...at(event),
      rule: 'events match their schema',
      message: `${problems.length === 0 ? `${event.type} does not decode` : problems.join('; ')}${audit.folding ? ' (invariants not checked after it)' : ''}`,
    });
    audit.folding = false;
  };

  const auditOf = (stream: string): StreamAudit => {
    const known = streams.get(stream);
    if (known !== undefined) return known;
    const checked = checkedAs(stream);
    const audit: StreamAudit = {
      stream,
      checked,
      nextRevision: 0n,
      events: 0,
      folding: true,
      pending: [],
      findings: [],
      moreFindings: 0,
    };
    if (checked === null) {
      record(audit, {
        revision: null,
        position: null,
        type: null,
        rule: 'known category',
        message: `the hub writes no stream of category "${categoryOf(stream)}"`,
      });
    }
    streams.set(stream, audit);
    return audit;
  };

  /** An anomaly excuses the pending break it answers; any other event makes the pending breaks findings. */
  const settlePending = (audit: StreamAudit, event: HubEvent): void => {
    if (audit.pending.length === 0) return;
    const kind = anomalyKindOf(event);
    if (kind === null) {
      flushPending(audit);
      return;
    }
    const excused = audit.pending.findIndex((pending) => pending.anomalyKinds.includes(kind));
    if (excused >= 0) audit.pending.splice(excused, 1);
  };

  const nothingBeforeIt = (decoding: Exclude<Decoding, Readonly<{ kind: 'undecodable' }>>): string =>
    decoding.kind === 'needs-state-before' ? nothingBefore(decoding.completion.category) : 'no event';

  /** One valid event into the fold: decoded, or an older shape completed from the order as the fold has it so far. */
  const fold = (
    audit: StreamAudit,
    checked: Checked,
    stored: StoredEvent,
    decoding: Exclude<Decoding, Readonly<{ kind: 'undecodable' }>>,
  ): void => {
    try {
      const event = decoding.kind === 'decoded' ? decoding.event : checked.complete(decoding.completion);
      if (event === null) {
        audit.folding = false;
        record(audit, { ...at(stored), rule: 'events match their schema', message: nothingBeforeIt(decoding) });
        return;
      }
      settlePending(audit, event);
      const found = checked.rules.step(event);
      for (const finding of found.broken) record(audit, { ...at(stored), ...finding });
      for (const excusable of found.excusable) audit.pending.push({ ...excusable, at: stored });
    } catch (error) {
      audit.folding = false;
      record(audit, {
        ...at(stored),
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
      const { checked } = audit;
      if (checked === null) return;
      const decoding = decoder.decode(event);
      const problems = [...(decoding.kind === 'undecodable' ? decoding.problems : []), ...validateMetadata(event.metadata)];
      if (decoding.kind === 'undecodable' || problems.length > 0) {
        schemaBroken(audit, event, problems);
        return;
      }
      if (audit.folding) fold(audit, checked, event, decoding);
    },

    finish(): IntegrityReport {
      const categories: Record<string, number> = {};
      const broken: StreamReport[] = [];
      for (const audit of streams.values()) {
        const category = categoryOf(audit.stream);
        categories[category] = (categories[category] ?? 0) + 1;
        if (audit.folding && audit.checked !== null) {
          flushPending(audit);
          for (const finding of audit.checked.rules.end()) record(audit, { revision: null, position: null, type: null, ...finding });
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
export const checkIntegrity = (
  events: Iterable<StoredEvent>,
  decoder: EventDecoder,
  validateMetadata: MetadataValidator,
): IntegrityReport => {
  const check = integrityCheck(decoder, validateMetadata);
  for (const event of events) check.add(event);
  return check.finish();
};
