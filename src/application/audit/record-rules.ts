import type { Category, RecordedEvent } from '../events/recorded-event.ts';
import { type StreamRules, broken, nothingFound } from './stream-rules.ts';

/**
 * The invariants of a record kept once in a stream of its own (an archived warehouse message
 * `message-{messageId}`, an alert's acknowledgement `alert-{digest}`): one event, in the stream
 * its own data names.
 */
export const recordRules = <C extends Category>(
  stream: string,
  ownStream: (event: RecordedEvent<C>) => string,
): StreamRules<RecordedEvent<C>> => ({
  step(event) {
    if (event.revision !== 0n) return broken('a record is kept once', `${event.type} again at revision ${event.revision}`);
    if (ownStream(event) !== stream)
      return broken('a stream holds its own record', `${event.type} of ${ownStream(event)} kept in ${stream}`);
    return nothingFound;
  },
  end: () => [],
});
