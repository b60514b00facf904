import { DateTime } from 'luxon';

/**
 * A warehouse's time as an instant: with an offset it is taken as it is; without one (the
 * article's `"2025-11-22T10:00:00"`) it is read in the warehouse's zone. Answers an ISO-8601
 * instant with offset, or null when the text is not a date-time.
 */
export const warehouseInstant = (text: string, zone: string): string | null => {
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const parsed = hasOffset ? DateTime.fromISO(text, { setZone: true }) : DateTime.fromISO(text, { zone });
  return parsed.isValid ? parsed.toISO() : null;
};
