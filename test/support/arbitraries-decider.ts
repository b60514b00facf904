import { fc } from '@fast-check/vitest';
import { type Decider, fold } from '../../src/domain/kernel/decider.ts';
import { addMillis } from '../../src/domain/kernel/instant.ts';
import { Refused } from '../../src/domain/kernel/refused.ts';
import type { RetryPolicy } from '../../src/domain/kernel/retry-policy.ts';

/** Shared generators and a runner for decider properties. */

export const baseInstant = '2025-11-22T02:00:00.000Z';

/** Instants within a few days of the article's date, to the minute (so they often coincide). */
export const instantArb: fc.Arbitrary<string> = fc.integer({ min: 0, max: 5 * 24 * 60 }).map((m) => addMillis(baseInstant, m * 60_000));

export const retryPolicyArb: fc.Arbitrary<RetryPolicy> = fc
  .record({
    maxAttempts: fc.integer({ min: 1, max: 6 }),
    baseDelayMs: fc.integer({ min: 1, max: 120_000 }),
    factor: fc.integer({ min: 1, max: 64 }),
  })
  .map(({ maxAttempts, baseDelayMs, factor }) => ({ maxAttempts, baseDelayMs, maxDelayMs: baseDelayMs * factor }));

/** One command applied to a state: its events, or the refusal it met. */
export type Step<S, C, E> = Readonly<{ command: C; before: S; after: S; events: readonly E[]; refused: Refused | null }>;

/**
 * Applies commands in order, skipping refused ones (a refusal changes nothing). Anything thrown
 * that is not a `Refused` is a bug and propagates.
 */
export const run = <S, C, E>(decider: Decider<S, C, E>, commands: readonly C[], from: S = decider.initialState): Step<S, C, E>[] => {
  const steps: Step<S, C, E>[] = [];
  let state = from;
  for (const command of commands) {
    try {
      const events = decider.decide(command, state);
      const after = fold(decider, events, state);
      steps.push({ command, before: state, after, events, refused: null });
      state = after;
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      steps.push({ command, before: state, after: state, events: [], refused: error });
    }
  }
  return steps;
};

export const eventsOf = <S, C, E>(steps: readonly Step<S, C, E>[]): E[] => steps.flatMap((step) => step.events);

/** What a command does to a state: events, or the reason it was refused. */
export const outcome = <S, C, E>(decider: Decider<S, C, E>, command: C, state: S): readonly E[] | Readonly<{ refused: string }> => {
  try {
    return decider.decide(command, state);
  } catch (error) {
    if (error instanceof Refused) return { refused: error.reason };
    throw error;
  }
};

export const jsonRoundTrip = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
