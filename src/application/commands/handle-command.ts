import type { Decider } from '../../domain/kernel/decider.ts';
import type { EventReader } from '../events/event-reader.ts';
import type { Category, CategoryEvents, RecordedEvent } from '../events/recorded-event.ts';
import type { EventStore, Revision } from '../ports/event-store.ts';
import type { Ids } from '../ports/ids.ts';
import { StreamConflict } from '../ports/stream-conflict.ts';
import { SnapshotNotOnStream, type Snapshots, fromSnapshot, keepSnapshot, snapshotDue } from './snapshots.ts';
import type { StateCache } from './state-cache.ts';
import type { StateCodec } from './state-codec.ts';

/** Why a command was sent: the flow it belongs to and the message that caused it (for the audit trail). */
/** Why a command is handled: the flow it belongs to (correlation), what caused it, when; and the flow's W3C trace context when it came with one. */
export type Cause = Readonly<{ correlationId: string; causationId: string; recordedAt: string; traceparent?: string }>;

/** The state after the command, and the events it caused ([] when it decided nothing new). */
export type Handled<S, E> = Readonly<{ state: S; events: readonly E[] }>;

/**
 * A decider and the category of the streams it decides for; `evolve`: the decider's own evolve,
 * stated per category over the streams' recorded events (for a category known only as a type
 * parameter the compiler cannot afford to see that a recorded event is a domain event);
 * `snapshots`: how its state is kept in a snapshot, for an aggregate whose streams grow long
 * (absent: never snapshotted).
 */
export type Aggregate<C extends Category, S, Cmd> = Readonly<{
  category: C;
  decider: Decider<S, Cmd, CategoryEvents[C]>;
  evolve: (state: S, event: RecordedEvent<C>) => S;
  snapshots?: StateCodec<S>;
}>;

/** `snapshots` absent: every fold without a cached state starts from the stream's first event. */
export type StateSource = Readonly<{ events: EventReader; stateCache?: StateCache | undefined; snapshots?: Snapshots | undefined }>;
export type CommandDeps = StateSource & Readonly<{ store: EventStore; ids: Ids; maxConflictRetries?: number }>;

/**
 * A fold: the state, the revision it was folded to, how many events it read from the store to get
 * there, and the id of the last of them.
 */
type Fold<S> = Readonly<{ state: S; revision: Revision | undefined; read: number; lastEventId: string | undefined }>;

/** Where a fold starts: a cached state, or a snapshot (which names its last event). */
type Start<S> = Readonly<{ state: S; revision: Revision; lastEventId?: string | undefined }>;

/** Where a fold starts: the cached state, else the newest snapshot, else nothing (the stream's first event). */
const startOf = async <C extends Category, S, Cmd>(
  source: StateSource,
  aggregate: Aggregate<C, S, Cmd>,
  stream: string,
): Promise<Start<S> | undefined> => {
  const cached = source.stateCache?.get<S>(stream);
  if (cached !== undefined || source.snapshots === undefined || aggregate.snapshots === undefined) return cached;
  return fromSnapshot(source.snapshots, aggregate.snapshots, stream);
};

/**
 * The events after `start`. A snapshot's own last event is read again, to check that the stream
 * still has it there; a snapshot the stream does not go on from is reported and passed over, and
 * the stream read from its first event. (A cached state needs no such check: it was folded in
 * this process, from this store.)
 */
const readAfter = async <C extends Category, S, Cmd>(
  source: StateSource,
  aggregate: Aggregate<C, S, Cmd>,
  stream: string,
  start: Start<S> | undefined,
) => {
  const read = (fromRevision?: Revision) =>
    source.events.readStream(aggregate.category, stream, fromRevision === undefined ? undefined : { fromRevision });
  if (start === undefined) return { start, events: await read() };
  if (start.lastEventId === undefined) return { start, events: await read(start.revision + 1n) };
  const [last, ...events] = await read(start.revision);
  if (last?.revision === start.revision && last.id === start.lastEventId) return { start, events };
  source.snapshots?.onError(new SnapshotNotOnStream(stream, start.revision), stream);
  return { start: undefined, events: await read() };
};

/** Fold a stream: from the cached state or the newest snapshot on, when there is one, reading only what came after it. */
const fold = async <C extends Category, S, Cmd>(source: StateSource, aggregate: Aggregate<C, S, Cmd>, stream: string): Promise<Fold<S>> => {
  const { start, events } = await readAfter(source, aggregate, stream, await startOf(source, aggregate, stream));
  const state = events.reduce<S>(aggregate.evolve, start?.state ?? aggregate.decider.initialState);
  const revision = events.at(-1)?.revision ?? start?.revision;
  if (revision !== undefined) source.stateCache?.set(stream, state, revision);
  return { state, revision, read: events.length, lastEventId: events.at(-1)?.id };
};

/** After a command on a stream of a snapshotted aggregate: keep a snapshot when one is due (./snapshots.ts). */
const snapshotIfDue = async <C extends Category, S, Cmd>(
  deps: CommandDeps,
  aggregate: Aggregate<C, S, Cmd>,
  stream: string,
  folded: Fold<S>,
  after: Readonly<{ state: S; revision: Revision | undefined; lastEventId: string | undefined }>,
): Promise<void> => {
  const { snapshots } = deps;
  const codec = aggregate.snapshots;
  const { state, revision, lastEventId } = after;
  if (snapshots === undefined || codec === undefined || revision === undefined || lastEventId === undefined) return;
  if (!snapshotDue(snapshots.every, folded.revision, revision, folded.read)) return;
  await keepSnapshot(snapshots, codec, stream, { state, revision, lastEventId });
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
    const folded = await fold(deps, aggregate, stream);
    const { state, revision } = folded;
    const decided = decider.decide(command, state);
    if (decided.length === 0) {
      await snapshotIfDue(deps, aggregate, stream, folded, folded);
      return { state, events: [] };
    }
    const toAppend = decided.map((event) => ({ ...event, id: deps.ids.newId(), metadata: { ...cause } }));
    try {
      const appended = await deps.store.append(stream, toAppend, revision === undefined ? 'no_stream' : revision);
      const after = decided.reduce(decider.evolve, state);
      deps.stateCache?.set(stream, after, appended.nextExpectedRevision);
      await snapshotIfDue(deps, aggregate, stream, folded, {
        state: after,
        revision: appended.nextExpectedRevision,
        lastEventId: toAppend.at(-1)?.id,
      });
      return { state: after, events: decided };
    } catch (error) {
      if (!(error instanceof StreamConflict) || attempt >= attempts) throw error;
    }
  }
};

/** The current state of a stream, folded, and the revision it was folded to (undefined: the stream has no events). */
export const loadFolded = async <C extends Category, S, Cmd>(
  source: StateSource,
  aggregate: Aggregate<C, S, Cmd>,
  stream: string,
): Promise<Readonly<{ state: S; revision: Revision | undefined }>> => {
  const { state, revision } = await fold(source, aggregate, stream);
  return { state, revision };
};

/** The current state of a stream, folded. */
export const loadState = async <C extends Category, S, Cmd>(
  source: StateSource,
  aggregate: Aggregate<C, S, Cmd>,
  stream: string,
): Promise<S> => (await fold(source, aggregate, stream)).state;
