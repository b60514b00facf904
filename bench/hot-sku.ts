/**
 * A hot SKU after a restart (issue 13): the first reservation on a stock ledger of BENCH_EVENTS
 * (default 100,000) events, in a hub process that has just started, against a baseline SKU of a
 * few events, with snapshots off (SNAPSHOT_EVERY=0: the command folds the whole ledger) and on.
 * Target: < 50 ms with snapshots on.
 *
 *   0. the store: one SQLite file in a temporary directory (deleted at the end). The hot ledger's
 *      events are the stock ledger decider's own (receipts, then per order a reservation and,
 *      200 orders later, its deduction for a waybill or, one order in five, its release),
 *      appended 1,000 per transaction through the SQLite store; then the last 2 × SNAPSHOT_EVERY
 *      events through the hub's command path with snapshots on, as a running hub writes them, so
 *      that the ledger ends SNAPSHOT_EVERY − 2 events after its last snapshot (the longest tail a
 *      reservation can meet without keeping a snapshot itself). A baseline SKU and a warm-up SKU of
 *      a few events each.
 *   1. the restart, BENCH_RUNS times (default 3) per SKU and mode: a child process on a copy of
 *      the data directory takes its dependencies from the hub's container (src/main/container.ts,
 *      as `npm start` does: SQLite store, decoder, state cache, snapshots), reserves on the warm-up
 *      SKU (the process's first command: module loading, compiled codecs), then times the first
 *      reservation on the SKU under test.
 *   2. what keeping a snapshot costs the command that keeps it (from step 0's commands).
 *
 * Run: npm run bench:hot-sku
 * Knobs: BENCH_EVENTS (100000) SNAPSHOT_EVERY (500) BENCH_RUNS (3)
 *   BENCH_KEEP (a directory: the filled data directory is copied there, to run `… hot-sku.ts measure <dir> <sku> <every>` on by hand)
 *   BENCH_SMOKE (1: 2,000 events, every 100, one run: a check in seconds that every phase runs; its figures are not measurements)
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { RandomIds } from '../src/adapters/ids/random-ids.ts';
import { SqliteEventStore } from '../src/adapters/event-store/sqlite/sqlite-event-store.ts';
import { ZodEventDecoder } from '../src/adapters/event-codec/zod-event-decoder.ts';
import { SqliteSnapshotStore } from '../src/adapters/snapshots/sqlite-snapshot-store.ts';
import { onStock } from '../src/application/commands/aggregates.ts';
import { stockLedgerStateCodec } from '../src/application/commands/stock-ledger-state-codec.ts';
import type { CommandDeps } from '../src/application/commands/handle-command.ts';
import { StateCache } from '../src/application/commands/state-cache.ts';
import { EventReader } from '../src/application/events/event-reader.ts';
import type { EventToAppend } from '../src/application/ports/event-store.ts';
import type { SnapshotStore } from '../src/application/ports/snapshot-store.ts';
import { addMillis } from '../src/domain/kernel/instant.ts';
import { keySetParts } from '../src/domain/kernel/key-set.ts';
import {
  type StockCommand,
  type StockEvent,
  type StockLedgerState,
  stockLedgerDecider,
  stockStreamName,
} from '../src/domain/stock-ledger/index.ts';
import { buildHubContainer, hubParts } from '../src/main/container.ts';
import { readConfig } from '../src/main/config.ts';

const SMOKE = process.env.BENCH_SMOKE === '1';
const EVENTS = Number(process.env.BENCH_EVENTS ?? (SMOKE ? 2_000 : 100_000));
const EVERY = Number(process.env.SNAPSHOT_EVERY ?? (SMOKE ? 100 : 500));
const RUNS = Number(process.env.BENCH_RUNS ?? (SMOKE ? 1 : 3));
const KEEP = process.env.BENCH_KEEP === undefined || process.env.BENCH_KEEP === '' ? undefined : resolve(process.env.BENCH_KEEP);
const TARGET_MS = 50;
/** orders between a reservation and its deduction or release: the reservations a busy SKU holds at any time */
const IN_FLIGHT = 200;
const WAREHOUSE = 'WH001';
const HOT = 'HOT1';
const BASELINE = 'COLD1';
const WARM_UP = 'WARM1';
const T0 = '2026-11-02T02:00:00.000Z';

const reserve = (sku: string, reference: string, now: string): StockCommand => ({
  type: 'ReserveStock',
  data: { reference, warehouseCode: WAREHOUSE, sku, quantity: 1, now },
});

const receive = (sku: string, reference: string, quantity: number, now: string): StockCommand => ({
  type: 'ReceiveStock',
  data: { reference, warehouseCode: WAREHOUSE, sku, quantity, condition: 'SELLABLE', now },
});

/**
 * The commands a busy SKU gets, order after order: stock received every 400 orders, each order
 * reserved, and IN_FLIGHT orders later shipped (deducted by its waybill) or, one in five, cancelled (released).
 */
function* hotCommands(): Generator<StockCommand> {
  for (let order = 0; ; order += 1) {
    const now = addMillis(T0, order * 1000);
    if (order % 400 === 0) yield receive(HOT, `PO${order}`, 500, now);
    yield reserve(HOT, `OMS${order}/R1`, now);
    const settled = order - IN_FLIGHT;
    if (settled < 0) continue;
    const reservation = `OMS${settled}/R1`;
    yield settled % 5 === 0
      ? {
          type: 'ReleaseStock',
          data: { reference: `${reservation}/cancel`, reservation, warehouseCode: WAREHOUSE, sku: HOT, quantity: 'ALL', now },
        }
      : { type: 'DeductStock', data: { reference: `SF.SF${settled}`, reservation, warehouseCode: WAREHOUSE, sku: HOT, quantity: 1, now } };
  }
}

const stored = (event: StockEvent, recordedAt: string): EventToAppend => ({
  ...event,
  id: randomUUID(),
  metadata: { correlationId: randomUUID(), causationId: randomUUID(), recordedAt },
});

const cause = (now: string) => ({ correlationId: randomUUID(), causationId: randomUUID(), recordedAt: now });

/** A snapshot store that says how many snapshots it kept, to time the commands that kept one. */
const counting = (store: SnapshotStore) => {
  const counter = { saves: 0 };
  const wrapped: SnapshotStore = {
    load: (stream, schema) => store.load(stream, schema),
    save: async (snapshot) => {
      counter.saves += 1;
      await store.save(snapshot);
    },
  };
  return { store: wrapped, counter };
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

// ------------------------------------------------------------------ 0. the store

const fill = async (
  directory: string,
): Promise<{ events: number; tail: number; keeping: readonly number[]; others: readonly number[] }> => {
  const store = SqliteEventStore.open(join(directory, 'events.sqlite'), { synchronous: 'NORMAL' });
  const stream = stockStreamName(WAREHOUSE, HOT);
  const commands = hotCommands();
  // the decider's own events, 1,000 per append, up to 2 × EVERY events short of the size
  let state: StockLedgerState = stockLedgerDecider.initialState;
  let count = 0;
  let batch: EventToAppend[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await store.append(stream, batch, count === 0 ? 'no_stream' : BigInt(count - 1));
    count += batch.length;
    batch = [];
  };
  while (count + batch.length < EVENTS - 2 * EVERY) {
    const { value: command } = commands.next();
    if (command === undefined) break;
    for (const event of stockLedgerDecider.decide(command, state)) {
      state = stockLedgerDecider.evolve(state, event);
      batch.push(stored(event, command.data.now));
    }
    if (batch.length >= 1_000) await flush();
  }
  await flush();
  // the rest through the command path, snapshots on, as a running hub writes them
  const snapshotFile = SqliteSnapshotStore.open(join(directory, 'snapshots.sqlite'));
  const { store: snapshots, counter } = counting(snapshotFile);
  const deps: CommandDeps = {
    store,
    events: new EventReader(store, new ZodEventDecoder()),
    ids: new RandomIds(),
    stateCache: new StateCache(),
    snapshots: { store: snapshots, every: EVERY, onError: (error) => console.error('snapshot failed', error) },
  };
  const keeping: number[] = [];
  const others: number[] = [];
  let lastSnapshotAt = 0;
  while (count < EVENTS - 2) {
    const { value: command } = commands.next();
    if (command === undefined) break;
    const saves = counter.saves;
    const started = performance.now();
    const { events } = await onStock(deps, command, cause(command.data.now));
    const ms = performance.now() - started;
    count += events.length;
    if (counter.saves > saves) {
      keeping.push(ms);
      lastSnapshotAt = count;
    } else others.push(ms);
  }
  for (const sku of [BASELINE, WARM_UP]) {
    await onStock(deps, receive(sku, `PO-${sku}`, 100, T0), cause(T0));
    for (let order = 0; order < 3; order += 1) await onStock(deps, reserve(sku, `${sku}-OMS${order}/R1`, T0), cause(T0));
  }
  await snapshotFile.close();
  await store.close();
  return { events: count, tail: count - lastSnapshotAt, keeping, others };
};

// ------------------------------------------------------------------ 1. the restart, in a child process

/** wall time, and the process's CPU time over the same span (all its threads: the collector's too), which a busy machine stretches less */
type Measured = Readonly<{ warmUpMs: number; firstMs: number; firstCpuMs: number; reserved: number }>;

/** The child: the hub's dependencies from its container on `directory`, a warm-up reservation, then the timed one. */
const measure = async (directory: string, sku: string, every: string): Promise<void> => {
  const config = readConfig({ OMS_DATA_DIR: directory, SNAPSHOT_EVERY: every, LOG_LEVEL: 'silent' });
  const none = () => null;
  const outside = { wmsUrl: '', tmsUrl: '', secrets: { warehouse: none, tms: none }, qimenWarehouse: none, timeoutOf: () => undefined };
  const parts = hubParts(buildHubContainer(config, pino({ level: 'silent' }), outside));
  const now = new Date().toISOString();
  let started = performance.now();
  await onStock(parts.deps, reserve(WARM_UP, `WARM-${randomUUID()}`, now), cause(now));
  const warmUpMs = performance.now() - started;
  started = performance.now();
  const cpu = process.cpuUsage();
  const { events } = await onStock(parts.deps, reserve(sku, `FIRST-${randomUUID()}`, now), cause(now));
  const firstMs = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  const measured: Measured = { warmUpMs, firstMs, firstCpuMs: (user + system) / 1000, reserved: events.length };
  console.log(JSON.stringify(measured));
  await parts.snapshots.close();
  await parts.store.close();
};

const child = (directory: string, sku: string, every: number): Promise<Measured> =>
  new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), 'measure', directory, sku, String(every)],
      { maxBuffer: 1024 * 1024 },
      (error, stdout) => {
        if (error !== null) return reject(error);
        const last = stdout.trim().split('\n').at(-1) ?? '';
        try {
          const measured: Measured = JSON.parse(last);
          if (measured.reserved !== 1) return reject(new Error(`the reservation on ${sku} decided ${measured.reserved} events`));
          resolve(measured);
        } catch (parseError) {
          reject(parseError);
        }
      },
    );
  });

/**
 * The hot ledger's snapshot: its size, and how many references its state remembers (what makes it
 * grow with the ledger's history: every reservation, release and deduction it ever handled).
 */
const snapshotSize = (directory: string): Readonly<{ bytes: number; references: number }> => {
  const db = new Database(join(directory, 'snapshots.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const text = db.prepare<[string], string>('SELECT state FROM snapshots WHERE stream = ?').pluck().get(stockStreamName(WAREHOUSE, HOT));
    const state = text === undefined ? undefined : stockLedgerStateCodec.decode(JSON.parse(text));
    const references =
      state === undefined
        ? 0
        : Object.values(state.handled)
            .map(keySetParts)
            .reduce((sum, { sorted, recent }) => sum + sorted.split('\n').length - 1 + recent.length, 0);
    return { bytes: text?.length ?? 0, references };
  } finally {
    db.close();
  }
};

const main = async (): Promise<void> => {
  const root = mkdtempSync(join(tmpdir(), 'hub-bench-hot-sku-'));
  const seeded = join(root, 'seeded');
  mkdirSync(seeded);
  try {
    console.log(
      `load average at start: ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
    );
    const started = performance.now();
    const filled = await fill(seeded);
    console.log(
      `0. ${filled.events.toLocaleString('en')} events in ${WAREHOUSE}/${HOT}, ${filled.tail} of them after its last snapshot (every ${EVERY}), written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const size = snapshotSize(seeded);
    console.log(
      `   its snapshot: ${(size.bytes / 1e6).toFixed(2)} MB of JSON, ${size.references.toLocaleString('en')} references handled (the state remembers every one)`,
    );
    if (KEEP !== undefined) cpSync(seeded, KEEP, { recursive: true });
    const rows: string[] = [];
    let copy = 0;
    for (const every of [0, EVERY]) {
      for (const sku of [BASELINE, HOT]) {
        const runs: Measured[] = [];
        for (let run = 0; run < RUNS; run += 1) {
          // each run on a copy of the store as filled: no run meets another's reservation or snapshot
          const directory = join(root, `run-${(copy += 1)}`);
          cpSync(seeded, directory, { recursive: true });
          runs.push(await child(directory, sku, every));
          rmSync(directory, { recursive: true, force: true });
        }
        const first = runs.map((run) => run.firstMs);
        const verdict =
          sku === HOT && every !== 0
            ? Math.max(...first) < TARGET_MS
              ? ` (target < ${TARGET_MS} ms ✓)`
              : ` (target < ${TARGET_MS} ms: missed)`
            : '';
        rows.push(
          `   ${every === 0 ? 'snapshots off' : `snapshots every ${every}`}, ${sku === HOT ? `hot SKU (${filled.events.toLocaleString('en')} events)` : 'baseline SKU (4 events)'}: first reservation median ${median(first).toFixed(1)} ms, min ${Math.min(...first).toFixed(1)}, max ${Math.max(...first).toFixed(1)}${verdict}; CPU median ${median(runs.map((run) => run.firstCpuMs)).toFixed(1)} ms; the process's first command (warm-up SKU) median ${median(runs.map((run) => run.warmUpMs)).toFixed(1)} ms`,
        );
      }
    }
    console.log(`1. the first reservation after a restart (a fresh process, ${RUNS} run${RUNS === 1 ? '' : 's'} each):`);
    for (const row of rows) console.log(row);
    console.log(
      `2. a command that kept a snapshot: ${filled.keeping.map((ms) => ms.toFixed(1)).join(', ')} ms; the other ${filled.others.length} commands: median ${median(filled.others).toFixed(2)} ms`,
    );
    console.log(
      `load average at end: ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
    );
    if (SMOKE) console.log('smoke size (BENCH_SMOKE=1): a check that every phase runs, not a measurement');
    const knobs = [
      ...(SMOKE ? ['BENCH_SMOKE=1'] : []),
      ...['BENCH_EVENTS', 'SNAPSHOT_EVERY', 'BENCH_RUNS', 'BENCH_KEEP'].flatMap((name) =>
        process.env[name] === undefined ? [] : [`${name}=${process.env[name]}`],
      ),
    ];
    console.log(`reproduce: ${[...knobs, 'npm run bench:hot-sku'].join(' ')}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
};

if (process.argv[2] === 'measure') await measure(process.argv[3] ?? '', process.argv[4] ?? HOT, process.argv[5] ?? '0');
else await main();
