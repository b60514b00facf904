import type { Decider } from '../../domain/kernel/decider.ts';
import type { DomainMessage, EventStore } from '../ports/event-store.ts';
import type { Ids } from '../ports/ids.ts';
import { StreamConflict } from '../ports/stream-conflict.ts';

/** Why a command was sent: the flow it belongs to and the message that caused it (for the audit trail). */
export type Cause = Readonly<{ correlationId: string; causationId: string; recordedAt: string }>;

/** The state after the command, and the events it caused ([] when it decided nothing new). */
export type Handled<S, E> = Readonly<{ state: S; events: readonly E[] }>;

export type CommandDeps = Readonly<{ store: EventStore; ids: Ids; maxConflictRetries?: number }>;

/**
 * Load the stream, fold, decide, append with the expected revision. Someone else wrote first
 * (a StreamConflict): read again and decide again, a bounded number of times, so concurrent
 * callbacks on one order never lose an update. A refusal from the decider propagates as it is.
 */
export const handleCommand = async <S, C, E extends DomainMessage>(
  deps: CommandDeps,
  decider: Decider<S, C, E>,
  stream: string,
  command: C,
  cause: Cause,
): Promise<Handled<S, E>> => {
  const attempts = deps.maxConflictRetries ?? 5;
  for (let attempt = 1; ; attempt += 1) {
    const history = await deps.store.readStream<E>(stream);
    const state = history.reduce<S>((s, event) => decider.evolve(s, event), decider.initialState);
    const decided = decider.decide(command, state);
    if (decided.length === 0) return { state, events: [] };
    const last = history.at(-1);
    const toAppend = decided.map((event) => ({ ...event, id: deps.ids.newId(), metadata: { ...cause } }));
    try {
      await deps.store.append(stream, toAppend, last === undefined ? 'no_stream' : last.revision);
      return { state: decided.reduce(decider.evolve, state), events: decided };
    } catch (error) {
      if (!(error instanceof StreamConflict) || attempt >= attempts) throw error;
    }
  }
};

/** The current state of a stream, folded. */
export const loadState = async <S, C, E extends DomainMessage>(
  store: EventStore,
  decider: Decider<S, C, E>,
  stream: string,
): Promise<S> => (await store.readStream<E>(stream)).reduce<S>((s, event) => decider.evolve(s, event), decider.initialState);
