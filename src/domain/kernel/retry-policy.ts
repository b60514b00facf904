import { type Instant, addMillis, latest } from './instant.ts';
import type { Problem } from './lines.ts';

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

/**
 * The jitter of one failure: a fraction in [0, 1) the application drew at random and sent with the
 * command, so the decider stays pure and the event it records replays to the same deadline.
 */
export const jitterProblems = (jitter: number | undefined): Problem[] =>
  jitter === undefined || (Number.isFinite(jitter) && jitter >= 0 && jitter < 1)
    ? []
    : [{ path: 'jitter', message: 'must be a number from 0 up to, not including, 1' }];

/**
 * "Full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"): the delay is drawn
 * uniformly between 0 and the capped backoff, `⌊jitter · backoff⌋`, so failures of the same
 * instant come due spread over the whole window. Without a jitter the delay is the backoff itself
 * (the article's 1 min, 2 min, …; events recorded before jitter existed replay as they were).
 */
export const jitteredDelayMs = (policy: RetryPolicy, failedAttemptInRound: number, jitter: number | undefined): number => {
  const backoff = backoffDelayMs(policy, failedAttemptInRound);
  return jitter === undefined ? backoff : Math.floor(jitter * backoff);
};

export type FailureVerdict =
  Readonly<{ kind: 'retry'; dueAt: Instant }> | Readonly<{ kind: 'give-up'; reason: 'ATTEMPTS_EXHAUSTED' | 'NOT_RETRYABLE' }>;

/**
 * What follows a failed attempt. A retry is due after the jittered backoff (`jitteredDelayMs`),
 * but never before the previous one was (deadlines strictly increase even if the clock or a manual
 * retry ran ahead, or a small jitter followed a large one), and never before the time the outside
 * system asked us to wait (`retryAfterMs`, from `Retry-After`, which jitter does not shorten).
 */
export const judgeFailure = (
  policy: RetryPolicy,
  failure: Readonly<{
    failedAttemptInRound: number;
    retryable: boolean;
    now: Instant;
    previousDueAt: Instant | null;
    retryAfterMs?: number | undefined;
    /** a fraction in [0, 1) (`jitterProblems`); absent: no jitter */
    jitter?: number | undefined;
  }>,
): FailureVerdict => {
  if (!failure.retryable) return { kind: 'give-up', reason: 'NOT_RETRYABLE' };
  if (failure.failedAttemptInRound >= policy.maxAttempts) return { kind: 'give-up', reason: 'ATTEMPTS_EXHAUSTED' };
  const delay = Math.max(jitteredDelayMs(policy, failure.failedAttemptInRound, failure.jitter), failure.retryAfterMs ?? 0);
  const byBackoff = addMillis(failure.now, delay);
  const dueAt = failure.previousDueAt === null ? byBackoff : latest(byBackoff, addMillis(failure.previousDueAt, 1));
  return { kind: 'retry', dueAt };
};
