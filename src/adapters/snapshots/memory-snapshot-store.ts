import type { Snapshot, SnapshotStore, StoredSnapshot } from '../../application/ports/snapshot-store.ts';

/**
 * Snapshots in memory, for unit tests. Each is kept as JSON text and parsed on load, as the
 * database adapters do, so that a state that does not survive JSON fails here too.
 */
export class MemorySnapshotStore implements SnapshotStore {
  private readonly kept = new Map<string, Readonly<{ revision: bigint; lastEventId: string; text: string }>>();

  async load(stream: string, schema: string): Promise<StoredSnapshot | undefined> {
    const kept = this.kept.get(JSON.stringify([stream, schema]));
    return kept === undefined ? undefined : { revision: kept.revision, lastEventId: kept.lastEventId, state: JSON.parse(kept.text) };
  }

  async save(snapshot: Snapshot): Promise<void> {
    const key = JSON.stringify([snapshot.stream, snapshot.schema]);
    const kept = this.kept.get(key);
    if (kept !== undefined && kept.revision >= snapshot.revision) return;
    this.kept.set(key, { revision: snapshot.revision, lastEventId: snapshot.lastEventId, text: JSON.stringify(snapshot.state) });
  }
}
