import { describe, expect, it } from 'vitest';
import { articleRetryPolicy, backoffDelayMs, judgeFailure, retryPolicyProblems } from '../../../src/domain/kernel/retry-policy.ts';

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
