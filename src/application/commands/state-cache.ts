import type { Revision } from '../ports/event-store.ts';

type Entry = Readonly<{ state: unknown; revision: Revision }>;

/**
 * The folded state of the streams used most recently, with the revision it was folded to, so a
 * command reads only the events appended since instead of the whole stream (a busy stock ledger
 * has thousands). Events never change once stored, so a cached fold stays true up to its
 * revision, whoever appends after it; a cache may only lag, never lie. Least recently used
 * streams are dropped beyond `capacity`.
 */
export class StateCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 10_000) {}

  get<S>(stream: string): Readonly<{ state: S; revision: Revision }> | undefined {
    const entry = this.entries.get(stream);
    if (entry === undefined) return undefined;
    this.entries.delete(stream);
    this.entries.set(stream, entry);
    return entry as { state: S; revision: Revision };
  }

  set(stream: string, state: unknown, revision: Revision): void {
    const current = this.entries.get(stream);
    if (current !== undefined && current.revision > revision) return;
    this.entries.delete(stream);
    this.entries.set(stream, { state, revision });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}
