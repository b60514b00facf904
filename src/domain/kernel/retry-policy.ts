import { type Instant, addMillis, latest } from './instant.ts';

/**
 * How often and how soon a failed call to an outside system is tried again. The article tries
 * three times; the values are configuration, passed in with the command that records a failure.
 */
export type RetryPolicy = Readonly<{
  /** attempts in one round, the first one included */
  maxAttempts: number;
  /** delay after the first failure; it doubles with each failure after that */
  baseDelayMs: number;
  /** no delay grows beyond this */
  maxDelayMs: number;
}>;

export const articleRetryPolicy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 15 * 60_000 };

export const retryPolicyProblems = (policy: RetryPolicy): string[] => [
  ...(Number.isSafeInteger(policy.maxAttempts) && policy.maxAttempts >= 1 ? [] : ['maxAttempts must be a whole number of at least 1']),
  ...(Number.isSafeInteger(policy.baseDelayMs) && policy.baseDelayMs >= 1 ? [] : ['baseDelayMs must be a whole number of at least 1']),
  ...(Number.isSafeInteger(policy.maxDelayMs) && policy.maxDelayMs >= policy.baseDelayMs
    ? []
    : ['maxDelayMs must be a whole number no smaller than baseDelayMs']),
];

/** Delay before the next try after the n-th failed attempt of a round (n ≥ 1): base·2^(n−1), capped. */
export const backoffDelayMs = (policy: RetryPolicy, failedAttemptInRound: number): number =>
  Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(failedAttemptInRound - 1, 52));

export type FailureVerdict =
  Readonly<{ kind: 'retry'; dueAt: Instant }> | Readonly<{ kind: 'give-up'; reason: 'ATTEMPTS_EXHAUSTED' | 'NOT_RETRYABLE' }>;

/**
 * What follows a failed attempt. A retry is never due before the previous one was
 * (deadlines strictly increase even if the clock or a manual retry ran ahead), and never
 * before the time the outside system asked us to wait (`retryAfterMs`, from `Retry-After`).
 */
export const judgeFailure = (
  policy: RetryPolicy,
  failure: Readonly<{
    failedAttemptInRound: number;
    retryable: boolean;
    now: Instant;
    previousDueAt: Instant | null;
    retryAfterMs?: number | undefined;
  }>,
): FailureVerdict => {
  if (!failure.retryable) return { kind: 'give-up', reason: 'NOT_RETRYABLE' };
  if (failure.failedAttemptInRound >= policy.maxAttempts) return { kind: 'give-up', reason: 'ATTEMPTS_EXHAUSTED' };
  const delay = Math.max(backoffDelayMs(policy, failure.failedAttemptInRound), failure.retryAfterMs ?? 0);
  const byBackoff = addMillis(failure.now, delay);
  const dueAt = failure.previousDueAt === null ? byBackoff : latest(byBackoff, addMillis(failure.previousDueAt, 1));
  return { kind: 'retry', dueAt };
};
