/**
 * The one way the application reads events: from the store through the decoder, typed by
 * category, with older event shapes completed on read. Nothing here knows a wire format.
 */
import { fold } from '../../domain/kernel/decider.ts';
import { inboundOrders, orders, returnOrders } from '../commands/aggregates.ts';
import { type Completion, type EventDecoder, nothingBefore } from '../ports/event-decoder.ts';
import type { EventStore, Position, ReadAllOptions, ReadStreamOptions, StoredEvent, Subscription } from '../ports/event-store.ts';
import { type Category, type HubEvent, type RecordedEvent, isOfCategory } from './recorded-event.ts';
import { UndecodableEvent } from './undecodable-event.ts';

export type DecodedSubscribeOptions = Readonly<{
  /** exclusive, as the store's subscriptions */
  after?: Position;
  category?: Category;
  /** only events of these types are decoded and handed to `onEvent`; the others go to `onPassedOver` undecoded */
  types?: readonly string[];
  onEvent: (event: HubEvent) => void | Promise<void>;
  onPassedOver?: (position: Position) => void | Promise<void>;
  /** an event that does not decode: report it; the subscription then goes on with the next one */
  onUndecodable: (problem: UndecodableEvent) => void | Promise<void>;
}>;

export class EventReader {
  constructor(
    private readonly store: EventStore,
    private readonly decoder: EventDecoder,
  ) {}

  /** One stored event, decoded; throws {@link UndecodableEvent} when it cannot be read. */
  async decode(stored: StoredEvent): Promise<HubEvent> {
    return this.decodeNow(stored);
  }

  /**
   * The same, at once when it can be (the common case, for readers that go through many events):
   * only an event of an older shape, completed from its stream, comes as a promise.
   */
  decodeNow(stored: StoredEvent): HubEvent | Promise<HubEvent> {
    const decoding = this.decoder.decode(stored);
    if (decoding.kind === 'decoded') return decoding.event;
    if (decoding.kind === 'undecodable') throw new UndecodableEvent(stored, decoding.problems);
    return this.complete(decoding.completion, stored);
  }

  /** The events of one stream of a category, decoded, in order. */
  async readStream<C extends Category>(category: C, stream: string, options?: ReadStreamOptions): Promise<readonly RecordedEvent<C>[]> {
    const decoded: RecordedEvent<C>[] = [];
    for (const stored of await this.store.readStream(stream, options)) {
      const decoding = this.decodeNow(stored);
      const event = decoding instanceof Promise ? await decoding : decoding;
      if (!isOfCategory(event, category)) throw new UndecodableEvent(stored, [`${stream} is not a stream of category ${category}`]);
      decoded.push(event);
    }
    return decoded;
  }

  /** Events in store order (see the store's `readAll`), decoded. */
  async readAll(options?: ReadAllOptions): Promise<readonly HubEvent[]> {
    const decoded: HubEvent[] = [];
    for (const stored of await this.store.readAll(options)) {
      const decoding = this.decodeNow(stored);
      decoded.push(decoding instanceof Promise ? await decoding : decoding);
    }
    return decoded;
  }

  /** A catch-up subscription that hands over decoded events, and reports those that do not decode. */
  subscribe(options: DecodedSubscribeOptions): Subscription {
    return this.store.subscribe({
      ...(options.after === undefined ? {} : { after: options.after }),
      ...(options.category === undefined ? {} : { category: options.category }),
      onEvent: async (stored) => {
        if (options.types !== undefined && !options.types.includes(stored.type)) return options.onPassedOver?.(stored.position);
        let event: HubEvent;
        try {
          const decoding = this.decodeNow(stored);
          event = decoding instanceof Promise ? await decoding : decoding;
        } catch (error) {
          if (!(error instanceof UndecodableEvent)) throw error;
          return options.onUndecodable(error);
        }
        return options.onEvent(event);
      },
    });
  }

  /** An older event completed from its aggregate as it stood just before it. */
  private async complete(completion: Completion, stored: StoredEvent): Promise<HubEvent> {
    const completed = await this.completed(completion, stored);
    if (completed === null) throw new UndecodableEvent(stored, [nothingBefore(completion.category)]);
    return completed;
  }

  private async completed(completion: Completion, stored: StoredEvent): Promise<HubEvent | null> {
    switch (completion.category) {
      case 'order':
        return completion.complete(fold(orders.decider, await this.before('order', stored)));
      case 'inbound':
        return completion.complete(fold(inboundOrders.decider, await this.before('inbound', stored)));
      case 'return':
        return completion.complete(fold(returnOrders.decider, await this.before('return', stored)));
    }
  }

  /** The events of its stream before this one. */
  private async before<C extends Category>(category: C, stored: StoredEvent): Promise<readonly RecordedEvent<C>[]> {
    return stored.revision === 0n ? [] : this.readStream(category, stored.stream, { maxCount: Number(stored.revision) });
  }
}
