import { describe, expect, test } from 'vitest';
import { noPushAttempts, retryIsDue } from '../../../src/domain/kernel/push-attempts.ts';

describe('a retry is due', () => {
  const waiting = { ...noPushAttempts, total: 1, nextAttemptAt: '2025-11-22T02:01:00.000Z', lastDueAt: '2025-11-22T02:01:00.000Z' };
  test('not before its deadline, from its deadline on (in any offset)', () => {
    expect(retryIsDue(waiting, '2025-11-22T02:00:59.999Z')).toBe(false);
    expect(retryIsDue(waiting, '2025-11-22T10:01:00.000+08:00')).toBe(true);
    expect(retryIsDue(waiting, '2025-11-22T03:00:00.000Z')).toBe(true);
  });
  test('never when no retry is waiting', () => {
    expect(retryIsDue(noPushAttempts, '2030-01-01T00:00:00.000Z')).toBe(false);
  });
});
