import type { RecordedEvent } from '../events/recorded-event.ts';
import { messageStreamName, waitedStream } from '../warehouse-messages/warehouse-message.ts';
import { parkedStreamName } from '../callbacks/parked-callbacks.ts';
import { type StepFindings, type StreamRules, broken, nothingFound } from './stream-rules.ts';

/**
 * The invariants of an archived warehouse message (`message-{messageId}`): the message first, once,
 * in the stream its id names; then, for a message parked until what it names is known, its
 * `CallbackParked` (right after it, for a message answered 404) and at most one outcome after that
 * (`ParkedCallbackSettled`), each naming the same message and what it
 * waited for.
 */
export const messageRules = (stream: string): StreamRules<RecordedEvent<'message'>> => {
  let status: number | null = null;
  let waiting: string | null = null;
  let settled = false;
  const ownStream = (messageId: string, type: string): StepFindings =>
    messageStreamName(messageId) === stream
      ? nothingFound
      : broken('a stream holds its own record', `${type} of ${messageStreamName(messageId)} kept in ${stream}`);
  return {
    step(event) {
      switch (event.type) {
        case 'WarehouseMessageReceived':
          if (event.revision !== 0n) return broken('a record is kept once', `${event.type} again at revision ${event.revision}`);
          status = event.data.status;
          return ownStream(event.data.messageId, event.type);
        case 'CallbackParked':
          if (event.revision !== 1n || status === null)
            return broken('a message is parked once, as it is kept', `${event.type} at revision ${event.revision}`);
          if (status !== 404) return broken('only a message answered 404 is parked', `${event.type} of a message answered ${status}`);
          waiting = waitedStream(event.data.waitingFor);
          return ownStream(event.data.messageId, event.type);
        case 'ParkedCallbackSettled':
          if (waiting === null) return broken('only a parked message is applied later', `${event.type} of a message never parked`);
          if (settled) return broken('a parked message is settled once', `${event.type} after its outcome`);
          settled = true;
          if (waitedStream(event.data.waitingFor) !== waiting)
            return broken(
              'an outcome names what its message waited for',
              `${event.type} for ${waitedStream(event.data.waitingFor)}, parked for ${waiting}`,
            );
          return ownStream(event.data.messageId, event.type);
      }
    },
    end: () => [],
  };
};

/** The invariants of `parked-{kind}-{no}`: each message filed once, in the stream of what it waits for. */
export const parkedRules = (stream: string): StreamRules<RecordedEvent<'parked'>> => {
  const filed = new Set<string>();
  return {
    step(event) {
      const own = parkedStreamName(event.data.waitingFor);
      if (own !== stream)
        return broken('a parked message is filed under what it waits for', `${event.data.messageId} for ${own} filed in ${stream}`);
      if (filed.has(event.data.messageId))
        return broken('a parked message is filed once', `${event.data.messageId} again at revision ${event.revision}`);
      filed.add(event.data.messageId);
      return nothingFound;
    },
    end: () => [],
  };
};
