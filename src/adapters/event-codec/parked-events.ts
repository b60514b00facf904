/** Parked warehouse messages filed under what they wait for (`parked-{kind}-{no}` streams). */
import { z } from 'zod';
import type { ParkedEvent } from '../../application/callbacks/parked-callbacks.ts';
import { code, eventOf, instant } from './fields.ts';
import { waitingFor } from './message-events.ts';

export const parkedEvent: z.ZodType<ParkedEvent> = z.discriminatedUnion('type', [
  eventOf('CallbackWaiting', z.strictObject({ messageId: code, endpoint: code, waitingFor, filedAt: instant })),
]);
