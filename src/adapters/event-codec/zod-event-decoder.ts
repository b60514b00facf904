/**
 * The event decoder: one zod codec per stream category (./order-events.ts and its siblings),
 * checked at compile time against the domain's own event types. A stored event is parsed by the
 * codec of its stream's category; what does not parse is reported with the field and the reason.
 */
import type { z } from 'zod';
import type { Category, CategoryEvents, HubEvent } from '../../application/events/recorded-event.ts';
import { isCategory } from '../../application/events/recorded-event.ts';
import type { Decoding, EventDecoder } from '../../application/ports/event-decoder.ts';
import { type StoredEvent, categoryOf, streamIdOf } from '../../application/ports/event-store.ts';
import { inboundEvent, legacyInboundEvent } from './inbound-events.ts';
import type { InboundState } from '../../domain/inbound-order/index.ts';
import type { OrderState } from '../../domain/outbound-order/index.ts';
import type { ReturnState } from '../../domain/return-order/index.ts';
import { type Message, compiled } from './compiled-codec.ts';
import { legacyOrderEvent, orderEvent } from './order-events.ts';
import { completeInboundEvent, completeOrderEvent, completeReturnEvent } from './upcasts.ts';
import { legacyReturnEvent, returnEvent } from './return-events.ts';
import { shipmentEvent } from './shipment-events.ts';
import { messageEvent } from './message-events.ts';
import { alertEvent } from './alert-events.ts';
import { parkedEvent } from './parked-events.ts';
import { stockEvent } from './stock-events.ts';

const problemsOf = (error: z.ZodError, type: string, category: string): string[] =>
  error.issues.map((issue) =>
    issue.path[0] === 'type' ? `${type} is not an event of ${category} streams` : `${issue.path.map(String).join('.')}: ${issue.message}`,
  );

const undecodable = (problems: readonly string[]): Decoding => ({ kind: 'undecodable', problems });

/**
 * The decoded event: its category, its domain type and data, where it sits and why it was written
 * (`Envelope`). Written field by field rather than spread from an envelope object: this runs for
 * every event of every replay.
 */
const recorded = <C extends Category>(category: C, message: CategoryEvents[C], stored: StoredEvent) => ({
  category,
  ...message,
  id: stored.id,
  stream: stored.stream,
  streamId: streamIdOf(stored.stream),
  revision: stored.revision,
  position: stored.position,
  metadata: stored.metadata,
});

/** An event of an older shape: parsed as it was written, to be completed from its aggregate before it (./upcasts.ts). */
const decodeLegacy = (category: Category, message: Message, stored: StoredEvent): Decoding | null => {
  switch (category) {
    case 'order': {
      const legacy = legacyOrderEvent.safeParse(message);
      if (!legacy.success) return null;
      const complete = (before: OrderState): HubEvent | null =>
        before.status === 'NONE' ? null : recorded(category, completeOrderEvent(legacy.data, before), stored);
      return { kind: 'needs-state-before', completion: { category, complete } };
    }
    case 'inbound': {
      const legacy = legacyInboundEvent.safeParse(message);
      if (!legacy.success) return null;
      const complete = (before: InboundState): HubEvent | null =>
        before.inbound === null ? null : recorded(category, completeInboundEvent(legacy.data, before.inbound), stored);
      return { kind: 'needs-state-before', completion: { category, complete } };
    }
    case 'return': {
      const legacy = legacyReturnEvent.safeParse(message);
      if (!legacy.success) return null;
      const complete = (before: ReturnState): HubEvent | null =>
        before.created === null ? null : recorded(category, completeReturnEvent(legacy.data, before.created), stored);
      return { kind: 'needs-state-before', completion: { category, complete } };
    }
    default:
      return null;
  }
};

type Parsed = Readonly<{ event: HubEvent; error?: never }> | Readonly<{ event?: never; error: z.ZodError }>;

/** Each category's codec compiled (./compiled-codec.ts): the fast check of the current shapes. */
const accepts = {
  order: compiled(orderEvent),
  inbound: compiled(inboundEvent),
  return: compiled(returnEvent),
  stock: compiled(stockEvent),
  shipment: compiled(shipmentEvent),
  message: compiled(messageEvent),
  alert: compiled(alertEvent),
  parked: compiled(parkedEvent),
};

/**
 * An event of the current shape, checked in place by the compiled codec of its category; null when
 * it is not one (then zod says why, or reads it as an older shape).
 */
const accepted = (category: Category, message: Message, stored: StoredEvent): HubEvent | null => {
  switch (category) {
    case 'order':
      return accepts.order(message) ? recorded(category, message, stored) : null;
    case 'inbound':
      return accepts.inbound(message) ? recorded(category, message, stored) : null;
    case 'return':
      return accepts.return(message) ? recorded(category, message, stored) : null;
    case 'stock':
      return accepts.stock(message) ? recorded(category, message, stored) : null;
    case 'shipment':
      return accepts.shipment(message) ? recorded(category, message, stored) : null;
    case 'message':
      return accepts.message(message) ? recorded(category, message, stored) : null;
    case 'alert':
      return accepts.alert(message) ? recorded(category, message, stored) : null;
    case 'parked':
      return accepts.parked(message) ? recorded(category, message, stored) : null;
  }
};

/** Parse with the category's zod codec, for the reason it refuses; one case per category, so each result keeps its own type. */
const parse = (category: Category, message: Message, stored: StoredEvent): Parsed => {
  switch (category) {
    case 'order': {
      const parsed = orderEvent.safeParse(message);
      return parsed.success ? { event: recorded(category, parsed.data, stored) } : { error: parsed.error };
    }
    case 'inbound': {
      const parsed = inboundEvent.safeParse(message);
      return parsed.success ? { event: recorded(category, parsed.data, stored) } : { error: parsed.error };
    }
    case 'return': {
      const parsed = returnEvent.safeParse(message);
      return parsed.success ? { event: recorded(category, parsed.data, stored) } : { error: parsed.error };
    }
    case 'stock': {
      const parsed = stockEvent.safeParse(message);
      return parsed.success ? { event: recorded(category, parsed.data, stored) } : { error: parsed.error };
    }
    case 'shipment': {
      const parsed = shipmentEvent.safeParse(message);
      return parsed.success ? { event: recorded(category, parsed.data, stored) } : { error: parsed.error };
    }
    case 'message': {
      const parsed = messageEvent.safeParse(message);
      return parsed.success ? { event: recorded(category, parsed.data, stored) } : { error: parsed.error };
    }
    case 'alert': {
      const parsed = alertEvent.safeParse(message);
      return parsed.success ? { event: recorded(category, parsed.data, stored) } : { error: parsed.error };
    }
    case 'parked': {
      const parsed = parkedEvent.safeParse(message);
      return parsed.success ? { event: recorded(category, parsed.data, stored) } : { error: parsed.error };
    }
  }
};

export class ZodEventDecoder implements EventDecoder {
  decode(stored: StoredEvent): Decoding {
    const category = categoryOf(stored.stream);
    if (!isCategory(category)) return undecodable([`no stream of category "${category}" is written by the hub`]);
    const message: Message = { type: stored.type, data: stored.data };
    const event = accepted(category, message, stored);
    if (event !== null) return { kind: 'decoded', event };
    const parsed = parse(category, message, stored);
    if (parsed.event !== undefined) return { kind: 'decoded', event: parsed.event };
    return decodeLegacy(category, message, stored) ?? undecodable(problemsOf(parsed.error, stored.type, category));
  }
}
