/**
 * The EventStoreDB adapter, through the real `@eventstore/db-client` over a real socket:
 * - against the in-process protocol double (test/support/esdb-protocol-server.ts), twice: once
 *   advertising BatchAppend (the path real servers since 21.10 take) and once without it (the
 *   plain Append path);
 * - against a real EventStoreDB when ESDB_CONNECTION_STRING is set (docker-compose starts one).
 *
 * What the double does NOT cover, so what only the real server proves: persistent and stream
 * subscriptions, deletes and tombstones, `$$` metadata streams, system streams, projections and
 * links, real commit/prepare positions (the double's are ordered numbers, not log offsets),
 * filter checkpoints, fell-behind, authentication, deadlines, maximum append size, and the
 * server's event-id cache expiring (idempotency there rests on the hub's deciders, docs/architecture.md#idempotency).
 */
import { describe, expect, test } from 'vitest';
import { EventStoreDbEventStore } from '../../src/adapters/event-store/eventstoredb/eventstoredb-event-store.ts';
import { EsdbProtocolServer } from '../support/esdb-protocol-server.ts';
import { eventStoreContract } from './event-store-contract.ts';

const doubles: Partial<Record<'batch' | 'plain', EsdbProtocolServer>> = {};

const throughDouble = (advertiseBatchAppend: boolean) => async () => {
  const server = await EsdbProtocolServer.start({ advertiseBatchAppend });
  doubles[advertiseBatchAppend ? 'batch' : 'plain'] = server;
  const store = EventStoreDbEventStore.connect(server.connectionString);
  return {
    store,
    close: async () => {
      await store.close();
      await server.stop();
    },
  };
};

eventStoreContract('EventStoreDB client → protocol double, BatchAppend path', throughDouble(true));
eventStoreContract('EventStoreDB client → protocol double, plain Append path', throughDouble(false));

describe('the protocol double saw the append path it was meant to', () => {
  test('BatchAppend when advertised, plain Append otherwise', () => {
    expect(doubles.batch?.calls).toMatchObject({ Append: 0, BatchAppend: expect.any(Number) });
    expect(doubles.batch?.calls.BatchAppend).toBeGreaterThan(100);
    expect(doubles.plain?.calls).toMatchObject({ BatchAppend: 0 });
    expect(doubles.plain?.calls.Append).toBeGreaterThan(100);
  });
});

const connectionString = process.env.ESDB_CONNECTION_STRING;
describe.skipIf(!connectionString)('real EventStoreDB (skipped: set ESDB_CONNECTION_STRING, e.g. docker compose up eventstore)', () => {
  eventStoreContract(`EventStoreDB at ${connectionString ?? '(none)'}`, async () => {
    const store = EventStoreDbEventStore.connect(connectionString as string);
    return { store, close: () => store.close() };
  });
});
