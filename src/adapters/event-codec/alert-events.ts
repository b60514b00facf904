/** What people did about alerts (`alert-{digest of the alert key}` streams). */
import { z } from 'zod';
import type { AlertEvent } from '../../application/alerts/acknowledge-alert.ts';
import { code, eventOf, instant, text } from './fields.ts';

export const alertEvent: z.ZodType<AlertEvent> = z.discriminatedUnion('type', [
  eventOf(
    'AlertAcknowledged',
    z.strictObject({
      alertKey: code,
      keyDigest: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 hex digits'),
      kind: z.enum(['MANUAL_INTERVENTION', 'ANOMALY', 'UNAPPLIED_CALLBACK', 'LAGGING', 'RECONCILIATION_FAILED']),
      subject: text,
      acknowledgedBy: text,
      acknowledgedAt: instant,
    }),
  ),
]);
