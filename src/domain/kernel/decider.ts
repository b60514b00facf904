/**
 * A decider: the whole business of one aggregate as pure functions.
 * `decide` answers a command with the events it causes ([] when there is nothing to do) or
 * throws a `Refused` when a request cannot be granted; `evolve` folds one event into the state
 * and never throws.
 */
export type Decider<S, C, E> = Readonly<{
  decide: (command: C, state: S) => readonly E[];
  evolve: (state: S, event: E) => S;
  initialState: S;
  isTerminal: (state: S) => boolean;
}>;

/** A message in the hub's own shape: a type tag and its data. Commands and events both use it. */
export type Message<T extends string, D> = Readonly<{ type: T; data: D }>;

export const fold = <S, C, E>(decider: Decider<S, C, E>, events: readonly E[], from: S = decider.initialState): S =>
  events.reduce(decider.evolve, from);
