import {
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
} from '@eventstore/db-client';
import {
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
  categoryOf,
  comparePositions,
} from '../../../application/ports/event-store.ts';
import { StreamConflict } from '../../../application/ports/stream-conflict.ts';
import { subscribeToAll } from './catch-up-subscription.ts';
import { toEsdbMetadata, toStoredEvent } from './recorded-event.ts';

const PAGE_SIZE = 512;

const isHubStream = (stream: string, category: string | undefined): boolean =>
  !stream.startsWith('$') && (category === undefined || categoryOf(stream) === category);

/**
 * The production event store: EventStoreDB through `@eventstore/db-client` (the only file
 * besides its siblings that knows the client, so that a move to `@kurrent/kurrentdb-client`
 * stays here). The hub's expected revisions are the client's own values ('no_stream', 'any',
 * 'stream_exists', bigint); positions are the server's commit/prepare pair.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly subscriptions = new Set<Subscription>();

  constructor(private readonly client: EventStoreDBClient) {}

  /** e.g. `esdb://localhost:2113?tls=false` */
  static connect(connectionString: string): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString));
  }

  async append(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('append needs at least one event');
    const proposed = events.map((event) =>
      jsonEvent({ id: event.id, type: event.type, data: event.data as Record<string, unknown>, metadata: toEsdbMetadata(event.metadata) }),
    );
    try {
      const result = await this.client.appendToStream(stream, proposed, { expectedRevision: expected satisfies AppendExpectedRevision });
      const position = result.position ?? (await this.positionOf(stream, result.nextExpectedRevision));
      return { nextExpectedRevision: result.nextExpectedRevision, position };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        throw new StreamConflict(stream, expected, error.actualVersion === 'no_stream' ? 'no_stream' : BigInt(error.actualVersion));
      }
      throw error;
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<readonly StoredEvent[]> {
    const backwards = options.direction === 'backwards';
    const events: StoredEvent[] = [];
    try {
      const read = this.client.readStream(stream, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
      });
      for await (const resolved of read) {
        if (resolved.event) events.push(toStoredEvent(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  /** $all has no server-side filter on reads in this client: pages are read and filtered here. */
  async readAll(options: ReadAllOptions = {}): Promise<readonly StoredEvent[]> {
    const wanted = options.maxCount ?? Number.POSITIVE_INFINITY;
    const events: StoredEvent[] = [];
    let seen: Position | undefined = options.after;
    for (;;) {
      const page: AllStreamResolvedEvent[] = [];
      for await (const resolved of this.client.readAll({ fromPosition: seen ?? START, maxCount: PAGE_SIZE })) page.push(resolved);
      for (const { event } of page) {
        if (!event || (seen && comparePositions(event.position, seen) <= 0)) continue;
        seen = event.position;
        if (!isHubStream(event.streamId, options.category)) continue;
        events.push(toStoredEvent(event));
        if (events.length >= wanted) return events;
      }
      if (page.length < PAGE_SIZE) return events;
    }
  }

  subscribe(options: SubscribeOptions): Subscription {
    const subscription = subscribeToAll(this.client, options);
    this.subscriptions.add(subscription);
    void subscription.done.then(
      () => this.subscriptions.delete(subscription),
      () => this.subscriptions.delete(subscription),
    );
    return subscription;
  }

  /** Stops the subscriptions still running, then closes the connection. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose();
  }

  /** An idempotent re-append comes back without a position: it is the position of the event already stored. */
  private async positionOf(stream: string, revision: bigint): Promise<Position> {
    const [event] = await this.readStream(stream, { fromRevision: revision, maxCount: 1 });
    if (!event) throw new Error(`stream ${stream} has no event at revision ${revision}`);
    return event.position;
  }
}
