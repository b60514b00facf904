import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, test, vi } from 'vitest';
import { SqliteKeptReadModels } from '../../../src/adapters/projections/sqlite-kept-read-models.ts';
import type { Position } from '../../../src/application/ports/event-store.ts';
import type { RowCodec } from '../../../src/application/ports/kept-read-model.ts';

const directory = mkdtempSync(join(tmpdir(), 'hub-kept-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(directory, `read-models-${(files += 1)}.sqlite`);

type Row = Readonly<{ dueAt: string }>;
const codec = (version: number): RowCodec<Row> => ({
  version,
  encode: (row) => JSON.stringify(row),
  decode: (text) => ({ dueAt: String(JSON.parse(text).dueAt) }),
});
const at = (n: number): Position => ({ commit: BigInt(n), prepare: BigInt(n) });
/** what another connection reads from the file: the rows of a model and its position */
const onDisk = (path: string, model: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return {
      rows: db.prepare('SELECT key, row FROM kept_rows WHERE model = ? ORDER BY key').all(model),
      after: db.prepare('SELECT after FROM kept_models WHERE model = ?').pluck().get(model),
    };
  } finally {
    db.close();
  }
};

test('rows and the position they reflect are saved together, and a model reopened resumes from them', async () => {
  const path = newFile();
  const models = SqliteKeptReadModels.open(path);
  const model = models.model('retries', codec(1));
  expect(await model.load()).toEqual({ rows: new Map(), after: undefined });
  model.save(new Map([['order-A', { dueAt: '2025-11-22T10:00:00Z' }]]), at(3));
  model.save(new Map([['order-B', { dueAt: '2025-11-22T11:00:00Z' }]]), at(5));
  model.save(new Map([['order-A', undefined]]), at(7));
  await model.flush();
  models.close();

  expect(onDisk(path, 'retries')).toEqual({ rows: [{ key: 'order-B', row: '{"dueAt":"2025-11-22T11:00:00Z"}' }], after: '7/7' });
  const reopened = SqliteKeptReadModels.open(path);
  expect(await reopened.model('retries', codec(1)).load()).toEqual({
    rows: new Map([['order-B', { dueAt: '2025-11-22T11:00:00Z' }]]),
    after: at(7),
  });
  reopened.close();
});

test('saves gather and are written together, in one transaction, soon after or when flushed', async () => {
  const path = newFile();
  const models = SqliteKeptReadModels.open(path);
  const model = models.model('book', codec(1));
  for (let n = 1; n <= 100; n += 1) model.save(new Map([[`k${n % 3}`, { dueAt: `t${n}` }]]), at(n));
  // nothing written yet: a model catching up saves at every event, and writes far less often
  expect(onDisk(path, 'book')).toEqual({ rows: [], after: null });
  const written = {
    rows: [
      { key: 'k0', row: '{"dueAt":"t99"}' },
      { key: 'k1', row: '{"dueAt":"t100"}' },
      { key: 'k2', row: '{"dueAt":"t98"}' },
    ],
    after: '100/100',
  };
  await vi.waitFor(() => expect(onDisk(path, 'book')).toEqual(written), { interval: 5, timeout: 5_000 });
  model.save(new Map([['k0', undefined]]), at(101));
  await model.flush();
  expect(onDisk(path, 'book')).toEqual({ rows: written.rows.slice(1), after: '101/101' });
  models.close();
});

test('a model kept under another version of its rows starts again empty, to be built from the events', async () => {
  const path = newFile();
  const models = SqliteKeptReadModels.open(path);
  const model = models.model('inventory', codec(1));
  model.save(new Map([['stock-WH001.SKU001', { dueAt: 'x' }]]), at(9));
  await model.flush();
  expect(await models.model('inventory', codec(1)).load()).toMatchObject({ after: at(9) });
  expect(await models.model('inventory', codec(2)).load()).toEqual({ rows: new Map(), after: undefined });
  models.close();
});
