/** The event store, its appends counted by event type and timed (./hub-metrics.ts); everything else goes through as it is. */
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
  Subscription,
} from '../../application/ports/event-store.ts';
import type { HubMetrics } from './hub-metrics.ts';

export class MeasuredStore implements EventStore {
  constructor(
    private readonly store: EventStore,
    private readonly metrics: HubMetrics,
  ) {}

  async append(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    const timer = this.metrics.appendDuration.startTimer();
    const result = await this.store.append(stream, events, expected);
    timer();
    for (const event of events) this.metrics.eventsAppended.inc({ type: event.type });
    this.metrics.storePosition.set(Number(result.position.commit));
    return result;
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
