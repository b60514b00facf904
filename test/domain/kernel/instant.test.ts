import { describe, expect, it } from 'vitest';
import { addMillis, isInstant, latest, millis } from '../../../src/domain/kernel/instant.ts';

describe('an instant', () => {
  it('is an ISO-8601 date-time that ends with its offset: Z, ±hh:mm or ±hhmm', () => {
    expect(isInstant('2025-11-22T02:00:00.000Z')).toBe(true);
    expect(isInstant('2025-11-22T10:00:00.000+08:00')).toBe(true);
    expect(isInstant('2025-11-22T10:00:00.000+0800')).toBe(true);
    expect(isInstant('2025-11-21T20:30:00-0530')).toBe(true);
  });

  it('is not a local date-time, not even one whose signed year starts like an offset', () => {
    expect(isInstant('2025-11-22T02:00:00')).toBe(false);
    // "+0020" inside the year is no offset: the offset must end the text
    expect(isInstant('+002025-11-22T02:00:00')).toBe(false);
    expect(isInstant('+002025-11-22T02:00:00Z')).toBe(true);
  });

  it('is not text that merely ends like one', () => {
    expect(isInstant('tomorrow+08:00')).toBe(false);
    expect(isInstant('2025-13-01T00:00:00Z')).toBe(false);
  });

  it('is the same moment in any offset, and moves on in UTC', () => {
    expect(millis('2025-11-22T10:00:00.000+08:00')).toBe(millis('2025-11-22T02:00:00.000Z'));
    expect(millis('2025-11-22T10:00:00.000+0800')).toBe(millis('2025-11-22T02:00:00.000Z'));
    expect(addMillis('2025-11-22T10:00:00.000+08:00', 1)).toBe('2025-11-22T02:00:00.001Z');
  });
});

describe('the latest of two instants', () => {
  it('is the later moment, whichever offset either is written in', () => {
    expect(latest('2025-11-22T02:00:00.000Z', '2025-11-22T09:59:59.999+08:00')).toBe('2025-11-22T02:00:00.000Z');
    expect(latest('2025-11-22T09:59:59.999+08:00', '2025-11-22T02:00:00.000Z')).toBe('2025-11-22T02:00:00.000Z');
    expect(latest('2025-11-22T10:00:00.001+08:00', '2025-11-22T02:00:00.000Z')).toBe('2025-11-22T10:00:00.001+08:00');
  });

  it('of two readings of the same moment, is the first one as it was written', () => {
    expect(latest('2025-11-22T10:00:00.000+08:00', '2025-11-22T02:00:00.000Z')).toBe('2025-11-22T10:00:00.000+08:00');
    expect(latest('2025-11-22T02:00:00.000Z', '2025-11-22T10:00:00.000+08:00')).toBe('2025-11-22T02:00:00.000Z');
  });
});
