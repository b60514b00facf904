/**
 * The event decoder: one zod codec per stream category (./order-events.ts and its siblings),
 * checked at compile time against the domain's own event types. A stored event is parsed by the
 * codec of its stream's category; what does not parse is reported with the field and the reason.
 */
import type { z } from 'zod';
import type { Category, Envelope, HubEvent } from '../../application/events/recorded-event.ts';
import { isCategory } from '../../application/events/recorded-event.ts';
import type { Decoding, EventDecoder } from '../../application/ports/event-decoder.ts';
import { type StoredEvent, categoryOf, streamIdOf } from '../../application/ports/event-store.ts';
import { inboundEvent, legacyInboundEvent } from './inbound-events.ts';
import type { InboundState } from '../../domain/inbound-order/index.ts';
import type { OrderState } from '../../domain/outbound-order/index.ts';
import type { ReturnState } from '../../domain/return-order/index.ts';
import { legacyOrderEvent, orderEvent } from './order-events.ts';
import { completeInboundEvent, completeOrderEvent, completeReturnEvent } from './upcasts.ts';
import { legacyReturnEvent, returnEvent } from './return-events.ts';
import { shipmentEvent } from './shipment-events.ts';
import { stockEvent } from './stock-events.ts';

const problemsOf = (error: z.ZodError, type: string, category: string): string[] =>
  error.issues.map((issue) =>
    issue.path[0] === 'type' ? `${type} is not an event of ${category} streams` : `${issue.path.map(String).join('.')}: ${issue.message}`,
  );

const undecodable = (problems: readonly string[]): Decoding => ({ kind: 'undecodable', problems });

const envelopeOf = (stored: StoredEvent): Envelope => ({
  id: stored.id,
  stream: stored.stream,
  streamId: streamIdOf(stored.stream),
  revision: stored.revision,
  position: stored.position,
  metadata: stored.metadata,
});

/** An event of an older shape: parsed as it was written, to be completed from its aggregate before it (./upcasts.ts). */
const decodeLegacy = (category: Category, message: unknown, envelope: Envelope): Decoding | null => {
  switch (category) {
    case 'order': {
      const legacy = legacyOrderEvent.safeParse(message);
      if (!legacy.success) return null;
      const complete = (before: OrderState): HubEvent | null =>
        before.status === 'NONE' ? null : { category, ...completeOrderEvent(legacy.data, before), ...envelope };
      return { kind: 'needs-state-before', completion: { category, complete } };
    }
    case 'inbound': {
      const legacy = legacyInboundEvent.safeParse(message);
      if (!legacy.success) return null;
      const complete = (before: InboundState): HubEvent | null =>
        before.inbound === null ? null : { category, ...completeInboundEvent(legacy.data, before.inbound), ...envelope };
      return { kind: 'needs-state-before', completion: { category, complete } };
    }
    case 'return': {
      const legacy = legacyReturnEvent.safeParse(message);
      if (!legacy.success) return null;
      const complete = (before: ReturnState): HubEvent | null =>
        before.created === null ? null : { category, ...completeReturnEvent(legacy.data, before.created), ...envelope };
      return { kind: 'needs-state-before', completion: { category, complete } };
    }
    default:
      return null;
  }
};

type Parsed = Readonly<{ event: HubEvent; error?: never }> | Readonly<{ event?: never; error: z.ZodError }>;

/** Parse with the category's codec; one case per category, so each result keeps its own type. */
const parse = (category: Category, message: unknown, envelope: Envelope): Parsed => {
  switch (category) {
    case 'order': {
      const parsed = orderEvent.safeParse(message);
      return parsed.success ? { event: { category, ...parsed.data, ...envelope } } : { error: parsed.error };
    }
    case 'inbound': {
      const parsed = inboundEvent.safeParse(message);
      return parsed.success ? { event: { category, ...parsed.data, ...envelope } } : { error: parsed.error };
    }
    case 'return': {
      const parsed = returnEvent.safeParse(message);
      return parsed.success ? { event: { category, ...parsed.data, ...envelope } } : { error: parsed.error };
    }
    case 'stock': {
      const parsed = stockEvent.safeParse(message);
      return parsed.success ? { event: { category, ...parsed.data, ...envelope } } : { error: parsed.error };
    }
    case 'shipment': {
      const parsed = shipmentEvent.safeParse(message);
      return parsed.success ? { event: { category, ...parsed.data, ...envelope } } : { error: parsed.error };
    }
  }
};

export class ZodEventDecoder implements EventDecoder {
  decode(stored: StoredEvent): Decoding {
    const category = categoryOf(stored.stream);
    if (!isCategory(category)) return undecodable([`no stream of category "${category}" is written by the hub`]);
    const message = { type: stored.type, data: stored.data };
    const envelope = envelopeOf(stored);
    const parsed = parse(category, message, envelope);
    if (parsed.event !== undefined) return { kind: 'decoded', event: parsed.event };
    return decodeLegacy(category, message, envelope) ?? undecodable(problemsOf(parsed.error, stored.type, category));
  }
}
