import { fc, test } from '@fast-check/vitest';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { reportingCalendar } from '../../../src/application/projections/calendar.ts';

const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'UTC'] as const;
const instants = fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2030-12-31T23:59:59Z') });

describe('the reporting calendar', () => {
  test.prop([fc.constantFrom(...zones), instants, fc.constantFrom('Z', '+08:00', '-05:30')])(
    'gives the day luxon gives, in any zone, across daylight-saving changes, whatever offset the instant is written with',
    (zone, ms, offset) => {
      const calendar = reportingCalendar(zone);
      const written = DateTime.fromMillis(ms, { zone: offset === 'Z' ? 'utc' : `UTC${offset}` }).toISO() as string;
      expect(calendar.millisOf(written)).toBe(ms);
      expect(calendar.dayOf(written)).toBe(DateTime.fromMillis(ms, { zone }).toISODate());
    },
  );

  it("reads a time without an offset (the article's shippedTime) in its zone", () => {
    const calendar = reportingCalendar('Asia/Shanghai');
    expect(calendar.millisOf('2025-11-22T10:00:00')).toBe(Date.parse('2025-11-22T02:00:00Z'));
    expect(calendar.dayOf('2025-11-22T23:30:00')).toBe('2025-11-22');
  });

  it('refuses a zone that is not one', () => {
    expect(() => reportingCalendar('Mars/Olympus')).toThrow(/not an IANA time zone/);
  });
});
