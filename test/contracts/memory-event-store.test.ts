import { MemoryEventStore } from '../../src/adapters/event-store/memory/memory-event-store.ts';
import { eventStoreContract } from './event-store-contract.ts';

eventStoreContract('memory', async () => ({ store: new MemoryEventStore(), close: async () => undefined }));
