import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { type Decider, fold } from '../../src/domain/kernel/decider.ts';
import { eventsOf, jsonRoundTrip, outcome, run } from './arbitraries-decider.ts';

/**
 * The two laws every decider keeps (docs/architecture.md#idempotency), as properties over its own command sequences:
 * a redelivered accepted command yields no events, at any later point; evolve is total (even over
 * events out of order) and JSON-round-tripped events fold to the same state.
 */
export const deciderLaws = <S, C, E>(decider: Decider<S, C, E>, commands: fc.Arbitrary<readonly C[]>, numRuns = 1000): void => {
  test.prop([commands], { numRuns })('a redelivered accepted command yields no events, at any later point', (history) => {
    const steps = run(decider, history);
    steps.forEach((step, i) => {
      if (step.refused !== null) return;
      for (const later of steps.slice(i)) expect(outcome(decider, step.command, later.after)).toEqual([]);
    });
  });

  test.prop([commands, fc.infiniteStream(fc.boolean())], { numRuns })(
    'evolve is total, even over events out of order, and JSON-round-tripped events fold to the same state',
    (history, keep) => {
      const events = eventsOf(run(decider, history));
      expect(fold(decider, jsonRoundTrip(events))).toEqual(fold(decider, events));
      const scrambled = [...events].reverse().filter(() => keep.next().value as boolean);
      expect(fold(decider, jsonRoundTrip(scrambled))).toEqual(fold(decider, scrambled));
    },
  );
};
