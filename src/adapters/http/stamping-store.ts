/**
 * The event store as a request appends to it: each event appended gets something more in its
 * metadata (the raw warehouse callback it came from, the credential that sent it); reads go
 * through as they are.
 */
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  JsonValue,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
  Subscription,
} from '../../application/ports/event-store.ts';

/** What to add to each event's metadata at the time of the append; undefined: nothing. */
export type Stamp = () => Readonly<Record<string, JsonValue>> | undefined;

export class StampingStore implements EventStore {
  constructor(
    private readonly store: EventStore,
    private readonly stamp: Stamp,
  ) {}

  append(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    const more = this.stamp();
    if (more === undefined) return this.store.append(stream, events, expected);
    return this.store.append(
      stream,
      events.map((event) => ({ ...event, metadata: { ...event.metadata, ...more } })),
      expected,
    );
  }

  readStream(stream: string, options?: ReadStreamOptions): Promise<readonly StoredEvent[]> {
    return this.store.readStream(stream, options);
  }

  readAll(options?: ReadAllOptions): Promise<readonly StoredEvent[]> {
    return this.store.readAll(options);
  }

  subscribe(options: SubscribeOptions): Subscription {
    return this.store.subscribe(options);
  }
}
