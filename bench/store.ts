/**
 * SQLite event store throughput, on a real file in a temporary directory:
 *   appends of one event per transaction, durable (synchronous FULL) and relaxed (NORMAL); durable
 *   appends from 16 writers at once, which the store group-commits;
 *   appends of 100 events per transaction;
 *   replay of everything in position order with the events parsed, against JSON.parse alone
 *   over the same stored payloads (the floor any replay pays);
 *   for the reader, the other part of a replay: the same rows read from SQLite into strings,
 *   not parsed (a replay costs about read + parse; the adapter's own work is the difference).
 * Then the PostgreSQL event store on an embedded PostgreSQL it starts (test/support/postgres-server.ts,
 * PostgreSQL's defaults: every commit flushed), over loopback: appends from one writer and from 16
 * at once, 100 events per transaction, and a replay of $all. Figures only, no targets yet.
 * Run: npm run bench:store
 * Knobs: BENCH_SMOKE (1: a few thousand events, to check in seconds that every phase runs; its figures are not measurements)
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PostgresEventStore } from '../src/adapters/event-store/postgres/postgres-event-store.ts';
import { SqliteEventStore } from '../src/adapters/event-store/sqlite/sqlite-event-store.ts';
import type { EventStore, EventToAppend, Position } from '../src/application/ports/event-store.ts';
import { freshDatabase, startPostgres } from '../test/support/postgres-server.ts';

const directory = mkdtempSync(join(tmpdir(), 'hub-bench-'));

/** An order-placed event as the hub stores it: about 600 bytes of JSON with the consignee. */
const orderPlaced = (orderNo: string): EventToAppend => ({
  id: randomUUID(),
  type: 'OrderPlaced',
  data: {
    orderNo,
    warehouseCode: 'WH-SH-01',
    priority: 'NORMAL',
    timeRequirement: 'STANDARD',
    placedAt: '2025-11-22T10:00:00.000+08:00',
    policy: { allowPartialShip: true, allowCancel: false },
    consignee: {
      name: '张三',
      phone: '13800138000',
      province: '北京市',
      city: '北京市',
      district: '朝阳区',
      address: '北京市朝阳区XX街道XX号',
    },
    items: [
      { sku: 'SKU001', name: '保温杯 500ml', quantity: 2, unitPrice: '59.00' },
      { sku: 'SKU002', name: '帆布袋', quantity: 1, unitPrice: '19.90' },
    ],
    remark: '工作日送货，请提前电话联系',
  },
  metadata: { correlationId: randomUUID(), causationId: randomUUID(), recordedAt: '2025-11-22T02:00:00.123Z', source: 'oms-rest' },
});

const STREAMS = 1_000;
const SMOKE = process.env.BENCH_SMOKE === '1';
/** events per run (the batched run's count is a multiple of its 100 per transaction) */
const SIZE = SMOKE
  ? { warmup: 200, durable: 200, relaxed: 1_000, batched: 2_000 }
  : { warmup: 2_000, durable: 4_000, relaxed: 20_000, batched: 100_000 };
/** the PostgreSQL runs: one writer, `WRITERS` writers at once, batches of 100 */
const PG_SIZE = SMOKE ? { single: 200, parallel: 400, batched: 1_000 } : { single: 4_000, parallel: 20_000, batched: 50_000 };
const WRITERS = 16;

type Row = Readonly<{ name: string; events: number; seconds: number; target?: string; verdict?: string }>;

/** Appends `total` events in transactions of `perAppend`, spread over order streams, each with its exact expected revision. */
const appendRun = async (file: string, synchronous: 'FULL' | 'NORMAL', total: number, perAppend: number): Promise<number> => {
  const store = SqliteEventStore.open(file, { synchronous });
  const last = new Map<string, bigint>();
  const batches = Array.from({ length: total / perAppend }, (_, batch) => {
    const stream = `order-OMS${batch % STREAMS}`;
    return { stream, events: Array.from({ length: perAppend }, () => orderPlaced(stream)) };
  });
  const started = process.hrtime.bigint();
  for (const { stream, events } of batches) {
    const result = await store.append(stream, events, last.get(stream) ?? 'no_stream');
    last.set(stream, result.nextExpectedRevision);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await store.close();
  return seconds;
};

/** `total` events in appends of `perAppend` by `writers` writers at once, each on streams of its own (named after `run`); returns the seconds. */
const appendEach = async (store: EventStore, run: string, total: number, perAppend: number, writers: number): Promise<number> => {
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      const last = new Map<string, bigint>();
      for (let batch = writer; batch < total / perAppend; batch += writers) {
        const stream = `order-${run}.W${writer}.OMS${batch % STREAMS}`;
        const events = Array.from({ length: perAppend }, () => orderPlaced(stream));
        last.set(stream, (await store.append(stream, events, last.get(stream) ?? 'no_stream')).nextExpectedRevision);
      }
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
};

/** $all in pages of 1,000, events parsed. */
const replayStore = async (store: EventStore): Promise<{ seconds: number; events: number }> => {
  let events = 0;
  let after: Position | undefined;
  const started = process.hrtime.bigint();
  for (;;) {
    const page = await store.readAll(after === undefined ? { maxCount: 1_000 } : { after, maxCount: 1_000 });
    if (page.length === 0) break;
    events += page.length;
    after = page[page.length - 1]?.position;
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, events };
};

const postgresRows = async (): Promise<Row[]> => {
  const server = await startPostgres({ durable: true });
  const store = PostgresEventStore.connect(await freshDatabase(server.url, 'bench'), { poolSize: WRITERS });
  try {
    await store.opened();
    await appendEach(store, 'warmup', SIZE.warmup, 1, 1);
    const single = { events: PG_SIZE.single, seconds: await appendEach(store, 'single', PG_SIZE.single, 1, 1) };
    const parallel = { events: PG_SIZE.parallel, seconds: await appendEach(store, 'parallel', PG_SIZE.parallel, 1, WRITERS) };
    const batched = { events: PG_SIZE.batched, seconds: await appendEach(store, 'batched', PG_SIZE.batched, 100, 1) };
    const replays = [await replayStore(store), await replayStore(store), await replayStore(store)];
    return [
      { name: 'PostgreSQL: append, 1 event/transaction, one writer', ...single },
      { name: `PostgreSQL: append, 1 event/transaction, ${WRITERS} writers at once`, ...parallel },
      { name: 'PostgreSQL: append, 100 events/transaction, one writer', ...batched },
      {
        name: 'PostgreSQL: replay $all, events parsed (pages of 1,000, best of 3)',
        ...replays.reduce((a, b) => (b.seconds < a.seconds ? b : a)),
      },
    ];
  } finally {
    await store.close();
    await server.stop();
  }
};

const replayRun = async (file: string): Promise<{ seconds: number; events: number }> => {
  const store = SqliteEventStore.open(file);
  const run = await replayStore(store);
  await store.close();
  return run;
};

const parseOnlyRun = (file: string): { seconds: number; events: number } => {
  const db = new Database(file, { readonly: true });
  const payloads = db.prepare<[], { data: string; metadata: string }>('SELECT data, metadata FROM events ORDER BY position').all();
  db.close();
  let keep = 0;
  const started = process.hrtime.bigint();
  for (const { data, metadata } of payloads) {
    keep += Object.keys(JSON.parse(data) as object).length + Object.keys(JSON.parse(metadata) as object).length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (keep === 0) throw new Error('nothing parsed');
  return { seconds, events: payloads.length };
};

/** The adapter's $all query, in the same pages, with the rows left as strings: what a replay pays before parsing. */
const readOnlyRun = (file: string): { seconds: number; events: number } => {
  const db = new Database(file, { readonly: true });
  db.pragma('mmap_size = 268435456'); // as the adapter opens its file
  const page = db
    .prepare<[number, number], unknown[]>(
      'SELECT position, id, stream, revision, type, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT ?',
    )
    .raw();
  let events = 0;
  let after = 0;
  const started = process.hrtime.bigint();
  for (;;) {
    const rows = page.all(after, 1_000);
    if (rows.length === 0) break;
    events += rows.length;
    after = (rows[rows.length - 1] as unknown[])[0] as number;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  return { seconds, events };
};

const verdict = (rate: number, target: number): string =>
  rate >= target ? 'met' : `MISSED by ${(((target - rate) / target) * 100).toFixed(0)}%`;

const rows: Row[] = [];
const rate = (row: Row) => row.events / row.seconds;

try {
  const payloadBytes = Buffer.byteLength(JSON.stringify(orderPlaced('OMS1').data));
  await appendRun(join(directory, 'warmup.db'), 'NORMAL', SIZE.warmup, 1);

  const durable = { events: SIZE.durable, seconds: await appendRun(join(directory, 'durable.db'), 'FULL', SIZE.durable, 1) };
  rows.push({
    name: 'append, 1 event/transaction, synchronous FULL (durable)',
    ...durable,
    target: '≥ 4,000/s',
    verdict: verdict(rate({ name: '', ...durable }), 4_000),
  });

  // group commit: the appends asked for in one turn of the event loop share a transaction and its sync
  const grouped = SqliteEventStore.open(join(directory, 'grouped.db'), { synchronous: 'FULL' });
  const groupedRun = { events: SIZE.durable, seconds: await appendEach(grouped, 'G', SIZE.durable, 1, WRITERS) };
  const transactions = grouped.committed;
  await grouped.close();
  rows.push({
    name: `append, 1 event each, synchronous FULL, ${WRITERS} writers at once (group commit: ${(SIZE.durable / transactions).toFixed(1)} appends per transaction)`,
    ...groupedRun,
    target: `vs the durable row above: ${(rate({ name: '', ...groupedRun }) / rate({ name: '', ...durable })).toFixed(1)}×`,
  });

  const relaxed = { events: SIZE.relaxed, seconds: await appendRun(join(directory, 'relaxed.db'), 'NORMAL', SIZE.relaxed, 1) };
  rows.push({
    name: 'append, 1 event/transaction, synchronous NORMAL (relaxed)',
    ...relaxed,
    target: '≥ 15,000/s',
    verdict: verdict(rate({ name: '', ...relaxed }), 15_000),
  });

  const replayFile = join(directory, 'batched.db');
  const batched = { events: SIZE.batched, seconds: await appendRun(replayFile, 'FULL', SIZE.batched, 100) };
  rows.push({
    name: 'append, 100 events/transaction, synchronous FULL',
    ...batched,
    target: '≥ 40,000/s',
    verdict: verdict(rate({ name: '', ...batched }), 40_000),
  });

  // best of three each, alternating, so that neither side gets the warmer machine
  const parseRuns = [];
  const replayRuns = [];
  const readRuns = [];
  for (let run = 0; run < 3; run += 1) {
    parseRuns.push(parseOnlyRun(replayFile));
    replayRuns.push(await replayRun(replayFile));
    readRuns.push(readOnlyRun(replayFile));
  }
  const fastest = <T extends { seconds: number }>(runs: T[]): T => runs.reduce((best, run) => (run.seconds < best.seconds ? run : best));
  const parseOnly = fastest(parseRuns);
  const replay = fastest(replayRuns);
  const parseRate = rate({ name: '', ...parseOnly });
  const replayRate = rate({ name: '', ...replay });
  rows.push({ name: 'baseline: JSON.parse of the stored data + metadata only (best of 3)', ...parseOnly });
  rows.push({
    name: 'replay $all in position order, events parsed (pages of 1,000, best of 3)',
    ...replay,
    target: `≥ 60% of baseline (${((replayRate / parseRate) * 100).toFixed(0)}%)`,
    verdict: verdict(replayRate, parseRate * 0.6),
  });
  const readOnly = fastest(readRuns);
  rows.push({ name: 'for reference: the same rows read into strings, not parsed (best of 3)', ...readOnly });

  console.log(`SQLite event store, ${payloadBytes}-byte order-placed payloads, ${STREAMS} streams, node ${process.version}`);
  console.table(
    rows.map((row) => ({
      measurement: row.name,
      events: row.events,
      seconds: Number(row.seconds.toFixed(3)),
      'events/s': Math.round(rate(row)),
      target: row.target ?? '',
      verdict: row.verdict ?? '',
    })),
  );
  const onPostgres = await postgresRows();
  console.log(`PostgreSQL event store, embedded PostgreSQL 18 on loopback, every commit flushed (fsync on), pool of ${WRITERS}`);
  console.table(
    onPostgres.map((row) => ({
      measurement: row.name,
      events: row.events,
      seconds: Number(row.seconds.toFixed(3)),
      'events/s': Math.round(rate(row)),
    })),
  );
  if (SMOKE) console.log('smoke size (BENCH_SMOKE=1): a check that every phase runs, not a measurement');
  console.log(`reproduce: ${SMOKE ? 'BENCH_SMOKE=1 ' : ''}npm run bench:store`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
