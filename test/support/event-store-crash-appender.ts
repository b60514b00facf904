/**
 * A child process for the crash test: opens the SQLite event store at argv[2] (synchronous FULL)
 * and appends batches of argv[3] events, round robin over three streams, without end. After each
 * append returns it tells its parent { batch, stream, revision } over IPC. The parent kills it
 * with SIGKILL somewhere in the middle.
 */
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/adapters/event-store/sqlite/sqlite-event-store.ts';

const store = SqliteEventStore.open(process.argv[2] as string);
const batchSize = Number(process.argv[3]);
const streams = ['crash-A', 'crash-B', 'crash-C'];
const last = new Map<string, bigint>();
const padding = '货'.repeat(2_000);

for (let batch = 0; ; batch += 1) {
  const stream = streams[batch % streams.length] as string;
  const events = Array.from({ length: batchSize }, (_, index) => ({
    id: randomUUID(),
    type: 'CrashTested',
    data: { batch, index, padding },
    metadata: { correlationId: String(batch), causationId: String(batch), recordedAt: new Date().toISOString() },
  }));
  const result = await store.append(stream, events, last.get(stream) ?? 'no_stream');
  last.set(stream, result.nextExpectedRevision);
  process.send?.({ batch, stream, revision: String(result.nextExpectedRevision) });
}
