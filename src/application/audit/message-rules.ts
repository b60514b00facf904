import type { RecordedEvent } from '../events/recorded-event.ts';
import { streamIdOf } from '../ports/event-store.ts';
import { type StreamRules, broken, nothingFound } from './stream-rules.ts';

/** An archived warehouse message's invariants (`message-{messageId}`): one event, for its own message id. */
export const messageRules = (stream: string): StreamRules<RecordedEvent<'message'>> => {
  const messageId = streamIdOf(stream);
  return {
    step(event) {
      if (event.revision !== 0n) return broken('a message is kept once', `${event.type} again at revision ${event.revision}`);
      if (event.data.messageId !== messageId)
        return broken('a stream holds its own message', `message ${event.data.messageId} kept in ${stream}`);
      return nothingFound;
    },
    end: () => [],
  };
};
