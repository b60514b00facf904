// Stored events to decoded ones in tests, through the hub's own decoder (no legacy completion:
// a test that needs it goes through the EventReader).
import { EventReader } from '../../src/application/events/event-reader.ts';
import type { HubEvent } from '../../src/application/events/recorded-event.ts';
import type { EventStore, StoredEvent } from '../../src/application/ports/event-store.ts';
import type { Reaction } from '../../src/application/reactions/reaction.ts';
import { ZodEventDecoder } from '../../src/adapters/event-codec/zod-event-decoder.ts';

const decoder = new ZodEventDecoder();

export const decoded = (stored: StoredEvent): HubEvent => {
  const decoding = decoder.decode(stored);
  if (decoding.kind === 'decoded') return decoding.event;
  throw new Error(`${stored.type} at ${stored.stream}@${stored.revision} does not decode: ${JSON.stringify(decoding)}`);
};

/** Hand a stored event to a reaction as the runner would: decoded, and only if the reaction names it. */
export const deliver = async <E extends HubEvent>(reaction: Reaction<E>, stored: StoredEvent): Promise<boolean> => {
  const event = decoded(stored);
  if (!reaction.handles.canHandle(event)) return false;
  await reaction.handle(event);
  return true;
};

/** An event reader over a store, with the hub's decoder. */
export const readerOf = (store: EventStore): EventReader => new EventReader(store, decoder);
