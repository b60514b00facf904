import type { Decider } from '../../domain/kernel/decider.ts';
import type { EventReader } from '../events/event-reader.ts';
import type { Category, CategoryEvents } from '../events/recorded-event.ts';
import type { EventStore, Revision } from '../ports/event-store.ts';
import type { Ids } from '../ports/ids.ts';
import { StreamConflict } from '../ports/stream-conflict.ts';
import type { StateCache } from './state-cache.ts';

/** Why a command was sent: the flow it belongs to and the message that caused it (for the audit trail). */
/** Why a command is handled: the flow it belongs to (correlation), what caused it, when; and the flow's W3C trace context when it came with one. */
export type Cause = Readonly<{ correlationId: string; causationId: string; recordedAt: string; traceparent?: string }>;

/** The state after the command, and the events it caused ([] when it decided nothing new). */
export type Handled<S, E> = Readonly<{ state: S; events: readonly E[] }>;

/** A decider and the category of the streams it decides for. */
export type Aggregate<C extends Category, S, Cmd> = Readonly<{ category: C; decider: Decider<S, Cmd, CategoryEvents[C]> }>;

export type StateSource = Readonly<{ events: EventReader; stateCache?: StateCache | undefined }>;
export type CommandDeps = StateSource & Readonly<{ store: EventStore; ids: Ids; maxConflictRetries?: number }>;

type Folded<S> = Readonly<{ state: S; revision: Revision | undefined }>;

/** Fold a stream: from the cached state on, when there is one, reading only what came after it. */
const fold = async <C extends Category, S, Cmd>(
  source: StateSource,
  aggregate: Aggregate<C, S, Cmd>,
  stream: string,
): Promise<Folded<S>> => {
  const { decider } = aggregate;
  const cached = source.stateCache?.get<S>(stream);
  const events = await source.events.readStream(
    aggregate.category,
    stream,
    cached === undefined ? undefined : { fromRevision: cached.revision + 1n },
  );
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
export const handleCommand = async <C extends Category, S, Cmd>(
  deps: CommandDeps,
  aggregate: Aggregate<C, S, Cmd>,
  stream: string,
  command: Cmd,
  cause: Cause,
): Promise<Handled<S, CategoryEvents[C]>> => {
  const { decider } = aggregate;
  const attempts = deps.maxConflictRetries ?? 5;
  for (let attempt = 1; ; attempt += 1) {
    const { state, revision } = await fold(deps, aggregate, stream);
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
export const loadState = async <C extends Category, S, Cmd>(
  source: StateSource,
  aggregate: Aggregate<C, S, Cmd>,
  stream: string,
): Promise<S> => (await fold(source, aggregate, stream)).state;
