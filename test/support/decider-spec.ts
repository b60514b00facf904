import { expect } from 'vitest';
import { type Decider, fold } from '../../src/domain/kernel/decider.ts';
import { Refused } from '../../src/domain/kernel/refused.ts';

/**
 * Given/when/then for a decider:
 *   given([placed, reserved]).when(cancel).then([cancelled])
 *   given([placed]).when(reserve).thenRefused('ORDER_NOT_FOUND')
 * `then` also checks that the events fold without throwing and that the same command,
 * delivered again, yields nothing.
 */
export const specFor = <S, C, E>(decider: Decider<S, C, E>) => ({
  given: (history: readonly E[]) => ({
    when: (command: C) => {
      const state = fold(decider, history);
      const run = (): readonly E[] => decider.decide(command, state);
      return {
        then: (expected: readonly E[]): S => {
          const events = run();
          expect(events).toEqual(expected);
          const after = fold(decider, events, state);
          if (events.length > 0) expect(decider.decide(command, after)).toEqual([]);
          return after;
        },
        thenRefused: (reason: string): Refused => {
          let caught: unknown;
          try {
            run();
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(Refused);
          expect((caught as Refused).reason).toBe(reason);
          return caught as Refused;
        },
        /** refused for `reason`, naming exactly `problems`, in the message `<what>: <path> <message>; …` */
        thenRefusedNaming: (reason: string, what: string, problems: readonly Readonly<{ path: string; message: string }>[]): Refused => {
          let caught: unknown;
          try {
            run();
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(Refused);
          const refusal = caught as Refused;
          expect({ reason: refusal.reason, details: refusal.details }).toEqual({ reason, details: problems });
          expect(refusal.message).toBe(`${what}: ${problems.map((problem) => `${problem.path} ${problem.message}`).join('; ')}`);
          return refusal;
        },
        thenNothing: (): void => {
          expect(run()).toEqual([]);
        },
      };
    },
  }),
});
