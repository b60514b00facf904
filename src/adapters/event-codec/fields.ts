/**
 * The field schemas the event codecs share: instants, codes, lines, the consignee, push outcomes.
 * Strict objects throughout: an extra field is a problem, as a missing one is.
 */
import { z } from 'zod';
import { isInstant } from '../../domain/kernel/instant.ts';

/** The shape the hub writes (`2025-11-22T02:00:00.000Z`, `…+08:00`) checked fast; anything else by the domain's own rule. */
const usualInstant = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const looksLikeAnInstant = (text: string): boolean => {
  const match = usualInstant.exec(text);
  if (match === null) return isInstant(text);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return !Number.isNaN(Date.parse(text)) && new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
};
export const instant = z.string().refine(looksLikeAnInstant, 'must be an ISO-8601 instant with an offset');
export const text = z.string();
export const code = z.string().min(1, 'must not be blank');
export const count = z.int().nonnegative();
export const positive = z.int().positive();
export const attempt = z.int().positive();

export const line = z.strictObject({ sku: code, quantity: positive, batchNo: z.string().optional() });
export const receivedLine = z.strictObject({ sku: code, quantity: count, batchNo: z.string().optional() });
export const lines = z.array(line);
export const consignee = z.strictObject({ name: text, phone: text, province: text, city: text, district: text, address: text });
export const pushFailed = z.strictObject({ attempt, error: text, retryable: z.boolean(), failedAt: instant });
export const pushRetryScheduled = z.strictObject({ attempt, dueAt: instant });
export const manualReason = z.enum(['PUSH_ATTEMPTS_EXHAUSTED', 'PUSH_REJECTED']);

/** One event type of a category: its type tag and the schema of its data. */
export const eventOf = <T extends string, D extends z.ZodType>(type: T, data: D) => z.strictObject({ type: z.literal(type), data });
