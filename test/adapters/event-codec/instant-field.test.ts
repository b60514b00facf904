/** The instant check every decoded event goes through: fast for the usual shape, and no laxer than the domain's own rule. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instant } from '../../../src/adapters/event-codec/fields.ts';
import { isInstant } from '../../../src/domain/kernel/instant.ts';

const ok = (text: string): boolean => instant.safeParse(text).success;

describe('the instant field', () => {
  it('takes what the hub writes, and real calendar days only', () => {
    expect(ok('2025-11-22T02:00:00.000Z')).toBe(true);
    expect(ok('2025-11-22T10:00:00+08:00')).toBe(true);
    expect(ok('2024-02-29T00:00:00Z')).toBe(true);
    expect(ok('2025-02-29T00:00:00Z')).toBe(false);
    expect(ok('2025-04-31T00:00:00Z')).toBe(false);
    expect(ok('2025-13-01T00:00:00Z')).toBe(false);
    expect(ok('2025-00-10T00:00:00Z')).toBe(false);
    expect(ok('2025-11-22T24:00:00Z')).toBe(true); // ISO-8601's end of the day: the domain's rule takes it too
    expect(ok('2025-11-22T23:60:00Z')).toBe(false);
    expect(ok('2025-11-22T23:59:60Z')).toBe(false);
    expect(ok('2025-11-22T10:00:00')).toBe(false);
    expect(ok('2100-02-29T00:00:00Z')).toBe(false);
    expect(ok('2000-02-29T00:00:00Z')).toBe(true);
  });

  it('agrees with the domain rule on every well-shaped date and time', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2200 }),
        two(13),
        two(32),
        two(24),
        two(60),
        two(60),
        fc.constantFrom('Z', '+08:00', '-05:30'),
        (y, mo, d, h, mi, s, zone) => {
          const text = `${y}-${mo}-${d}T${h}:${mi}:${s}${zone}`;
          expect(ok(text)).toBe(isInstant(text));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
