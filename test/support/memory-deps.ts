// The application's ports over one store for a unit test of a use case or a reaction: the memory
// store (or any), its reader, a manual clock, and the test doubles of the outside systems.
import { EventStoreInventory } from '../../src/adapters/inventory/event-store-inventory.ts';
import { RandomIds } from '../../src/adapters/ids/random-ids.ts';
import type { Dependencies } from '../../src/application/dependencies.ts';
import type { EventStore } from '../../src/application/ports/event-store.ts';
import { readerOf } from './decode.ts';
import { FaultyWarehouse } from './faulty-warehouse.ts';
import { ManualClock } from './manual-clock.ts';
import { MemoryAlerting } from './memory-ports.ts';
import { RecordingTransport } from './recording-transport.ts';

const policy = { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 900_000 };

export const depsOver = (store: EventStore, clock = new ManualClock()): Dependencies => ({
  store,
  events: readerOf(store),
  ids: new RandomIds(),
  clock,
  alerting: new MemoryAlerting(),
  warehouse: new FaultyWarehouse(),
  transport: new RecordingTransport(),
  inventory: new EventStoreInventory(readerOf(store)),
  wmsRetryPolicy: policy,
  tmsRetryPolicy: policy,
  varianceAlertUnits: 10,
  callClaimMs: 30_000,
});
