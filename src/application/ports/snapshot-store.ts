/**
 * Snapshots of folded streams: a stream's state as it stood at one revision, so that a command
 * after a restart folds only the events after it instead of the whole stream (a stock ledger never
 * ends). A snapshot is a cache of a fold, never a source of truth: the events are; a snapshot that
 * is missing, of another schema or unreadable is passed over and the stream folded from its start.
 */
import type { JsonValue, Revision } from './event-store.ts';

/**
 * `schema` names the shape of `state` (its codec's version): a snapshot is only read back by a
 * codec of the same schema, so a changed state shape is folded again instead of misread.
 * `lastEventId`: the id of the event at `revision`, the last one folded into it. A snapshot is
 * used only while the stream still has that event there: an event store restored from a backup,
 * without its snapshots, may have fewer events or others at those revisions.
 */
export type Snapshot = Readonly<{ stream: string; schema: string; revision: Revision; lastEventId: string; state: JsonValue }>;

/** A snapshot as read back: its state is parsed JSON, not yet checked by its codec. */
export type StoredSnapshot = Readonly<{ revision: Revision; lastEventId: string; state: unknown }>;

export interface SnapshotStore {
  /** The newest snapshot of `stream` in `schema`; undefined when there is none. */
  load(stream: string, schema: string): Promise<StoredSnapshot | undefined>;
  /** Keeps `snapshot` unless one of a later revision of the same stream and schema is already kept. */
  save(snapshot: Snapshot): Promise<void>;
}
