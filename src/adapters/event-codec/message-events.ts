/**
 * The archive's events (`message-{messageId}` streams): what a warehouse sent, kept raw; for a
 * message parked until what it names is known, that it was parked and what came of it.
 */
import { z } from 'zod';
import type { WarehouseMessageEvent } from '../../application/warehouse-messages/warehouse-message.ts';
import { code, eventOf, instant, text } from './fields.ts';

export const waitingFor = z.strictObject({ kind: z.enum(['order', 'inbound', 'return']), no: code });

export const messageEvent: z.ZodType<WarehouseMessageEvent> = z.discriminatedUnion('type', [
  eventOf(
    'WarehouseMessageReceived',
    z.strictObject({
      messageId: code,
      endpoint: code,
      caller: code,
      receivedAt: instant,
      timestamp: text.nullable(),
      signature: text.nullable(),
      contentType: text.nullable(),
      body: text,
      bodyEncoding: z.enum(['utf8', 'base64']),
      status: z.int().min(100).max(599),
      answer: text,
    }),
  ),
  eventOf('CallbackParked', z.strictObject({ messageId: code, endpoint: code, waitingFor, reason: text, parkedAt: instant })),
  eventOf(
    'ParkedCallbackSettled',
    z.strictObject({
      messageId: code,
      waitingFor,
      outcome: z.enum(['APPLIED', 'REFUSED']),
      changed: z.boolean(),
      status: z.int().min(100).max(599),
      answer: text,
      settledAt: instant,
    }),
  ),
]);
