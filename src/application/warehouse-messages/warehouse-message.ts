/**
 * The archive of what warehouses send the hub: every message from an authenticated caller to a
 * warehouse endpoint is kept, raw, whatever became of it (applied, a duplicate, refused, for an
 * unknown order, not signed, not allowed), one `message-{messageId}` stream each. The events a
 * message caused name it (`metadata.callback.messageId`), and its answer says which it was
 * (`X-Hub-Message-Id`), so that a person can go from either to the other.
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

export type WarehouseMessageEvent = Readonly<{ type: 'WarehouseMessageReceived'; data: WarehouseMessage }>;

export const messageStreamName = (messageId: string): string => `message-${messageId}`;

/** Keep a message in the archive (its own new stream: a message is kept once). */
export const keepWarehouseMessage = async (deps: Dependencies, message: WarehouseMessage): Promise<void> => {
  const event: WarehouseMessageEvent = { type: 'WarehouseMessageReceived', data: message };
  await deps.store.append(
    messageStreamName(message.messageId),
    [
      {
        ...event,
        id: deps.ids.newId(),
        metadata: { correlationId: message.messageId, causationId: message.messageId, recordedAt: deps.clock.now() },
      },
    ],
    'no_stream',
  );
};
