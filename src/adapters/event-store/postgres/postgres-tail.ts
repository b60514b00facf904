/**
 * The latest events of the PostgreSQL store, read once for every subscription of this process.
 *
 * Why. Each append wakes every subscription of every hub process (one NOTIFY), and a subscription
 * woken reads: two statements (the horizon, then the page), often for nothing (an append of
 * another category). A hub has about 25 subscriptions (the reactions, the projections, the
 * inventory, the live feed, the retry index, the backorder book): some 50 statements per append
 * per process, most of the database's work under load. Here the subscriptions that have caught up
 * share one read of `$all` instead: at most one read in flight, and the callers that came while it
 * was under way share the next one (a read that began before a caller asked may miss what
 * committed just before the call; the next one cannot).
 *
 * What it holds: the events after `from` up to `upTo`, every category, in store order (at most
 * about 2 × TAIL_CAPACITY; the oldest are dropped, and `from` moves up). It starts at the store's
 * last event below the horizon when first asked. A subscription whose position is below `from`
 * reads the store itself (./postgres-event-store.ts); one whose category had no event between its
 * position and `from` is moved up to `from` by its own short read (`coveredAfter`).
 *
 * The events are frozen through and through: one object is handed to several subscribers.
 */
import { type Position, type StoredEvent, categoryOf, comparePositions } from '../../../application/ports/event-store.ts';

/** how many events one read of the tail asks for; the tail keeps up to twice as many */
export const TAIL_CAPACITY = 2048;

export type TailSource = Readonly<{
  /** the position of the store's last event below the horizon (undefined: none) */
  head: () => Promise<Position | undefined>;
  /** as `PostgresEventStore.readAll`: the events after `after`, every one committed before the call, at most `limit` */
  read: (after: Position | undefined, limit: number) => Promise<readonly StoredEvent[]>;
}>;

const deepFrozen = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFrozen(inner);
    Object.freeze(value);
  }
  return value;
};

/** `a` ≤ `b`, undefined being before every position. */
const notAfter = (a: Position | undefined, b: Position | undefined): boolean =>
  a === undefined || (b !== undefined && comparePositions(a, b) <= 0);

export class StoreTail {
  private events: StoredEvent[] = [];
  private categories: string[] = [];
  /** what the tail covers: the events after `from` (exclusive) up to `upTo`; null: not started */
  private covered: Readonly<{ from: Position | undefined; upTo: Position | undefined }> | null = null;
  /** the read under way, and the one the callers that came during it wait for */
  private reading: Promise<void> | undefined;
  private nextReading: Promise<void> | undefined;

  constructor(private readonly source: TailSource) {}

  /** Where the tail starts now (null: not started: nothing is covered). */
  start(): Position | undefined | null {
    return this.covered === null ? null : this.covered.from;
  }

  /**
   * The events of `category` (undefined: all) after `after`, at most `limit`, every one committed
   * before the call; undefined when the tail does not reach back to `after` (the caller reads the store).
   */
  async page(after: Position | undefined, category: string | undefined, limit: number): Promise<readonly StoredEvent[] | undefined> {
    if (this.covered === null) await this.fresh();
    if (!this.covers(after)) return undefined;
    const cached = this.served(after, category, limit);
    if (cached.length >= limit) return cached;
    await this.fresh();
    return this.covers(after) ? this.served(after, category, limit) : undefined;
  }

  private covers(after: Position | undefined): boolean {
    return this.covered !== null && notAfter(this.covered.from, after);
  }

  private served(after: Position | undefined, category: string | undefined, limit: number): StoredEvent[] {
    const page: StoredEvent[] = [];
    // the first event after `after`: the tail is in store order
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (notAfter(this.events[middle]?.position, after)) low = middle + 1;
      else high = middle;
    }
    for (let i = low; i < this.events.length && page.length < limit; i += 1) {
      const event = this.events[i];
      if (event !== undefined && (category === undefined || this.categories[i] === category)) page.push(event);
    }
    return page;
  }

  /** Resolves once a read of the tail that began after this call has ended. */
  private fresh(): Promise<void> {
    if (this.reading === undefined) return this.startReading();
    this.nextReading ??= this.reading.then(
      () => this.startReading(),
      () => this.startReading(),
    );
    return this.nextReading;
  }

  private startReading(): Promise<void> {
    this.nextReading = undefined;
    const reading = this.readToEnd().finally(() => {
      if (this.reading === reading) this.reading = undefined;
    });
    this.reading = reading;
    return reading;
  }

  private async readToEnd(): Promise<void> {
    let covered = this.covered;
    if (covered === null) {
      const head = await this.source.head();
      covered = { from: head, upTo: head };
      this.covered = covered;
    }
    for (;;) {
      const page = await this.source.read(covered.upTo, TAIL_CAPACITY);
      for (const event of page) {
        this.events.push(deepFrozen(event));
        this.categories.push(categoryOf(event.stream));
      }
      const last = page.at(-1);
      if (last !== undefined) covered = { from: covered.from, upTo: last.position };
      const dropped = this.events.length > 2 * TAIL_CAPACITY ? this.events.length - TAIL_CAPACITY : 0;
      const lastDropped = this.events[dropped - 1];
      if (lastDropped !== undefined) {
        covered = { from: lastDropped.position, upTo: covered.upTo };
        this.events = this.events.slice(dropped);
        this.categories = this.categories.slice(dropped);
      }
      this.covered = covered;
      if (page.length < TAIL_CAPACITY) return;
    }
  }
}
