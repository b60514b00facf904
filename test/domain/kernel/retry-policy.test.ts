import { describe, expect, it } from 'vitest';
import {
  articleRetryPolicy,
  backoffDelayMs,
  jitterProblems,
  jitteredDelayMs,
  judgeFailure,
  retryPolicyProblems,
} from '../../../src/domain/kernel/retry-policy.ts';

describe('the retry policy', () => {
  it('doubles the delay after each failure and caps it', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 5_000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(policy, n))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('gives up after the article’s third attempt and at once on a failure that cannot be retried', () => {
    const now = '2025-11-22T02:00:00.000Z';
    expect(judgeFailure(articleRetryPolicy, { failedAttemptInRound: 2, retryable: true, now, previousDueAt: null })).toEqual({
      kind: 'retry',
      dueAt: '2025-11-22T02:02:00.000Z',
    });
    expect(judgeFailure(articleRetryPolicy, { failedAttemptInRound: 3, retryable: true, now, previousDueAt: null })).toEqual({
      kind: 'give-up',
      reason: 'ATTEMPTS_EXHAUSTED',
    });
    expect(judgeFailure(articleRetryPolicy, { failedAttemptInRound: 1, retryable: false, now, previousDueAt: null })).toEqual({
      kind: 'give-up',
      reason: 'NOT_RETRYABLE',
    });
  });

  it('waits as long as the outside system asked and never schedules before the previous deadline', () => {
    const now = '2025-11-22T02:00:00.000Z';
    expect(
      judgeFailure(articleRetryPolicy, { failedAttemptInRound: 1, retryable: true, now, previousDueAt: null, retryAfterMs: 300_000 }),
    ).toEqual({ kind: 'retry', dueAt: '2025-11-22T02:05:00.000Z' });
    expect(
      judgeFailure(articleRetryPolicy, { failedAttemptInRound: 1, retryable: true, now, previousDueAt: '2025-11-22T03:00:00.000Z' }),
    ).toEqual({ kind: 'retry', dueAt: '2025-11-22T03:00:00.001Z' });
  });
});

describe('full jitter: the retry comes due at a point of the backoff window the application drew', () => {
  const now = '2025-11-22T02:00:00.000Z';
  const first = { failedAttemptInRound: 1, retryable: true, now, previousDueAt: null };

  it('given a jitter, the delay is that fraction of the capped backoff, rounded down to the millisecond', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 5_000 };
    expect([1, 2, 3, 4, 5].map((n) => jitteredDelayMs(policy, n, 0.5))).toEqual([500, 1_000, 2_000, 2_500, 2_500]);
    expect(jitteredDelayMs(policy, 1, 0.99999)).toBe(999);
    expect(jitteredDelayMs(policy, 1, 0)).toBe(0);
  });

  it('given no jitter, the delay is the backoff itself: the article’s 1 minute, then 2', () => {
    expect([1, 2].map((n) => jitteredDelayMs(articleRetryPolicy, n, undefined))).toEqual([60_000, 120_000]);
  });

  it('when the first attempt fails with a jitter of 0.25, the retry is due after 15 s of the minute', () => {
    expect(judgeFailure(articleRetryPolicy, { ...first, jitter: 0.25 })).toEqual({ kind: 'retry', dueAt: '2025-11-22T02:00:15.000Z' });
  });

  it('when the outside system asked to wait longer than the jittered delay, the retry waits as asked', () => {
    expect(judgeFailure(articleRetryPolicy, { ...first, jitter: 0.25, retryAfterMs: 40_000 })).toEqual({
      kind: 'retry',
      dueAt: '2025-11-22T02:00:40.000Z',
    });
    expect(judgeFailure(articleRetryPolicy, { ...first, jitter: 0.75, retryAfterMs: 40_000 })).toEqual({
      kind: 'retry',
      dueAt: '2025-11-22T02:00:45.000Z',
    });
  });

  it('when a small jitter follows a large one, the deadline still comes after the previous one', () => {
    expect(judgeFailure(articleRetryPolicy, { ...first, jitter: 0, previousDueAt: now })).toEqual({
      kind: 'retry',
      dueAt: '2025-11-22T02:00:00.001Z',
    });
    expect(
      judgeFailure(articleRetryPolicy, { ...first, failedAttemptInRound: 2, jitter: 0.01, previousDueAt: '2025-11-22T02:00:50.000Z' }),
    ).toEqual({ kind: 'retry', dueAt: '2025-11-22T02:00:50.001Z' });
  });

  it('does not change a verdict to give up', () => {
    expect(judgeFailure(articleRetryPolicy, { ...first, failedAttemptInRound: 3, jitter: 0.5 })).toEqual({
      kind: 'give-up',
      reason: 'ATTEMPTS_EXHAUSTED',
    });
    expect(judgeFailure(articleRetryPolicy, { ...first, retryable: false, jitter: 0.5 })).toEqual({
      kind: 'give-up',
      reason: 'NOT_RETRYABLE',
    });
  });

  it('takes no jitter, and any fraction from 0 up to, not including, 1', () => {
    expect([undefined, 0, 0.5, 1 - Number.EPSILON].map(jitterProblems)).toEqual([[], [], [], []]);
  });

  it('refuses 1, a negative fraction, and what is not a finite number', () => {
    for (const jitter of [1, -0.1, 1.5, Number.NaN, Infinity, -Infinity]) {
      expect(jitterProblems(jitter)).toEqual([{ path: 'jitter', message: 'must be a number from 0 up to, not including, 1' }]);
    }
  });
});

describe('a retry policy that cannot work is named, field by field', () => {
  it('takes the smallest policy that works: one attempt, 1 ms, a cap equal to the base', () => {
    expect(retryPolicyProblems({ maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 })).toEqual([]);
  });

  it('refuses no attempt at all, no delay, a cap below the base, and numbers that are not whole', () => {
    expect(retryPolicyProblems({ maxAttempts: 0, baseDelayMs: 1, maxDelayMs: 1 })).toEqual([
      'maxAttempts must be a whole number of at least 1',
    ]);
    expect(retryPolicyProblems({ maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 1 })).toEqual([
      'baseDelayMs must be a whole number of at least 1',
    ]);
    expect(retryPolicyProblems({ maxAttempts: 1, baseDelayMs: 60_000, maxDelayMs: 59_999 })).toEqual([
      'maxDelayMs must be a whole number no smaller than baseDelayMs',
    ]);
    expect(retryPolicyProblems({ maxAttempts: 1.5, baseDelayMs: Number.NaN, maxDelayMs: Infinity })).toHaveLength(3);
  });
});
