import { type AllStreamResolvedEvent, type EventStoreDBClient, START, streamNameFilter } from '@eventstore/db-client';
import { type SubscribeOptions, type Subscription, categoryOf } from '../../../application/ports/event-store.ts';
import { toStoredEvent } from './recorded-event.ts';

const PAUSE_AT = 256;
const RESUME_AT = 64;

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The hub's streams only: system streams ($-prefixed: $ce-, $et-, $$ metadata, statistics…) are
 * left out. A category matches `category-…` and also the stream named `category` alone (a stream
 * with no dash is its own category, as `categoryOf` says), hence a regex rather than a prefix.
 */
const filterFor = (category: string | undefined) =>
  category === undefined ? streamNameFilter({ regex: '^[^$]' }) : streamNameFilter({ regex: `^${escapeRegex(category)}(-|$)` });

/**
 * A catch-up subscription to $all through the client. Events are queued as the client emits
 * them and handed to the subscriber one at a time (the client stream is paused while the queue
 * is long). The server's caught-up marker arrives in the middle of the stream: at that moment
 * every event before it was either emitted already or still sits in the client's buffer, so
 * "caught up" is signalled once that many events have been handled.
 */
export const subscribeToAll = (client: EventStoreDBClient, options: SubscribeOptions): Subscription => {
  const source = client.subscribeToAll({ fromPosition: options.after ?? START, filter: filterFor(options.category) });
  const queue: AllStreamResolvedEvent[] = [];
  let received = 0;
  let handled = 0;
  let caughtUpAt: number | undefined;
  let stopping = false;
  let failure: unknown;
  let wake: () => void = () => undefined;

  let markCaughtUp: () => void = () => undefined;
  let failCaughtUp: (error: unknown) => void = () => undefined;
  const caughtUp = new Promise<void>((resolve, reject) => {
    markCaughtUp = resolve;
    failCaughtUp = reject;
  });
  caughtUp.catch(() => undefined); // a failure is reported through `done`
  const checkCaughtUp = (): void => {
    if (caughtUpAt !== undefined && handled >= caughtUpAt) markCaughtUp();
  };

  source.on('data', (resolved: AllStreamResolvedEvent) => {
    received += 1;
    queue.push(resolved);
    if (queue.length >= PAUSE_AT) source.pause();
    wake();
  });
  source.on('caughtUp', () => {
    caughtUpAt ??= received + source.readableLength;
    checkCaughtUp();
  });
  source.on('error', (error: unknown) => {
    failure = error;
    wake();
  });
  source.on('end', () => {
    failure ??= new Error('EventStoreDB ended the subscription');
    wake();
  });

  const run = async (): Promise<void> => {
    for (;;) {
      if (stopping) return;
      const next = queue.shift();
      if (next === undefined) {
        if (failure !== undefined) throw failure;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      if (queue.length <= RESUME_AT && source.isPaused()) source.resume();
      const record = next.event;
      if (
        record &&
        !record.streamId.startsWith('$') &&
        (options.category === undefined || categoryOf(record.streamId) === options.category)
      ) {
        await options.onEvent(toStoredEvent(record));
      }
      handled += 1;
      checkCaughtUp();
    }
  };

  const done = run().finally(() => void source.unsubscribe());
  done.catch(failCaughtUp);
  return {
    caughtUp,
    done,
    stop: async () => {
      stopping = true;
      wake();
      await done.catch(() => undefined);
    },
  };
};
