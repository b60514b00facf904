/**
 * The metadata every stored event carries (application/ports/event-store.ts `EventMetadata`),
 * checked as `oms verify` checks it: the correlation and causation ids, the instant it was
 * recorded, and the raw warehouse callback it came from when there is one. Other keys are kept as
 * they are. The event's type and data are the codecs' (./zod-event-decoder.ts).
 */
import { z } from 'zod';
import type { MetadataValidator } from '../../application/audit/integrity-check.ts';
import { code, instant } from './fields.ts';

export const eventMetadata = z.looseObject({
  correlationId: code,
  causationId: code,
  recordedAt: instant,
  callback: z.strictObject({ endpoint: code, body: z.json(), messageId: code.optional() }).optional(),
  // W3C trace context of the flow (../http/trace-context.ts)
  traceparent: z
    .string()
    .regex(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
    .optional(),
});

/** The metadata's problems, each as `metadata.<field>: <reason>`; [] when it is valid. */
export const validateMetadata: MetadataValidator = (metadata) => {
  const parsed = eventMetadata.safeParse(metadata);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${['metadata', ...issue.path.map(String)].join('.')}: ${issue.message}`);
};
