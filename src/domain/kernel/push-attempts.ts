import { refuse } from './refused.ts';
import { type Instant, addMillis, millis } from './instant.ts';
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
  /** the call under way, claimed before it was made; null when none is (outcome recorded, or never claimed) */
  claim: PushClaim | null;
}>;

/**
 * A call claimed before it is made (the `PushStarted` event): attempt `attempt` to `target` (a
 * warehouse, a carrier). Whoever records the claim first makes the call; another caller that finds
 * it standing does not. A claim stands until its outcome is recorded or until `expiresAt`: a caller
 * that died between the claim and the outcome leaves it, and once it has expired the same attempt
 * may be claimed and made again (the outside system knows the order by its number, so a call that
 * did go through before the crash is not doubled there).
 */
export type PushClaim = Readonly<{ attempt: number; target: string; expiresAt: Instant }>;

export const noPushAttempts: PushAttempts = {
  total: 0,
  roundStart: 0,
  nextAttemptAt: null,
  lastDueAt: null,
  lastError: null,
  claim: null,
};

/** A claim (on a push, or on any other call claimed the same way) has not run out at `now`. */
export const claimHolds = (claim: Readonly<{ expiresAt: Instant }>, now: Instant): boolean => millis(claim.expiresAt) > millis(now);

/** A claim on a call to this target stands at `now`: another call must not be made. */
export const claimStands = (attempts: PushAttempts, target: string, now: Instant): boolean =>
  attempts.claim !== null && attempts.claim.target === target && claimHolds(attempts.claim, now);

/**
 * When a claim made `now` for `claimMs` milliseconds starts and runs out; refuses a period that is
 * not a positive whole number of milliseconds.
 */
export const claimPeriod = (claimMs: number, now: Instant): Readonly<{ startedAt: Instant; expiresAt: Instant }> => {
  if (!Number.isSafeInteger(claimMs) || claimMs <= 0) {
    return refuse('INVALID_COMMAND', `claimMs must be a positive whole number of milliseconds, not ${claimMs}`);
  }
  return { startedAt: now, expiresAt: addMillis(now, claimMs) };
};

export type PushStartedData = Readonly<{ attempt: number; target: string; startedAt: Instant; expiresAt: Instant }>;

/** What a caller asks before it calls: to claim `attempt` for `claimMs` milliseconds. */
export type PushStart = Readonly<{ attempt: number; claimMs: number; now: Instant }>;

/**
 * The claim to record before calling `target`, or null when the attempt is not the next one
 * (another caller's outcome came first). The aggregate decides first that the call is due by its
 * own rule, which includes that no claim stands (`claimStands`).
 */
export const claimFor = (attempts: PushAttempts, target: string, start: PushStart): PushStartedData | null => {
  const period = claimPeriod(start.claimMs, start.now);
  if (start.attempt !== nextAttempt(attempts)) return null;
  return { attempt: start.attempt, target, ...period };
};

export const afterPushStarted = (attempts: PushAttempts, data: PushStartedData): PushAttempts => ({
  ...attempts,
  claim: { attempt: data.attempt, target: data.target, expiresAt: data.expiresAt },
});

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
  claim: null,
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
  claim: null,
});

/** A manual retry or a reroute: a fresh round of attempts under the policy. */
export const startNewRound = (attempts: PushAttempts): PushAttempts => ({ ...attempts, roundStart: attempts.total });
