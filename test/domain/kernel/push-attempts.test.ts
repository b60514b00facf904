import { describe, expect, test } from 'vitest';
import { Refused } from '../../../src/domain/kernel/refused.ts';
import {
  attemptsInRound,
  isRedeliveredAttempt,
  nextAttempt,
  noPushAttempts,
  retryIsDue,
  startNewRound,
} from '../../../src/domain/kernel/push-attempts.ts';

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

describe('the attempts in a round', () => {
  test('are those made since the round began, not all those of the whole life', () => {
    const attempts = { ...noPushAttempts, total: 5, roundStart: 3 };
    expect(attemptsInRound(noPushAttempts)).toBe(0);
    expect(attemptsInRound(attempts)).toBe(2);
    expect(attemptsInRound(startNewRound(attempts))).toBe(0);
    expect(nextAttempt(startNewRound(attempts))).toBe(6);
  });
});

describe('a reported attempt number', () => {
  const twoMade = { ...noPushAttempts, total: 2 };

  test('already recorded is a redelivery, and the next one is news', () => {
    expect([1, 2, 3].map((attempt) => isRedeliveredAttempt(twoMade, attempt))).toEqual([true, true, false]);
  });

  test('from beyond the next one is refused, naming the number that was due', () => {
    let refused: unknown;
    try {
      isRedeliveredAttempt(twoMade, 5);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(Refused);
    expect(refused).toMatchObject({ reason: 'ATTEMPT_OUT_OF_SEQUENCE', message: 'attempt 5 reported, but the next attempt is 3' });
  });
});
