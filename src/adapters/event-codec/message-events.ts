/** The archive's events (`message-{messageId}` streams): what a warehouse sent, kept raw. */
import { z } from 'zod';
import type { WarehouseMessageEvent } from '../../application/warehouse-messages/warehouse-message.ts';
import { code, eventOf, instant, text } from './fields.ts';

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
]);
