/**
 * The archive of what warehouses send the hub: every message from an authenticated caller to a
 * warehouse endpoint is kept, raw, whatever became of it (applied, a duplicate, refused, for an
 * unknown order, not signed, not allowed), one `message-{messageId}` stream each. The events a
 * message caused name it (`metadata.callback.messageId`), and its answer says which it was
 * (`X-Hub-Message-Id`), so that a person can go from either to the other.
 *
 * A callback refused only because the order (inbound, return) it names is not known yet is parked:
 * its stream holds `CallbackParked` right after the message, naming what it waits for; once that
 * appears, the hub applies it as the route would have (../callbacks/parked-callbacks.ts) and
 * records how that went (`ParkedCallbackSettled`: applied, or refused and why) in the same stream.
 */
import type { Dependencies } from '../dependencies.ts';

export type WarehouseMessage = Readonly<{
  /** a uuid, chosen when the message arrived */
  messageId: string;
  /** e.g. `/api/oms/outbound/callback` */
  endpoint: string;
  /** the caller it authenticated as (`metadata.actor`'s form) */
  caller: string;
  receivedAt: string;
  /** the signature headers as sent (null: not sent) */
  timestamp: string | null;
  signature: string | null;
  contentType: string | null;
  /** the body as received: its text when it is UTF-8, else its bytes in base64 */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  /** what the hub answered */
  status: number;
  answer: string;
}>;

/** What a parked callback waits for: the order (inbound, return) it names, by number. */
export type WaitingFor = Readonly<{ kind: 'order' | 'inbound' | 'return'; no: string }>;

/** The stream of what it waits for: `order-OMS1`, `inbound-IN1`, `return-R1`. */
export const waitedStream = (waiting: WaitingFor): string => `${waiting.kind}-${waiting.no}`;

/** The message was refused only because what it names is not known yet: it waits for it. */
export type CallbackParked = Readonly<{
  type: 'CallbackParked';
  data: Readonly<{ messageId: string; endpoint: string; waitingFor: WaitingFor; reason: string; parkedAt: string }>;
}>;

/**
 * What it waited for appeared, and the parked message was tried again as its route applies it:
 * `APPLIED` (`changed` false: it had already been applied, the same waybill, message id or report
 * having come in since) or `REFUSED`, with the status the route answers and why. One event type
 * for both outcomes: the union of the hub's events is at the size the compiler can still narrow.
 */
export type ParkedCallbackSettled = Readonly<{
  type: 'ParkedCallbackSettled';
  data: Readonly<{
    messageId: string;
    waitingFor: WaitingFor;
    outcome: 'APPLIED' | 'REFUSED';
    /** APPLIED: whether it changed anything */
    changed: boolean;
    /** what the route answers: 200, or the refusal's status (403 another warehouse's order, 409, 422 …) */
    status: number;
    /** the route's answer: `success`, `already applied`, or why it was refused */
    answer: string;
    settledAt: string;
  }>;
}>;

export type WarehouseMessageEvent =
  Readonly<{ type: 'WarehouseMessageReceived'; data: WarehouseMessage }> | CallbackParked | ParkedCallbackSettled;

export const messageStreamName = (messageId: string): string => `message-${messageId}`;

/**
 * Keep a message in the archive (its own new stream: a message is kept once); a message parked
 * until what it names is known is kept with its `CallbackParked`, in the same append.
 */
export const keepWarehouseMessage = async (
  deps: Dependencies,
  message: WarehouseMessage,
  parked?: Readonly<{ waitingFor: WaitingFor }>,
): Promise<void> => {
  const metadata = { correlationId: message.messageId, causationId: message.messageId, recordedAt: deps.clock.now() };
  const received: WarehouseMessageEvent = { type: 'WarehouseMessageReceived', data: message };
  const receivedId = deps.ids.newId();
  const parking: CallbackParked | undefined =
    parked === undefined
      ? undefined
      : {
          type: 'CallbackParked',
          data: {
            messageId: message.messageId,
            endpoint: message.endpoint,
            waitingFor: parked.waitingFor,
            reason: message.answer,
            parkedAt: metadata.recordedAt,
          },
        };
  await deps.store.append(
    messageStreamName(message.messageId),
    [
      { ...received, id: receivedId, metadata },
      ...(parking === undefined ? [] : [{ ...parking, id: deps.ids.newId(), metadata: { ...metadata, causationId: receivedId } }]),
    ],
    'no_stream',
  );
};
