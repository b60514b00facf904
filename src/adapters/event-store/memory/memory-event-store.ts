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
import { AppendSignal } from '../append-signal.ts';
import { startCatchUpSubscription } from '../catch-up-subscription.ts';
import { eventIdTaken } from '../event-id-taken.ts';
import { actualRevision, meetsExpected, replayedUpTo } from '../expected-revision.ts';

/**
 * The event store in memory, for unit tests: the same rules as SQLite and EventStoreDB (the
 * contract suite runs on it too). Events go through JSON on the way in, as they would on disk.
 */
export class MemoryEventStore implements EventStore {
  private readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly byId = new Map<string, StoredEvent>();
  private readonly appended = new AppendSignal();

  async append(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('append needs at least one event');
    const existing = this.streams.get(stream) ?? [];
    const last = BigInt(existing.length) - 1n;
    const replay = this.replay(stream, events, expected);
    if (replay) return replay;
    if (!meetsExpected(expected, last)) throw new StreamConflict(stream, expected, actualRevision(last));
    const holder = events.map((event) => this.byId.get(event.id)).find((found) => found !== undefined);
    if (holder) throw eventIdTaken(holder, stream, expected, last);

    const stored = events.map((event, index): StoredEvent => {
      const sequence = BigInt(this.all.length + index + 1);
      return {
        id: event.id,
        type: event.type,
        data: JSON.parse(JSON.stringify(event.data)) as object,
        metadata: JSON.parse(JSON.stringify(event.metadata)) as StoredEvent['metadata'],
        stream,
        revision: last + 1n + BigInt(index),
        position: { commit: sequence, prepare: sequence },
      };
    });
    this.all.push(...stored);
    this.streams.set(stream, [...existing, ...stored]);
    for (const event of stored) this.byId.set(event.id, event);
    this.appended.notify();
    const final = stored[stored.length - 1] as StoredEvent;
    return { nextExpectedRevision: final.revision, position: final.position };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<readonly StoredEvent[]> {
    const events = this.streams.get(stream) ?? [];
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (options.direction === 'backwards') {
      const from = options.fromRevision ?? BigInt(events.length - 1);
      return events
        .filter((event) => event.revision <= from)
        .reverse()
        .slice(0, maxCount);
    }
    const from = options.fromRevision ?? 0n;
    return events.filter((event) => event.revision >= from).slice(0, maxCount);
  }

  async readAll(options: ReadAllOptions = {}): Promise<readonly StoredEvent[]> {
    return this.page(options.after, options.category, options.maxCount ?? Number.MAX_SAFE_INTEGER);
  }

  subscribe(options: SubscribeOptions): Subscription {
    return startCatchUpSubscription(
      { readPage: (after, category, limit) => this.page(after, category, limit), nextAppend: () => this.appended.next() },
      options,
    );
  }

  private page(after: Position | undefined, category: string | undefined, limit: number): readonly StoredEvent[] {
    const start = after === undefined ? 0 : this.all.findIndex((event) => comparePositions(event.position, after) > 0);
    if (start < 0) return [];
    const page: StoredEvent[] = [];
    for (let index = start; index < this.all.length && page.length < limit; index += 1) {
      const event = this.all[index] as StoredEvent;
      if (category === undefined || categoryOf(event.stream) === category) page.push(event);
    }
    return page;
  }

  private replay(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): AppendResult | undefined {
    const first = this.byId.get((events[0] as EventToAppend).id);
    if (first?.stream !== stream) return undefined;
    const existing = this.streams.get(stream) ?? [];
    const upTo = replayedUpTo(
      expected,
      events.map((event) => event.id),
      first.revision,
      (revision) => existing[Number(revision)]?.id,
    );
    if (upTo === undefined) return undefined;
    const final = existing[Number(upTo)] as StoredEvent;
    return { nextExpectedRevision: final.revision, position: final.position };
  }
}
