import { DateTime } from 'luxon';
import { millis } from '../../domain/kernel/instant.ts';

const withOffset = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * A point in time as a person types it, as an ISO-8601 instant with offset, or null when the text
 * is not a date-time. With an offset (`2025-11-22T10:00:00+08:00`, `…Z`) it is taken as it is;
 * without one (`2025-11-22T10:00:00`, `2025-11-22 10:00`, `2025-11-22`) it is a local time, read in
 * `zone` (the warehouse zone the hub is configured with). A date alone is the start of that day;
 * a time of day alone is not taken.
 */
export const instantAt = (text: string, zone: string): string | null => {
  const trimmed = text.trim();
  // a time of day alone would mean "today", which depends on the clock: a date is required
  if (!/^\d{4}-?\d{2}/.test(trimmed)) return null;
  const hasOffset = withOffset.test(trimmed) && /\d[T ]\d/.test(trimmed);
  const options = hasOffset ? { setZone: true } : { zone };
  let parsed = DateTime.fromISO(trimmed, options);
  if (!parsed.isValid) parsed = DateTime.fromSQL(trimmed, options);
  return parsed.isValid ? parsed.toISO() : null;
};

/** True when `recordedAt` is at or before `at` (both instants with an offset; compared as instants). */
export const isAtOrBefore = (recordedAt: string, at: string): boolean => millis(recordedAt) <= millis(at);
