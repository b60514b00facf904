/**
 * The field schemas the event codecs share: instants, codes, lines, the consignee, push outcomes.
 * Strict objects throughout: an extra field is a problem, as a missing one is.
 */
import { z } from 'zod';
import { isInstant } from '../../domain/kernel/instant.ts';

/** The shape the hub writes (`2025-11-22T02:00:00.000Z`, `…+08:00`): its fields sit at fixed places. */
const usualInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
/** The two digits at `at` as a number. */
const twoDigits = (text: string, at: number): number => (text.charCodeAt(at) - 48) * 10 + (text.charCodeAt(at + 1) - 48);
const daysInMonth = (year: number, month: number): number =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : month === 4 || month === 6 || month === 9 || month === 11
      ? 30
      : 31;
/**
 * The usual shape with every field in range is an instant, checked without building a date (this
 * runs for every instant of every event read); anything else is left to the domain's own rule.
 */
export const looksLikeAnInstant = (text: string): boolean => usuallyValid(text) || isInstant(text);

const usuallyValid = (text: string): boolean => {
  if (!usualInstant.test(text)) return false;
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const zulu = text.endsWith('Z');
  const offsetOk = zulu || (twoDigits(text, text.length - 5) <= 23 && twoDigits(text, text.length - 2) <= 59);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    twoDigits(text, 11) <= 23 &&
    twoDigits(text, 14) <= 59 &&
    twoDigits(text, 17) <= 59 &&
    offsetOk
  );
};
export const instant = z.string().refine(looksLikeAnInstant, 'must be an ISO-8601 instant with an offset');
export const text = z.string();
export const code = z.string().min(1, 'must not be blank');
export const count = z.int().nonnegative();
export const positive = z.int().positive();
export const attempt = z.int().positive();

export const line = z.strictObject({ sku: code, quantity: positive, batchNo: z.string().optional() });
/** a receipt's line: since batches are kept, with the batch's dates when the warehouse gave them */
export const receivedLine = z.strictObject({
  sku: code,
  quantity: count,
  batchNo: z.string().optional(),
  productionDate: z.string().optional(),
  expiryDate: z.string().optional(),
});
export const lines = z.array(line);
export const consignee = z.strictObject({ name: text, phone: text, province: text, city: text, district: text, address: text });
export const pushFailed = z.strictObject({ attempt, error: text, retryable: z.boolean(), failedAt: instant });
/** `jitter` (a fraction in [0, 1)) since retries have jitter; an event written before has none, and reads as it was. */
export const pushStarted = z.strictObject({ attempt, target: code, startedAt: instant, expiresAt: instant });
export const pushRetryScheduled = z.strictObject({ attempt, dueAt: instant, jitter: z.number().min(0).lt(1).optional() });
export const manualReason = z.enum(['PUSH_ATTEMPTS_EXHAUSTED', 'PUSH_REJECTED']);

/** One event type of a category: its type tag and the schema of its data. */
export const eventOf = <T extends string, D extends z.ZodType>(type: T, data: D) => z.strictObject({ type: z.literal(type), data });
