import { refuse } from './refused.ts';
import { type Instant, millis } from './instant.ts';
import { type FailureVerdict, type RetryPolicy, judgeFailure } from './retry-policy.ts';

/**
 * The attempts to hand an aggregate to an outside system (an outbound or inbound order to the
 * WMS). One mechanism for every aggregate that pushes. Attempt numbers count over the whole life
 * and never repeat, so a redelivered outcome is recognised by its number; a round (reset by a
 * manual retry or a reroute) is what the retry policy limits.
 */
export type PushAttempts = Readonly<{
  total: number;
  roundStart: number;
  /** when the waiting retry is due; null when none is waiting */
  nextAttemptAt: Instant | null;
  /** the latest deadline ever scheduled: a new one is always later, across rounds too */
  lastDueAt: Instant | null;
  lastError: string | null;
}>;

export const noPushAttempts: PushAttempts = { total: 0, roundStart: 0, nextAttemptAt: null, lastDueAt: null, lastError: null };

/** A retry is waiting and its deadline has come. */
export const retryIsDue = (attempts: PushAttempts, now: Instant): boolean =>
  attempts.nextAttemptAt !== null && millis(attempts.nextAttemptAt) <= millis(now);

export const attemptsInRound = (attempts: PushAttempts): number => attempts.total - attempts.roundStart;

/** The number the next attempt will carry. */
export const nextAttempt = (attempts: PushAttempts): number => attempts.total + 1;

/** True when this outcome was recorded already; refuses an attempt number from the future. */
export const isRedeliveredAttempt = (attempts: PushAttempts, attempt: number): boolean => {
  if (attempt <= attempts.total) return true;
  if (attempt !== attempts.total + 1) {
    refuse('ATTEMPT_OUT_OF_SEQUENCE', `attempt ${attempt} reported, but the next attempt is ${attempts.total + 1}`);
  }
  return false;
};

// The events every pushing aggregate records, with the same data.
export type PushFailedData = Readonly<{ attempt: number; error: string; retryable: boolean; failedAt: Instant }>;
/** `jitter`: the fraction the deadline was drawn with (retry-policy.ts); absent when none was (and in events written before jitter). */
export type PushRetryScheduledData = Readonly<{ attempt: number; dueAt: Instant; jitter?: number | undefined }>;

export type PushFailure = Readonly<{
  attempt: number;
  error: string;
  retryable: boolean;
  retryAfterMs?: number | undefined;
  /** drawn by the application, a fraction in [0, 1); absent: no jitter, the plain backoff */
  jitter?: number | undefined;
  now: Instant;
  policy: RetryPolicy;
}>;

/** The verdict on a failed attempt that is the next in sequence. */
export const judgePushFailure = (attempts: PushAttempts, failure: PushFailure): FailureVerdict =>
  judgeFailure(failure.policy, {
    failedAttemptInRound: failure.attempt - attempts.roundStart,
    retryable: failure.retryable,
    now: failure.now,
    previousDueAt: attempts.lastDueAt,
    retryAfterMs: failure.retryAfterMs,
    jitter: failure.jitter,
  });

/** The retry a failure schedules, with the jitter it was drawn with, so the event says how its deadline came about. */
export const retryScheduledData = (failure: PushFailure, dueAt: Instant): PushRetryScheduledData =>
  failure.jitter === undefined ? { attempt: failure.attempt + 1, dueAt } : { attempt: failure.attempt + 1, dueAt, jitter: failure.jitter };

export const afterPushFailed = (attempts: PushAttempts, data: PushFailedData): PushAttempts => ({
  ...attempts,
  total: Math.max(attempts.total, data.attempt),
  lastError: data.error,
});

export const afterRetryScheduled = (attempts: PushAttempts, data: PushRetryScheduledData): PushAttempts => ({
  ...attempts,
  nextAttemptAt: data.dueAt,
  lastDueAt: data.dueAt,
});

export const afterPushSucceeded = (attempts: PushAttempts, attempt: number): PushAttempts => ({
  ...attempts,
  total: Math.max(attempts.total, attempt),
  lastError: null,
});

/** A manual retry or a reroute: a fresh round of attempts under the policy. */
export const startNewRound = (attempts: PushAttempts): PushAttempts => ({ ...attempts, roundStart: attempts.total });
