import { DateTime, IANAZone } from 'luxon';
import type { ProjectionContext } from './projection.ts';

export const defaultReportingZone = 'Asia/Shanghai';

const hasOffset = /(?:[zZ]|[+-]\d\d(?::?\d\d)?)$/;
const QUARTER_HOUR = 15 * 60_000;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** YYYY-MM-DD of a UTC epoch (shifted by an offset beforehand). */
const utcDay = (ms: number): string => {
  const date = new Date(ms);
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
};

/**
 * The reporting calendar of a zone. Pure: the answers depend on the instant and the zone only.
 * It is fast because replays ask it for every event: instants with an offset are read with
 * `Date.parse`, and the zone's offset is looked up once per quarter hour (and only cached when it
 * is the same at both ends of the quarter, so a transition inside one is still exact). A day is a
 * calendar day (YYYY-MM-DD) in the zone; an instant without an offset is read in the zone.
 */
export const reportingCalendar = (zone: string = defaultReportingZone): ProjectionContext => {
  if (!IANAZone.isValidZone(zone)) throw new RangeError(`not an IANA time zone: ${zone}`);
  const offsets = new Map<number, number>();
  const offsetAt = (ms: number): number => DateTime.fromMillis(ms, { zone }).offset * 60_000;
  const offsetOf = (ms: number): number => {
    const quarter = Math.floor(ms / QUARTER_HOUR);
    const cached = offsets.get(quarter);
    if (cached !== undefined) return cached;
    const start = offsetAt(quarter * QUARTER_HOUR);
    if (start !== offsetAt((quarter + 1) * QUARTER_HOUR - 1)) return offsetAt(ms);
    if (offsets.size > 100_000) offsets.clear();
    offsets.set(quarter, start);
    return start;
  };
  const millisOf = (instant: string): number => {
    if (hasOffset.test(instant)) {
      const parsed = Date.parse(instant);
      if (!Number.isNaN(parsed)) return parsed;
    }
    const parsed = DateTime.fromISO(instant, { zone });
    return parsed.isValid ? parsed.toMillis() : Number.NaN;
  };
  const dayOfMillis = (ms: number): string => (Number.isNaN(ms) ? 'unknown' : utcDay(ms + offsetOf(ms)));
  return { zone, millisOf, dayOf: (instant) => dayOfMillis(millisOf(instant)) };
};
