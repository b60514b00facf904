import type { Decider } from '../../domain/kernel/decider.ts';
import type { DomainMessage, EventStore, Revision } from '../ports/event-store.ts';
import type { Ids } from '../ports/ids.ts';
import { StreamConflict } from '../ports/stream-conflict.ts';
import type { StateCache } from './state-cache.ts';

/** Why a command was sent: the flow it belongs to and the message that caused it (for the audit trail). */
export type Cause = Readonly<{ correlationId: string; causationId: string; recordedAt: string }>;

/** The state after the command, and the events it caused ([] when it decided nothing new). */
export type Handled<S, E> = Readonly<{ state: S; events: readonly E[] }>;

export type StateSource = Readonly<{ store: EventStore; stateCache?: StateCache | undefined }>;
export type CommandDeps = StateSource & Readonly<{ ids: Ids; maxConflictRetries?: number }>;

type Folded<S> = Readonly<{ state: S; revision: Revision | undefined }>;

/** Fold a stream: from the cached state on, when there is one, reading only what came after it. */
const fold = async <S, C, E extends DomainMessage>(source: StateSource, decider: Decider<S, C, E>, stream: string): Promise<Folded<S>> => {
  const cached = source.stateCache?.get<S>(stream);
  const events = await source.store.readStream<E>(stream, cached === undefined ? undefined : { fromRevision: cached.revision + 1n });
  const state = events.reduce<S>((s, event) => decider.evolve(s, event), cached?.state ?? decider.initialState);
  const revision = events.at(-1)?.revision ?? cached?.revision;
  if (revision !== undefined) source.stateCache?.set(stream, state, revision);
  return { state, revision };
};

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
    const { state, revision } = await fold(deps, decider, stream);
    const decided = decider.decide(command, state);
    if (decided.length === 0) return { state, events: [] };
    const toAppend = decided.map((event) => ({ ...event, id: deps.ids.newId(), metadata: { ...cause } }));
    try {
      const appended = await deps.store.append(stream, toAppend, revision === undefined ? 'no_stream' : revision);
      const after = decided.reduce(decider.evolve, state);
      deps.stateCache?.set(stream, after, appended.nextExpectedRevision);
      return { state: after, events: decided };
    } catch (error) {
      if (!(error instanceof StreamConflict) || attempt >= attempts) throw error;
    }
  }
};

/** The current state of a stream, folded. */
export const loadState = async <S, C, E extends DomainMessage>(
  source: StateSource,
  decider: Decider<S, C, E>,
  stream: string,
): Promise<S> => (await fold(source, decider, stream)).state;
