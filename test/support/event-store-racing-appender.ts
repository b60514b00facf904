/**
 * A child process for the two-writers test: opens the SQLite event store at argv[2] and, for
 * each message { round, expected } from its parent, appends one event to stream `race-1` with
 * that expected revision, answering { round, outcome: 'won' | 'conflict' }.
 */
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/adapters/event-store/sqlite/sqlite-event-store.ts';
import { StreamConflict } from '../../src/application/ports/stream-conflict.ts';

type Round = Readonly<{ round: number; expected: string }>;

const store = SqliteEventStore.open(process.argv[2] as string);
const writer = process.argv[3] as string;
const send = (message: unknown) => process.send?.(message);

process.on('message', (message: Round | 'exit') => {
  if (message === 'exit') {
    void store.close().then(() => process.exit(0));
    return;
  }
  const expected = message.expected === 'no_stream' ? 'no_stream' : BigInt(message.expected);
  const event = {
    id: randomUUID(),
    type: 'Raced',
    data: { writer, round: message.round },
    metadata: { correlationId: writer, causationId: writer, recordedAt: new Date().toISOString() },
  };
  store.append('race-1', [event], expected).then(
    () => send({ round: message.round, outcome: 'won' }),
    (error: unknown) => send({ round: message.round, outcome: error instanceof StreamConflict ? 'conflict' : String(error) }),
  );
});
send('ready');
