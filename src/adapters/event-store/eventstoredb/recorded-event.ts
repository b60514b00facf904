import type { AllStreamRecordedEvent, RecordedEvent } from '@eventstore/db-client';
import type { EventMetadata, JsonValue, StoredEvent } from '../../../application/ports/event-store.ts';

/**
 * Translation between the hub's events and EventStoreDB's records. Metadata travels with the
 * server's conventions, `$correlationId` and `$causationId` (read by its own projections);
 * `recordedAt` and any other key go as they are.
 */
export const toEsdbMetadata = ({ correlationId, causationId, ...rest }: EventMetadata): Record<string, JsonValue> => ({
  ...rest,
  $correlationId: correlationId,
  $causationId: causationId,
});

const fromEsdbMetadata = (record: RecordedEvent | AllStreamRecordedEvent): EventMetadata => {
  const raw = record.metadata;
  const fields =
    raw !== undefined && !(raw instanceof Uint8Array) && typeof raw === 'object' && !Array.isArray(raw)
      ? (raw as Record<string, JsonValue>)
      : {};
  const { $correlationId, $causationId, recordedAt, ...rest } = fields;
  return {
    ...rest,
    correlationId: typeof $correlationId === 'string' ? $correlationId : record.id,
    causationId: typeof $causationId === 'string' ? $causationId : record.id,
    recordedAt: typeof recordedAt === 'string' ? recordedAt : record.created.toISOString(),
  };
};

/** A record written by the hub (or by anyone: missing correlation falls back to the event's own id, `recordedAt` to the server's time). */
export const toStoredEvent = (record: RecordedEvent | AllStreamRecordedEvent): StoredEvent => {
  if (!record.position) throw new Error(`event ${record.id} came without a position: EventStoreDB 22.6 or later is needed`);
  return {
    id: record.id,
    type: record.type,
    data: (record.isJson ? record.data : JSON.parse(Buffer.from(record.data).toString('utf8'))) as object,
    metadata: fromEsdbMetadata(record),
    stream: record.streamId,
    revision: record.revision,
    position: { commit: record.position.commit, prepare: record.position.prepare },
  };
};
