/**
 * The in-memory store, watched: it knows, for every subscription (reactions, the retry index, the
 * backorder book, the inventory view), which event it has finished handling, so that `settle()`
 * can wait for the condition "everyone has handled everything of their category" instead of time.
 */
import { MemoryEventStore } from '../../src/adapters/event-store/memory/memory-event-store.ts';
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
} from '../../src/application/ports/event-store.ts';

type Follower = {
  category: string | undefined;
  after: Position | undefined;
  handled: Position | undefined;
  busy: boolean;
  failure: unknown;
};

export class WatchedStore implements EventStore {
  private readonly inner = new MemoryEventStore();
  private readonly followers = new Set<Follower>();

  append(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.inner.append(stream, events, expected);
  }

  readStream(stream: string, options?: ReadStreamOptions): Promise<readonly StoredEvent[]> {
    return this.inner.readStream(stream, options);
  }

  readAll(options?: ReadAllOptions): Promise<readonly StoredEvent[]> {
    return this.inner.readAll(options);
  }

  subscribe(options: SubscribeOptions): Subscription {
    const follower: Follower = { category: options.category, after: options.after, handled: undefined, busy: false, failure: undefined };
    this.followers.add(follower);
    const subscription = this.inner.subscribe({
      ...options,
      onEvent: async (event) => {
        follower.busy = true;
        try {
          await options.onEvent(event);
        } finally {
          follower.busy = false;
        }
        follower.handled = event.position;
      },
    });
    subscription.done.then(
      () => this.followers.delete(follower),
      (error: unknown) => {
        follower.failure = error ?? new Error('subscription failed');
      },
    );
    return subscription;
  }

  /** Wait (bounded, by loop turns, never by wall time) until every subscription has handled every event of its category. */
  async settle(): Promise<void> {
    let quiet = 0;
    let seen = -1;
    for (let turn = 0; turn < 20_000; turn += 1) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const events = await this.inner.readAll();
      const failed = [...this.followers].find((f) => f.failure !== undefined);
      if (failed !== undefined) throw new Error(`a subscription (category ${failed.category ?? 'all'}) failed`, { cause: failed.failure });
      const idle = [...this.followers].every((f) => !f.busy && WatchedStore.caughtUp(f, events));
      quiet = idle && events.length === seen ? quiet + 1 : 0;
      if (quiet >= 2) return;
      seen = events.length;
    }
    throw new Error('the hub did not settle: a reaction keeps appending or never finishes');
  }

  private static caughtUp(follower: Follower, events: readonly StoredEvent[]): boolean {
    const mine = events.filter(
      (e) =>
        (follower.category === undefined || categoryOf(e.stream) === follower.category) &&
        (follower.after === undefined || comparePositions(e.position, follower.after) > 0),
    );
    const last = mine.at(-1);
    return last === undefined || (follower.handled !== undefined && comparePositions(follower.handled, last.position) >= 0);
  }
}
