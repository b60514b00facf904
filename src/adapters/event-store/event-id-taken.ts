import type { ExpectedRevision } from '../../application/ports/event-store.ts';
import { StreamConflict } from '../../application/ports/stream-conflict.ts';
import { type LastRevision, actualRevision } from './expected-revision.ts';

/**
 * The error for an append whose event id is already stored and which is not a replay. In the
 * same stream it is a conflict (as EventStoreDB answers a partly matching replay); in another
 * stream it is a mistake of the writer: SQLite and memory keep event ids unique store-wide,
 * where EventStoreDB only de-duplicates within a stream.
 */
export const eventIdTaken = (
  holder: Readonly<{ id: string; stream: string }>,
  stream: string,
  expected: ExpectedRevision,
  last: LastRevision,
): Error =>
  holder.stream === stream
    ? new StreamConflict(stream, expected, actualRevision(last))
    : new Error(`event id ${holder.id} is already stored in stream ${holder.stream}; it cannot go to ${stream}`);
