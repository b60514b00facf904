/**
 * Where the projections' events come from: the EventStore port, read page by page after a
 * position (catch-up, rebuild, verify and lag all read through the one paging loop here), or
 * followed live by a subscription. Whichever way, a stored event becomes the projections' input
 * in one function, `toProjectionInput`.
 */
import type { EventReader } from '../../application/events/event-reader.ts';
import { UndecodableEvent } from '../../application/events/undecodable-event.ts';
import type { EventStore, Position, StoredEvent, Subscription } from '../../application/ports/event-store.ts';
import type { Projection } from '../../application/projections/projection.ts';
import { type Checkpoint, compareCheckpoints, lowestOf } from './checkpoint.ts';

/** What a projection's evolve takes. */
export type ProjectionEvent = Parameters<Projection['evolve']>[0];

/**
 * Events for the projections, in store order, and the position they reach: that of the last
 * stored event, which may be one that could not be read (left out of `events`, it still moves the
 * checkpoints).
 */
export type EventRun = Readonly<{ events: readonly ProjectionEvent[]; end: Position }>;

/** An event the projections cannot read: reported, and left out (the checkpoints still move past it). */
export type OnUndecodable = (problem: UndecodableEvent) => void;

/** Events stored after a checkpoint, and when the first of them was recorded (null: none waits). */
export type Behind = Readonly<{ behind: number; waitingSince: string | null }>;

const READ_PAGE = 4_096;
/**
 * lag only counts, and decodes nothing; but the store parses every event it reads, and an event
 * may be large (a 500-line order, a callback's raw body in its metadata): small pages, so that
 * each read is short and the store gives the loop a turn between them
 */
const COUNT_PAGE = 256;

export class EventSource {
  constructor(
    private readonly store: EventStore,
    private readonly reader: EventReader,
    private readonly onUndecodable: OnUndecodable,
  ) {}

  /**
   * The one place where a stored event becomes the projections' input: decoded (at once, or
   * completed from its stream when it has an older shape). One that does not decode is reported
   * and comes back undefined, so that it is left out while the checkpoints still move past it
   * (it is reported once, not at every restart).
   */
  private toProjectionInput(stored: StoredEvent): ProjectionEvent | undefined | Promise<ProjectionEvent | undefined> {
    try {
      const event = this.reader.decodeNow(stored);
      return event instanceof Promise ? event.catch((error: unknown) => this.undecodable(error)) : event;
    } catch (error) {
      return this.undecodable(error);
    }
  }

  private undecodable(error: unknown): undefined {
    if (!(error instanceof UndecodableEvent)) throw error;
    this.onUndecodable(error);
    return undefined;
  }

  /**
   * The events after `after`, page by page, up to `until` inclusive (undefined: to the end of the
   * store; null: none at all), a run per page read.
   */
  async *pages(after: Checkpoint, until?: Checkpoint): AsyncGenerator<EventRun> {
    for await (const page of this.storedPages(after, until, READ_PAGE)) {
      const events: ProjectionEvent[] = [];
      for (const stored of page) {
        const input = this.toProjectionInput(stored);
        const event = input instanceof Promise ? await input : input;
        if (event !== undefined) events.push(event);
      }
      yield { events, end: (page[page.length - 1] as StoredEvent).position };
    }
  }

  /** Follows the store after `after`: every event stored before and after this call, in order, one at a time (undefined: could not be read); the next waits for what `onEvent` returns. */
  follow(after: Checkpoint, onEvent: (event: ProjectionEvent | undefined, position: Position) => Promise<void> | undefined): Subscription {
    return this.store.subscribe({
      ...(after === null ? {} : { after }),
      onEvent: async (stored) => {
        const input = this.toProjectionInput(stored);
        await onEvent(input instanceof Promise ? await input : input, stored.position);
      },
    });
  }

  /** How many events are stored after each checkpoint (0: caught up), and when the first of them was recorded (null: none). */
  async behind(checkpoints: ReadonlyMap<string, Checkpoint>): Promise<Record<string, Behind>> {
    const lag: Record<string, { behind: number; waitingSince: string | null }> = {};
    for (const name of checkpoints.keys()) lag[name] = { behind: 0, waitingSince: null };
    const lowest = lowestOf(checkpoints.values());
    if (lowest === undefined) return lag;
    for await (const page of this.storedPages(lowest, undefined, COUNT_PAGE))
      for (const event of page)
        for (const [name, checkpoint] of checkpoints) {
          const counted = lag[name];
          if (counted === undefined || compareCheckpoints(event.position, checkpoint) <= 0) continue;
          counted.behind += 1;
          counted.waitingSince ??= event.metadata.recordedAt;
        }
    return lag;
  }

  /** The paging loop: pages of `pageSize` after `after`, until the store has no more or `until` is reached. */
  private async *storedPages(after: Checkpoint, until: Checkpoint | undefined, pageSize: number): AsyncGenerator<readonly StoredEvent[]> {
    let from = after;
    while (until === undefined || compareCheckpoints(from, until) < 0) {
      const page = await this.store.readAll(from === null ? { maxCount: pageSize } : { after: from, maxCount: pageSize });
      const wanted = until === undefined ? page : page.filter((event) => compareCheckpoints(event.position, until) <= 0);
      const last = wanted.at(-1);
      if (last === undefined) return;
      yield wanted;
      if (wanted.length < page.length) return;
      from = last.position;
    }
  }
}
