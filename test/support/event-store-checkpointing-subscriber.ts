/**
 * A child process for the subscriber-restart test: a subscriber to category `order` of the
 * SQLite event store at argv[2], keeping its checkpoint in the SQLite checkpoint store at argv[3]
 * (the same file or another) under the name argv[4]. It starts after its saved checkpoint and,
 * for each event, tells its parent { handling: n }, then (unless n is argv[5], where it stops
 * and waits to be killed, as if the machine died in the middle of its work) saves the event's
 * position and tells { finished: n, position }. Once caught up it tells { caughtUp: true }.
 */
import { SqliteCheckpointStore } from '../../src/adapters/checkpoints/sqlite-checkpoint-store.ts';
import { SqliteEventStore } from '../../src/adapters/event-store/sqlite/sqlite-event-store.ts';
import { positionToString } from '../../src/application/ports/event-store.ts';
import { numberIn } from './payload.ts';

const [eventsFile, checkpointsFile, subscriber, stallAt] = process.argv.slice(2) as [string, string, string, string];
const send = (message: unknown): Promise<void> =>
  new Promise((resolve, reject) => process.send?.(message, (error: Error | null) => (error ? reject(error) : resolve())));

const store = SqliteEventStore.open(eventsFile);
const checkpoints = SqliteCheckpointStore.open(checkpointsFile);
const subscription = store.subscribe({
  category: 'order',
  after: await checkpoints.load(subscriber),
  onEvent: async (event) => {
    const n = numberIn(event, 'n');
    await send({ handling: n });
    // killed here, mid-event; the interval holds the event loop open (a promise that never settles
    // does not, and with nothing else pending the process would end by itself before the kill)
    if (n === Number(stallAt)) await new Promise<never>(() => setInterval(() => undefined, 60_000));
    await checkpoints.save(subscriber, event.position);
    await send({ finished: n, position: positionToString(event.position) });
  },
});
await subscription.caughtUp;
await send({ caughtUp: true });
