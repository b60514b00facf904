import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
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

describe('the SQLite file itself', () => {
  test('one file in WAL mode, with a unique (stream, revision) and a unique event id', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'hub-events-'));
    const path = join(directory, 'events.db');
    const store = SqliteEventStore.open(path);
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const uniques = (db.prepare('SELECT name FROM pragma_index_list(\'events\') WHERE "unique" = 1').all() as { name: string }[]).map(
        ({ name }) =>
          (db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(name) as { name: string }[])
            .map((column) => column.name)
            .join(','),
      );
      expect(uniques).toEqual(expect.arrayContaining(['stream,revision', 'id']));
    } finally {
      db.close();
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
