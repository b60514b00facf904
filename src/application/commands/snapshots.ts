import type { Revision } from '../ports/event-store.ts';
import type { SnapshotStore } from '../ports/snapshot-store.ts';
import type { StateCodec } from './state-codec.ts';

/**
 * When and where the folded state of a long stream is kept, so that a command after a restart
 * reads only the events after it. Only aggregates that name a codec are snapshotted (the stock
 * ledger: its streams never end); the others end soon enough to fold whole.
 */
export type Snapshots = Readonly<{
  store: SnapshotStore;
  /** a snapshot each time a stream passes a multiple of this many events (a whole number, 1 or more), and after any fold that read as many */
  every: number;
  /** a snapshot that could not be read or saved: reported, and the command goes on (a snapshot is only a shortcut) */
  onError: (error: unknown, stream: string) => void;
}>;

/** A state folded up to `revision`, whose event has the id `lastEventId`. */
export type Folded<S> = Readonly<{ state: S; revision: Revision; lastEventId: string }>;

/** A snapshot whose last event is not on its stream (an event store restored from an older backup): it is passed over. */
export class SnapshotNotOnStream extends Error {
  constructor(stream: string, revision: Revision) {
    super(`the snapshot of ${stream} at revision ${revision} does not match the stream's event there: folded from the start instead`);
  }
}

/** The newest readable snapshot of `stream`; undefined when there is none, or it cannot be read. */
export const fromSnapshot = async <S>(snapshots: Snapshots, codec: StateCodec<S>, stream: string): Promise<Folded<S> | undefined> => {
  try {
    const stored = await snapshots.store.load(stream, codec.schema);
    if (stored === undefined) return undefined;
    const state = codec.decode(stored.state);
    return state === undefined ? undefined : { state, revision: stored.revision, lastEventId: stored.lastEventId };
  } catch (error) {
    snapshots.onError(error, stream);
    return undefined;
  }
};

const count = (revision: Revision | undefined): bigint => (revision === undefined ? 0n : revision + 1n);

/**
 * Whether a command that found the stream at `before`, read `read` events of it from the store and
 * left it at `after` should keep a snapshot: it passed a multiple of `every` events, or its fold
 * had as many to read (a stream that had no snapshot yet, or a snapshot that was passed over).
 */
export const snapshotDue = (every: number, before: Revision | undefined, after: Revision, read: number): boolean => {
  // anything but a whole number of 1 or more keeps none, rather than fail a command whose events are already stored
  if (!Number.isSafeInteger(every) || every < 1) return false;
  return read >= every || count(before) / BigInt(every) < count(after) / BigInt(every);
};

/** Keeps `folded` as the stream's snapshot; a failure is reported, never thrown (the events are stored). */
export const keepSnapshot = async <S>(snapshots: Snapshots, codec: StateCodec<S>, stream: string, folded: Folded<S>): Promise<void> => {
  try {
    const { revision, lastEventId } = folded;
    await snapshots.store.save({ stream, schema: codec.schema, revision, lastEventId, state: codec.encode(folded.state) });
  } catch (error) {
    snapshots.onError(error, stream);
  }
};
