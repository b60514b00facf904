/**
 * A reaction on PostgreSQL (the event store and the checkpoints fenced by a lease, as a worker runs
 * it) passing over a long run of events of its category that it does not handle: what an intake
 * burst is to every reaction of `order` but the first. Each save of the checkpoint is a round trip;
 * when the reaction waited for one per event passed over, it walked the burst at a few hundred
 * events a second before it reached the first event it handles (bench:e2e, intake on PostgreSQL:
 * 4,819 orders waiting, 3 pushed a second). Counted, not timed: the saves a reaction makes while
 * it passes over 1,000 events. It makes one at a time and does not wait for them, so the saves
 * are bounded by the turns of the event loop the walk takes (16 events a turn,
 * ../../../src/adapters/event-store/catch-up-subscription.ts), not by the events.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PostgresCheckpointStore } from '../../../src/adapters/checkpoints/postgres-checkpoint-store.ts';
import { PostgresEventStore } from '../../../src/adapters/event-store/postgres/postgres-event-store.ts';
import { PostgresLeases } from '../../../src/adapters/leases/postgres-leases.ts';
import type { CheckpointStore } from '../../../src/application/ports/checkpoint-store.ts';
import type { EventToAppend, Position } from '../../../src/application/ports/event-store.ts';
import { type Lease, LeaseLost } from '../../../src/application/ports/lease.ts';
import { eventsOf, reaction, startReaction } from '../../../src/application/reactions/reaction.ts';
import { at } from '../../domain/outbound-order/order-fixtures.ts';
import { readerOf } from '../../support/decode.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import { MemoryAlerting } from '../../support/memory-ports.ts';
import { testDatabase } from '../../support/test-database.ts';

const PASSED_OVER = 1_000;

let databaseUrl: string;
let store: PostgresEventStore;
let leases: PostgresLeases;
let checkpoints: PostgresCheckpointStore;
let probe: pg.Client;

const metadata = { correlationId: 'c', causationId: 'c', recordedAt: at(0) };

/** `PASSED_OVER` events the reaction does not handle (never decoded, so any data), then one it does. */
const burstThenOne = async (stream: string): Promise<Position> => {
  const others: EventToAppend[] = Array.from({ length: PASSED_OVER }, (_, n) => ({
    id: `${stream}-other-${n}`,
    type: 'StockReserved',
    data: { n },
    metadata,
  }));
  await store.append(stream, others, 'no_stream');
  const handled: EventToAppend = {
    id: `${stream}-received`,
    type: 'StockReceived',
    data: { reference: 'PO1', warehouseCode: 'WH001', sku: 'SKU001', quantity: 3, condition: 'SELLABLE', receivedAt: at(0) },
    metadata,
  };
  return (await store.append(stream, [handled], BigInt(PASSED_OVER - 1))).position;
};

/** The reaction's fenced checkpoints, its saves counted. */
const counted = (lease: Lease): Readonly<{ port: CheckpointStore; saves: () => number }> => {
  const fenced = checkpoints.fencedBy(lease);
  let saves = 0;
  return {
    port: {
      load: (subscriber) => fenced.load(subscriber),
      save: (subscriber, position) => {
        saves += 1;
        return fenced.save(subscriber, position);
      },
    },
    saves: () => saves,
  };
};

const receiving = (name: string, received: string[]) =>
  reaction({
    name,
    handles: eventsOf('stock', ['StockReceived']),
    handle: async (event) => {
      received.push(event.data.reference);
    },
  });

beforeAll(async () => {
  databaseUrl = await testDatabase('reaction_checkpoints');
  store = PostgresEventStore.connect(databaseUrl);
  await store.opened();
  leases = await PostgresLeases.open(databaseUrl, { ttlMs: 600_000 });
  checkpoints = await PostgresCheckpointStore.open(databaseUrl);
  probe = new pg.Client({ connectionString: databaseUrl });
  await probe.connect();
});
afterAll(async () => {
  await probe.end();
  await store.close();
  await leases.close();
  await checkpoints.close();
});

test('passing over 1,000 events takes a few checkpoint saves, not one each, and the checkpoint ends at the last event', async () => {
  const last = await burstThenOne('stock-WH001.SKU001');
  const lease = (await leases.acquire('passes-over', 'worker-a')) as Lease;
  const { port, saves } = counted(lease);
  const received: string[] = [];
  const subscription = await startReaction(
    { events: readerOf(store), checkpoints: port, alerting: new MemoryAlerting(), clock: new ManualClock() },
    receiving('passes-over', received),
  );
  await subscription.caughtUp;
  await subscription.stop();
  expect(received).toEqual(['PO1']);
  expect(await checkpoints.load('passes-over')).toEqual(last);
  // one save per event passed over was 1,001; at most one save ends per turn of the event loop, and a turn passes over 16 events
  expect(saves()).toBeLessThan(PASSED_OVER / 10);
});

test('a lease lost while it passes over events stops the reaction before the next event it handles, its checkpoint unmoved', async () => {
  await burstThenOne('stock-WH001.SKU002');
  const lease = (await leases.acquire('loses-its-lease', 'worker-a')) as Lease;
  // the holder paused past its lease, as everyone else sees it
  await probe.query(`UPDATE leases SET expires_at = now() - interval '1 millisecond' WHERE name = $1`, [lease.name]);
  const received: string[] = [];
  const subscription = await startReaction(
    { events: readerOf(store), checkpoints: counted(lease).port, alerting: new MemoryAlerting(), clock: new ManualClock() },
    receiving('loses-its-lease', received),
  );
  await expect(subscription.done).rejects.toBeInstanceOf(LeaseLost);
  expect(received).toEqual([]);
  expect(await checkpoints.load('loses-its-lease')).toBeUndefined();
});
