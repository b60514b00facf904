// Stored events for audit tests: the deciders' own output, as a store would hand it back
// (JSON round-tripped, with revisions, positions and metadata).
import type { DomainMessage, EventMetadata, StoredEvent } from '../../../src/application/ports/event-store.ts';

let position = 0n;

export type Recorded = DomainMessage & Readonly<{ recordedAt?: string; metadata?: Partial<EventMetadata> }>;

/** The events of one stream, at revisions 0, 1, 2, … and increasing positions. */
export const storedStream = (stream: string, events: readonly Recorded[], recordedAt = '2025-11-22T02:00:00.000Z'): StoredEvent[] =>
  events.map(({ recordedAt: at, metadata, ...event }, revision) => {
    position += 1n;
    return {
      ...(JSON.parse(JSON.stringify(event)) as DomainMessage),
      id: `${stream}#${revision}`,
      stream,
      revision: BigInt(revision),
      position: { commit: position, prepare: position },
      metadata: { correlationId: 'flow-1', causationId: 'flow-1', recordedAt: at ?? recordedAt, ...metadata },
    };
  });

/** The same events, one of them changed (what someone editing the store by hand does). */
export const tampered = (events: readonly StoredEvent[], revision: number, change: (event: StoredEvent) => StoredEvent): StoredEvent[] =>
  events.map((event) => (event.revision === BigInt(revision) ? change(event) : event));

export const withData = (event: StoredEvent, patch: (data: any) => void): StoredEvent => {
  const data = JSON.parse(JSON.stringify(event.data));
  patch(data);
  return { ...event, data };
};
