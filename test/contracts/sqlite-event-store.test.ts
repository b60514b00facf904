import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/adapters/event-store/sqlite/sqlite-event-store.ts';
import { eventStoreContract } from './event-store-contract.ts';

const onFile = (synchronous: 'FULL' | 'NORMAL') => async () => {
  const directory = mkdtempSync(join(tmpdir(), 'hub-events-'));
  const store = SqliteEventStore.open(join(directory, 'events.db'), { synchronous });
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
};

eventStoreContract('SQLite file, synchronous FULL (durable)', onFile('FULL'));
eventStoreContract('SQLite file, synchronous NORMAL (relaxed)', onFile('NORMAL'));
