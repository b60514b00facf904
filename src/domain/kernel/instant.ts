import { DateTime } from 'luxon';

/** Instants travel as ISO-8601 strings with an offset; these are the only sums the domain does on them. */
export type Instant = string;

const parse = (instant: Instant): DateTime => DateTime.fromISO(instant, { setZone: true });

export const isInstant = (value: string): boolean => {
  const parsed = parse(value);
  return parsed.isValid && /([zZ]|[+-]\d\d:?\d\d)$/.test(value);
};

export const millis = (instant: Instant): number => parse(instant).toMillis();

export const addMillis = (instant: Instant, ms: number): Instant =>
  DateTime.fromMillis(millis(instant) + ms, { zone: 'utc' }).toISO() as Instant;

export const latest = (a: Instant, b: Instant): Instant => (millis(a) >= millis(b) ? a : b);
