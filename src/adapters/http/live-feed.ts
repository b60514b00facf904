/**
 * The store's appends as they happen, for the consoles following them (GET /api/oms/live): one
 * catch-up subscription to the store, shared by every listener however many there are, so that a
 * console costs the store nothing of its own. It starts where the hub stood when it began to serve
 * (what was stored before that is history and goes to nobody); from then on each event appended is
 * handed, in store order, to every listener listening at that moment. A listener is released when
 * it says so (its client went away); `listening` counts those not released.
 *
 * The subscription is the store's own (../event-store/catch-up-subscription.ts on SQLite: woken by
 * each commit, never a timer). If it fails, every listener is ended, and new ones are refused.
 */
import type { EventStore, Position, StoredEvent, Subscription } from '../../application/ports/event-store.ts';
import { HttpProblem } from './answer.ts';

export type LiveListener = Readonly<{
  /** an event just appended; must not throw (it runs inside the store's subscription) */
  appended: (event: StoredEvent) => void;
  /** the feed stopped (the hub stops, or the subscription failed): nothing more will come */
  ended: () => void;
}>;

export class LiveFeed {
  private readonly listeners = new Set<LiveListener>();
  private subscription: Subscription | undefined;
  /** why the feed no longer follows the store; undefined while it does (or has not started) */
  private stopped: string | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly onError: (error: unknown) => void,
    /** how many listeners at once: each holds a connection open; one more is refused (503) */
    private readonly maxListeners = 100,
  ) {}

  /** Follows the store after `after` (undefined: from its first event); resolves once caught up: from then on, appends go to listeners. */
  async start(after: Position | undefined): Promise<void> {
    const subscription = this.store.subscribe({
      ...(after === undefined ? {} : { after }),
      onEvent: (event) => {
        for (const listener of this.listeners) listener.appended(event);
      },
    });
    this.subscription = subscription;
    subscription.done.catch((error: unknown) => {
      this.onError(error);
      this.end('the live feed stopped on an error; the hub must be restarted to follow the store again');
    });
    await subscription.caughtUp;
  }

  /** Listens from now on; answers how to stop listening. Refused (503) once the feed has stopped, or while `maxListeners` listen. */
  listen(listener: LiveListener): () => void {
    if (this.stopped !== undefined) throw new HttpProblem(503, this.stopped);
    if (this.listeners.size >= this.maxListeners)
      throw new HttpProblem(503, `${this.maxListeners} live streams are open already (LIVE_MAX_STREAMS): try again later`);
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** How many listeners are listening now. */
  get listening(): number {
    return this.listeners.size;
  }

  /** Stops following the store; every listener is ended. */
  async stop(): Promise<void> {
    this.end('the hub is stopping');
    await this.subscription?.stop();
  }

  private end(why: string): void {
    this.stopped ??= why;
    const ending = [...this.listeners];
    this.listeners.clear();
    for (const listener of ending) listener.ended();
  }
}
