import type { Position, StoredEvent, SubscribeOptions, Subscription } from '../../application/ports/event-store.ts';

/** What a store read by pages (SQLite in this process, PostgreSQL over a pool) offers a catch-up subscription. */
export type PagedSource = Readonly<{
  /**
   * Events after `after` (exclusive), in position order, at most `limit`, and at least every event
   * committed before the call (SQLite: synchronous, nothing commits in between; PostgreSQL: see ./postgres).
   * `stopped` is aborted when the subscription stops: a read that waits (PostgreSQL out of reach) may give up then.
   */
  readPage: (
    after: Position | undefined,
    category: string | undefined,
    limit: number,
    stopped: AbortSignal,
  ) => readonly StoredEvent[] | Promise<readonly StoredEvent[]>;
  /** Settles at the next commit (or poll tick); taken before a read so that no commit slips past unseen. */
  nextAppend: () => Promise<void>;
}>;

const PAGE_SIZE = 512;
/** Events handled between two turns given back to the event loop, so that HTTP requests are not starved by a long catch-up. */
const EVENTS_PER_TURN = 16;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A catch-up subscription over a store read by pages: read a page after the last handled
 * position, hand each event to the subscriber in turn, and when a page comes back short
 * (nothing more stored) signal caught-up and wait for the next append. The position moves only
 * after the handler returned, so the seam between catch-up and live has no gap and no duplicate.
 */
export const startCatchUpSubscription = (source: PagedSource, options: SubscribeOptions): Subscription => {
  let stopping = false;
  const stopped = new AbortController();
  let requestStop: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => {
    requestStop = resolve;
  });
  let markCaughtUp: () => void = () => undefined;
  let failCaughtUp: (error: unknown) => void = () => undefined;
  const caughtUp = new Promise<void>((resolve, reject) => {
    markCaughtUp = resolve;
    failCaughtUp = reject;
  });
  caughtUp.catch(() => undefined); // a failure is reported through `done`

  const run = async (): Promise<void> => {
    let after = options.after;
    let handledThisTurn = 0;
    while (!stopping) {
      const appended = source.nextAppend();
      const page = await source.readPage(after, options.category, PAGE_SIZE, stopped.signal);
      for (const event of page) {
        if (stopping) return;
        await options.onEvent(event);
        after = event.position;
        handledThisTurn += 1;
        if (handledThisTurn >= EVENTS_PER_TURN) {
          handledThisTurn = 0;
          await nextTurn();
        }
      }
      if (page.length < PAGE_SIZE) {
        markCaughtUp();
        await Promise.race([appended, stopRequested]);
      }
    }
  };

  const done = run();
  done.catch(failCaughtUp);
  return {
    caughtUp,
    done,
    stop: async () => {
      stopping = true;
      requestStop();
      stopped.abort();
      await done.catch(() => undefined);
    },
  };
};
