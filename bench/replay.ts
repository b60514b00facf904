/**
 * Replay and audit at scale, on a SQLite store of BENCH_EVENTS (default 1,000,000) events in a
 * temporary directory (deleted at the end):
 *
 *   0. the store: complete order lives written by the deciders themselves (placed, reserved,
 *      pushed — a tenth after a failed attempt and a scheduled retry —, picking, packed, shipped —
 *      one in twenty short of a line, backordered —, or cancelled), with their stock ledgers
 *      (2 warehouses × 500 SKUs: receipts, reservations, deductions, releases) and transport
 *      hand-offs; a few hundred orders in flight at a time, so streams interleave as they do in a
 *      hub; correct revisions, correlation and causation, one simulated second per step;
 *   1. baseline: JSON.parse alone of every stored data + metadata payload (rows read in chunks
 *      outside the timing: the floor any replay pays);
 *   1b. the event decoder alone (compiled codecs, typed events) over every stored event: what the
 *      typed boundary costs, and its share of (2);
 *   2. `oms projections rebuild`: SqliteProjections.rebuild of every projection over the whole
 *      store, in events/s, against (1) in the same run (target ≥ 60 %);
 *   3. `oms history <orderNo>`: the function the CLI calls (historyOf: read the stream, fold,
 *      name the causes), in process, for 300 random orders, now and at a time mid-life (target
 *      < 50 ms); then the real bin/oms once, with its process start-up (node + tsx + imports)
 *      measured apart by `oms --version`;
 *   4. for reference, the events half of `oms verify` (schemas + invariants of every stream).
 *
 * Run: npm run bench:replay        Knobs: BENCH_EVENTS (1000000) BENCH_SKIP_VERIFY (1: skip 4)
 *   BENCH_SMOKE (1: BENCH_EVENTS 5000 unless given, to check in seconds that every phase runs; its figures are not measurements)
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { ZodEventDecoder } from '../src/adapters/event-codec/zod-event-decoder.ts';
import { SqliteEventStore } from '../src/adapters/event-store/sqlite/sqlite-event-store.ts';
import { type Position, categoryOf } from '../src/application/ports/event-store.ts';
import type { Decider } from '../src/domain/kernel/decider.ts';
import { addMillis } from '../src/domain/kernel/instant.ts';
import { type KeySet, emptyKeySet, withKey } from '../src/domain/kernel/key-set.ts';
import { type Waybill, waybillId } from '../src/domain/kernel/waybill.ts';
import {
  type OrderCommand,
  type OrderState,
  orderStreamName,
  outboundOrder,
  reservationReference,
} from '../src/domain/outbound-order/index.ts';
import {
  type StockCommand,
  type StockLedgerState,
  available,
  reservationsHeld,
  stockLedgerDecider,
  stockStreamName,
} from '../src/domain/stock-ledger/index.ts';
import { type HandOffCommand, type HandOffState, shipmentStreamName, transportHandOff } from '../src/domain/transport-handoff/index.ts';
import { checkStore, historyOf } from '../src/main/cli.ts';
import { readConfig } from '../src/main/config.ts';
import { projectionNames } from '../src/adapters/projections/projections.ts';

const SMOKE = process.env.BENCH_SMOKE === '1';
const TARGET_EVENTS = Number(process.env.BENCH_EVENTS ?? (SMOKE ? 5_000 : 1_000_000));
const SKIP_VERIFY = process.env.BENCH_SKIP_VERIFY === '1';
const IN_FLIGHT = 300;
const WAREHOUSES = ['WH001', 'WH002'] as const;
const SKUS = 500;
const T0 = '2025-11-22T02:00:00.000Z';
const policy = { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 900_000 };
const consignees = [
  { name: '张三', phone: '13800138000', province: '北京市', city: '北京市', district: '朝阳区', address: '建国路88号SOHO现代城A座1203' },
  { name: '李四', phone: '13900139000', province: '上海市', city: '上海市', district: '浦东新区', address: '世纪大道1号环球金融中心45层' },
  { name: '王五', phone: '13700137000', province: '广东省', city: '深圳市', district: '南山区', address: '科技园南区高新南一道9号' },
];
/** as the warehouse names them in its callback, and the code the hub reads that as (src/adapters/wms/carrier-names.ts) */
const carriers = [
  { name: '顺丰速运', code: 'SF' },
  { name: '中通快递', code: 'ZTO' },
  { name: '京东物流', code: 'JD' },
] as const;

const directory = mkdtempSync(join(tmpdir(), 'hub-bench-replay-'));
const config = readConfig({ OMS_DATA_DIR: directory, SQLITE_SYNCHRONOUS: 'NORMAL', LOG_LEVEL: 'silent' });
const eventsFile = join(directory, 'events.sqlite');

// ------------------------------------------------------------------ 0. the store, written by the deciders

/**
 * A stock ledger remembers every reference it handled (so that a redelivery decides nothing). Every
 * reference written here is new and nothing is redelivered, so before each command the generator
 * keeps of that memory only what a decision still reads: the reservations still held (a release
 * looks its reservation up in `handled.reserved`). The key sets no longer make long ledgers
 * quadratic to write, but this keeps the generator's memory bounded by the orders in flight.
 */
const trimmed = (ledger: StockLedgerState): StockLedgerState => {
  let reserved: KeySet = emptyKeySet;
  for (const [reference] of reservationsHeld(ledger)) reserved = withKey(reserved, reference);
  return { ...ledger, handled: { ...stockLedgerDecider.initialState.handled, reserved } };
};

type EventRow = readonly [stream: string, category: string, revision: number, id: string, type: string, data: string, metadata: string];

/** Appends what the deciders decide, as the command handler would, straight into the events table in big transactions. */
class Writer {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[string, string, number, string, string, string, string]>;
  private readonly flushRows: (rows: readonly EventRow[]) => void;
  private rows: EventRow[] = [];
  private readonly revisions = new Map<string, number>();
  private readonly states = new Map<string, unknown>();
  written = 0;
  clock = Date.parse(T0);

  /** `file` already holds the adapter's schema (SqliteEventStore created it). */
  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = OFF');
    this.insert = this.db.prepare('INSERT INTO events (stream, category, revision, id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.flushRows = this.db.transaction((rows: readonly EventRow[]) => {
      for (const [stream, category, revision, id, type, data, metadata] of rows)
        this.insert.run(stream, category, revision, id, type, data, metadata);
    });
  }

  now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  /**
   * decide, fold, append: the handler's loop without the store round trip. Answers the new state and the ids written.
   * `trim` prepares a known state for the command (the stock ledgers' `trimmed`).
   */
  handle<S, C, E extends { type: string; data: object }>(
    decider: Decider<S, C, E>,
    stream: string,
    command: C,
    flow: { correlationId: string; causationId: string; callback?: object },
    trim: (state: S) => S = (state) => state,
  ): { state: S; ids: string[] } {
    const known = this.states.get(stream) as S | undefined;
    const before: S = known === undefined ? decider.initialState : trim(known);
    const events = decider.decide(command, before);
    const state = events.reduce<S>((s, event) => decider.evolve(s, event), before);
    this.states.set(stream, state);
    const recordedAt = new Date(this.clock).toISOString();
    const ids: string[] = [];
    let revision = this.revisions.get(stream) ?? -1;
    for (const event of events) {
      revision += 1;
      const id = randomUUID();
      ids.push(id);
      const metadata = {
        correlationId: flow.correlationId,
        causationId: flow.causationId,
        recordedAt,
        ...(flow.callback === undefined ? {} : { callback: flow.callback }),
      };
      this.rows.push([stream, categoryOf(stream), revision, id, event.type, JSON.stringify(event.data), JSON.stringify(metadata)]);
    }
    this.revisions.set(stream, revision);
    this.written += events.length;
    if (this.rows.length >= 20_000) this.flush();
    return { state, ids };
  }

  state<S>(stream: string): S | undefined {
    return this.states.get(stream) as S | undefined;
  }

  /** A stream that will not be written again: its state need not be kept. */
  forget(stream: string): void {
    this.states.delete(stream);
  }

  flush(): void {
    this.flushRows(this.rows);
    this.rows = [];
  }

  close(): void {
    this.flush();
    this.states.clear();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}

type Life = { orderNo: string; streams: string[]; steps: (() => void)[] };

const generate = async (): Promise<{ events: number; orders: number; seconds: number; sampleOrders: string[] }> => {
  const started = performance.now();
  await SqliteEventStore.open(eventsFile, { synchronous: 'NORMAL' }).close(); // the adapter's own schema
  const w = new Writer(eventsFile);
  let random = 42;
  const next = (n: number): number => {
    random = (random * 1_103_515_245 + 12_345) % 2_147_483_648;
    return random % n;
  };
  const ledger = (wh: string, sku: string) => stockStreamName(wh, sku);
  const onStock = (command: StockCommand, flow: { correlationId: string; causationId: string }) =>
    w.handle<StockLedgerState, StockCommand, never>(
      stockLedgerDecider as never,
      ledger(command.data.warehouseCode, command.data.sku),
      command,
      flow,
      trimmed,
    );
  const onOrder = (orderNo: string, command: OrderCommand, flow: { correlationId: string; causationId: string; callback?: object }) =>
    w.handle<OrderState, OrderCommand, never>(outboundOrder as never, orderStreamName(orderNo), command, flow);
  const onShipment = (waybill: Waybill, command: HandOffCommand, flow: { correlationId: string; causationId: string }) =>
    w.handle<HandOffState, HandOffCommand, never>(transportHandOff as never, shipmentStreamName(waybill), command, flow);
  let receipts = 0;
  const restock = (wh: string, sku: string, wanted: number) => {
    const state = w.state<StockLedgerState>(ledger(wh, sku));
    if (state !== undefined && available(state) >= wanted) return;
    receipts += 1;
    const flow = { correlationId: `PO-${receipts}`, causationId: `PO-${receipts}` };
    onStock(
      {
        type: 'ReceiveStock',
        data: { reference: `PO-${receipts}`, warehouseCode: wh, sku, quantity: 500, condition: 'SELLABLE', now: w.now() },
      },
      flow,
    );
  };

  const lifeOf = (n: number): Life => {
    const orderNo = `OMS${String(20251122000000 + n)}`;
    const flow = randomUUID();
    const warehouseCode = WAREHOUSES[n % 2] as string;
    const lineCount = 1 + next(3);
    const skus = [...new Set(Array.from({ length: lineCount }, () => `SKU${String(1 + next(SKUS)).padStart(4, '0')}`))];
    const items = skus.map((sku, i) => ({ sku, quantity: 1 + next(4), ...(i === 0 ? { batchNo: `B${2025110 + next(9)}` } : {}) }));
    const failFirst = next(10) === 0;
    const fate = next(100); // 0–2 cancelled before the push, 3–7 one line short at the warehouse
    const allowPartialShip = fate >= 3 && fate <= 7 ? true : next(2) === 0;
    let last = '';
    const caused = () => ({ correlationId: flow, causationId: last });
    const remember = (ids: string[]) => {
      if (ids.length > 0) last = ids.at(-1) as string;
    };
    const reservation = reservationReference(orderNo, 1);
    const waybillNo = `SF${String(1_000_000_000 + n)}`;
    const carrier = carriers[n % carriers.length] ?? carriers[0];
    const waybill = { carrier: carrier.code, waybillNo };
    const outboundNo = `WMS${String(20251122000000 + n)}`;
    const steps: (() => void)[] = [
      () => {
        const { ids } = onOrder(
          orderNo,
          {
            type: 'PlaceOrder',
            data: {
              orderNo,
              warehouseCode,
              priority: (['HIGH', 'NORMAL', 'LOW'] as const)[next(3)] ?? 'NORMAL',
              timeRequirement: next(4) === 0 ? 'EXPRESS' : 'STANDARD',
              items,
              consignee: consignees[n % consignees.length] ?? (consignees[0] as never),
              policy: { allowPartialShip, allowCancel: false },
              now: w.now(),
            },
          },
          { correlationId: flow, causationId: flow },
        );
        remember(ids);
      },
      () => {
        for (const item of items) {
          restock(warehouseCode, item.sku, item.quantity);
          const { ids } = onStock(
            { type: 'ReserveStock', data: { reference: reservation, warehouseCode, sku: item.sku, quantity: item.quantity, now: w.now() } },
            caused(),
          );
          remember(ids);
        }
        remember(onOrder(orderNo, { type: 'RecordStockReserved', data: { reservationNo: 1, now: w.now() } }, caused()).ids);
      },
    ];
    if (fate <= 2) {
      steps.push(() => {
        remember(
          onOrder(
            orderNo,
            {
              type: 'CancelOrder',
              data: { requestId: randomUUID(), reason: 'customer changed their mind', requestedBy: 'cs-agent-7', now: w.now() },
            },
            { correlationId: flow, causationId: flow },
          ).ids,
        );
      });
      steps.push(() => {
        for (const item of items) {
          remember(
            onStock(
              {
                type: 'ReleaseStock',
                data: { reference: `${orderNo}/cancel`, warehouseCode, sku: item.sku, reservation, quantity: 'ALL', now: w.now() },
              },
              caused(),
            ).ids,
          );
        }
      });
      return { orderNo, streams: [orderStreamName(orderNo)], steps };
    }
    if (failFirst) {
      steps.push(() => {
        remember(
          onOrder(
            orderNo,
            {
              type: 'RecordPushFailed',
              data: { attempt: 1, warehouseCode, error: 'HTTP 503 Service Unavailable', retryable: true, policy, now: w.now() },
            },
            caused(),
          ).ids,
        );
      });
    }
    steps.push(() => {
      w.clock += failFirst ? 60_000 : 0;
      remember(
        onOrder(
          orderNo,
          { type: 'RecordPushSucceeded', data: { attempt: failFirst ? 2 : 1, warehouseCode, outboundNo, now: w.now() } },
          caused(),
        ).ids,
      );
    });
    for (const stage of ['PICKING', 'PACKED'] as const) {
      steps.push(() => {
        const at = w.now();
        const callback = { endpoint: '/api/oms/outbound/progress', body: { orderNo, warehouseCode, status: stage, time: at } };
        onOrder(
          orderNo,
          { type: 'RecordWmsProgress', data: { warehouseCode, stage, at, now: w.now() } },
          { correlationId: `progress:${orderNo}:${stage}`, causationId: `progress:${orderNo}:${stage}`, callback },
        );
      });
    }
    const short = fate >= 3 && fate <= 7 && items.length > 1 ? items.at(-1) : undefined;
    if (short !== undefined) {
      steps.push(() => {
        const callback = {
          endpoint: '/api/oms/outbound/shortage',
          body: { orderNo, warehouseCode, shortItems: [{ sku: short.sku, quantity: short.quantity }], time: w.now() },
        };
        onOrder(
          orderNo,
          {
            type: 'RecordWmsShortage',
            data: { warehouseCode, lines: [{ sku: short.sku, quantity: short.quantity }], alternativeWarehouse: null, now: w.now() },
          },
          { correlationId: `shortage:${orderNo}`, causationId: `shortage:${orderNo}`, callback },
        );
        onStock(
          {
            type: 'ReleaseStock',
            data: { reference: `${orderNo}/BO1`, warehouseCode, sku: short.sku, reservation, quantity: short.quantity, now: w.now() },
          },
          { correlationId: `shortage:${orderNo}`, causationId: `shortage:${orderNo}` },
        );
      });
    }
    const shipped = items.filter((item) => item !== short);
    steps.push(() => {
      const shippedAt = addMillis(w.now(), -3_600_000);
      const body = { orderNo, outboundNo, waybillNo, carrier: carrier.name, actualItems: shipped, shippedTime: shippedAt.slice(0, 19) };
      const flowOf = { correlationId: `callback:${waybillNo}`, causationId: `callback:${waybillNo}` };
      const { ids } = onOrder(
        orderNo,
        { type: 'RecordShipment', data: { outboundNo, waybillNo, carrier: carrier.code, items: shipped, shippedAt, now: w.now() } },
        { ...flowOf, callback: { endpoint: '/api/oms/outbound/callback', body } },
      );
      const after = { correlationId: flowOf.correlationId, causationId: ids[0] ?? flowOf.causationId };
      for (const item of shipped) {
        onStock(
          {
            type: 'DeductStock',
            data: { reference: waybillId(waybill), warehouseCode, sku: item.sku, reservation, quantity: item.quantity, now: w.now() },
          },
          after,
        );
      }
      const { ids: registered } = onShipment(
        waybill,
        {
          type: 'RegisterShipment',
          data: {
            waybillNo,
            orderNo,
            carrier: carrier.code,
            consignee: consignees[n % consignees.length] as never,
            items: shipped,
            shippedAt,
            now: w.now(),
          },
        },
        after,
      );
      onShipment(
        waybill,
        { type: 'RecordHandOffSucceeded', data: { attempt: 1, transportRef: `TMS${n}`, now: w.now() } },
        { correlationId: flowOf.correlationId, causationId: registered[0] ?? '' },
      );
    });
    return { orderNo, streams: [orderStreamName(orderNo), shipmentStreamName(waybill)], steps };
  };

  const inFlight: Life[] = [];
  const sampleOrders: string[] = [];
  let orders = 0;
  while (w.written < TARGET_EVENTS || inFlight.length > 0) {
    while (inFlight.length < IN_FLIGHT && w.written < TARGET_EVENTS) {
      const life = lifeOf(orders);
      orders += 1;
      if (orders % 97 === 0) sampleOrders.push(life.orderNo);
      inFlight.push(life);
    }
    const i = next(inFlight.length);
    const life = inFlight[i] as Life;
    (life.steps.shift() as () => void)();
    if (life.steps.length === 0) {
      inFlight.splice(i, 1);
      for (const stream of life.streams) w.forget(stream);
    }
  }
  w.close();
  return { events: w.written, orders, seconds: (performance.now() - started) / 1000, sampleOrders };
};

// ------------------------------------------------------------------ measurements

const parseOnly = (): { events: number; seconds: number } => {
  const db = new Database(eventsFile, { readonly: true });
  const page = db.prepare<[number, number], { position: number; data: string; metadata: string }>(
    'SELECT position, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT ?',
  );
  let after = 0;
  let events = 0;
  let seconds = 0;
  let keep = 0;
  for (;;) {
    const rows = page.all(after, 50_000); // read outside the timing
    if (rows.length === 0) break;
    const started = performance.now();
    for (const row of rows)
      keep += Object.keys(JSON.parse(row.data) as object).length + Object.keys(JSON.parse(row.metadata) as object).length;
    seconds += (performance.now() - started) / 1000;
    events += rows.length;
    after = (rows.at(-1) as { position: number }).position;
  }
  db.close();
  if (keep === 0) throw new Error('nothing parsed');
  return { events, seconds };
};

/** The decoder alone over every stored event (read in pages outside the timing): what the typed boundary costs a replay. */
const decodeOnly = async (): Promise<{ events: number; seconds: number }> => {
  const store = SqliteEventStore.open(eventsFile);
  const decoder = new ZodEventDecoder();
  let after: Position | undefined;
  let events = 0;
  let seconds = 0;
  let undecodable = 0;
  for (;;) {
    const page = await store.readAll(after === undefined ? { maxCount: 50_000 } : { after, maxCount: 50_000 });
    const last = page.at(-1);
    if (last === undefined) break;
    const started = performance.now();
    for (const stored of page) if (decoder.decode(stored).kind === 'undecodable') undecodable += 1;
    seconds += (performance.now() - started) / 1000;
    events += page.length;
    after = last.position;
  }
  await store.close();
  if (undecodable > 0) throw new Error(`${undecodable} events do not decode`);
  return { events, seconds };
};

type Projections = typeof import('../src/adapters/projections/sqlite-projections.ts');

const rebuild = async (projections: Projections): Promise<{ events: number; seconds: number; wall: number }> => {
  const store = SqliteEventStore.open(eventsFile);
  const live = projections.SqliteProjections.open(join(directory, 'projections.sqlite'));
  const started = performance.now();
  try {
    const result = await live.rebuild(store);
    return { ...result, wall: (performance.now() - started) / 1000 };
  } finally {
    await live.close();
    await store.close();
  }
};

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const historyLatency = async (orders: readonly string[]): Promise<{ now: number[]; at: number[] }> => {
  const store = SqliteEventStore.open(eventsFile);
  const now: number[] = [];
  const at: number[] = [];
  try {
    for (const orderNo of orders.slice(0, 20)) await historyOf(store, config, orderNo, null); // warm-up
    for (const orderNo of orders) {
      let started = performance.now();
      const result = await historyOf(store, config, orderNo, null);
      now.push(performance.now() - started);
      if (result.view === null) throw new Error(`no order ${orderNo}`);
      const middle = result.events[Math.floor(result.events.length / 2)]?.recordedAt ?? null;
      started = performance.now();
      await historyOf(store, config, orderNo, middle);
      at.push(performance.now() - started);
    }
  } finally {
    await store.close();
  }
  return { now: now.sort((a, b) => a - b), at: at.sort((a, b) => a - b) };
};

const OMS = resolve(fileURLToPath(import.meta.url), '../../bin/oms');
const timedCli = (...args: string[]): Promise<{ ms: number; code: number; stdout: string }> =>
  new Promise((done) => {
    const started = performance.now();
    execFile(OMS, args, { env: { ...process.env, OMS_DATA_DIR: directory }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      done({ ms: performance.now() - started, code: error === null ? 0 : Number(error.code ?? -1), stdout });
    });
  });

// ------------------------------------------------------------------ the run

type Row = Readonly<{
  measurement: string;
  events?: number;
  seconds?: number;
  rate?: number;
  latency?: string;
  target?: string;
  verdict?: string;
}>;
const rows: Row[] = [];
const rate = (events: number, seconds: number) => Math.round(events / seconds);
const verdict = (met: boolean, by: string) => (met ? 'met' : `MISSED (${by})`);

try {
  process.stderr.write(`writing ${TARGET_EVENTS.toLocaleString('en-US')}+ events into ${eventsFile} …\n`);
  const store = await generate();
  rows.push({
    measurement: `0. store written by the deciders (${store.orders.toLocaleString('en-US')} orders + stock ledgers + hand-offs)`,
    events: store.events,
    seconds: store.seconds,
    rate: rate(store.events, store.seconds),
  });

  process.stderr.write('1. JSON.parse baseline …\n');
  const parse = [parseOnly(), parseOnly()].reduce((best, run) => (run.seconds < best.seconds ? run : best));
  const parseRate = rate(parse.events, parse.seconds);
  rows.push({
    measurement: '1. baseline: JSON.parse of every data + metadata payload (best of 2)',
    events: parse.events,
    seconds: parse.seconds,
    rate: parseRate,
  });

  process.stderr.write('1b. decoding …\n');
  const decoding = [await decodeOnly(), await decodeOnly()].reduce((best, run) => (run.seconds < best.seconds ? run : best));
  rows.push({
    measurement: '1b. the event decoder alone (compiled codecs, typed events) over every stored event (best of 2)',
    events: decoding.events,
    seconds: decoding.seconds,
    rate: rate(decoding.events, decoding.seconds),
  });

  process.stderr.write('2. projections rebuild …\n');
  let projections: Projections | undefined;
  try {
    projections = await import('../src/adapters/projections/sqlite-projections.ts');
  } catch (error) {
    rows.push({
      measurement: `2. projections rebuild: MISSING (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    });
  }
  if (projections !== undefined) {
    const result = await rebuild(projections);
    const ratio = result.events / result.seconds / parseRate;
    rows.push({
      measurement: `2. oms projections rebuild: ${projectionNames.length} projections (${projectionNames.join(', ')})`,
      events: result.events,
      seconds: result.seconds,
      rate: rate(result.events, result.seconds),
      target: `≥ 60% of (1): ${(ratio * 100).toFixed(0)}%`,
      verdict: verdict(ratio >= 0.6, `${(ratio * 100).toFixed(0)}%`),
    });
    const share = decoding.seconds / result.seconds;
    rows.push({
      measurement: '   of which decoding (1b) — the rebuild without it would run at',
      rate: rate(result.events, result.seconds - decoding.seconds),
      target: 'decoding ≤ 10% of the rebuild',
      verdict: verdict(share <= 0.1, `${(share * 100).toFixed(1)}%`),
    });
  }

  process.stderr.write('3. history latency …\n');
  const orders = store.sampleOrders.filter((_, i) => i % Math.max(1, Math.floor(store.sampleOrders.length / 300)) === 0).slice(0, 300);
  const latency = await historyLatency(orders);
  for (const [label, samples] of [
    ['now', latency.now],
    ['--at mid-life', latency.at],
  ] as const) {
    const p95 = percentile(samples, 95);
    rows.push({
      measurement: `3. oms history <orderNo> ${label}, in process (historyOf), ${samples.length} orders`,
      latency: `p50 ${percentile(samples, 50).toFixed(2)} ms, p95 ${p95.toFixed(2)} ms, max ${(samples.at(-1) ?? NaN).toFixed(2)} ms`,
      target: '< 50 ms (p95)',
      verdict: verdict(p95 < 50, `${p95.toFixed(1)} ms`),
    });
  }
  const startUp = [await timedCli('--version'), await timedCli('--version'), await timedCli('--version')].reduce((a, b) =>
    a.ms < b.ms ? a : b,
  );
  const cli = await timedCli('history', orders[0] ?? '');
  if (cli.code !== 0 || !cli.stdout.startsWith('order ')) throw new Error(`bin/oms history failed (${cli.code})`);
  rows.push({ measurement: '3. the real bin/oms history <orderNo>, one run, wall clock', latency: `${cli.ms.toFixed(0)} ms` });
  rows.push({
    measurement: '   of which process start-up (bin/oms --version: node + tsx + imports, best of 3)',
    latency: `${startUp.ms.toFixed(0)} ms`,
  });
  rows.push({
    measurement: '   so the work itself (open the store, read, fold, print)',
    latency: `≈ ${Math.max(0, cli.ms - startUp.ms).toFixed(0)} ms`,
  });

  if (!SKIP_VERIFY) {
    process.stderr.write('4. verify (events) …\n');
    const eventStore = SqliteEventStore.open(eventsFile);
    const started = performance.now();
    const report = await checkStore(eventStore);
    if (report.broken.length > 0) process.exitCode = 1; // a store the deciders wrote must verify: a benchmark that says otherwise has found a bug
    const seconds = (performance.now() - started) / 1000;
    await eventStore.close();
    rows.push({
      measurement: `4. for reference: oms verify, events half (${report.streams.toLocaleString('en-US')} streams; ${report.broken.length} broken)`,
      events: report.events,
      seconds,
      rate: rate(report.events, seconds),
      ...(report.broken.length === 0
        ? {}
        : {
            verdict: `BROKEN: ${report.broken
              .slice(0, 3)
              .map((s) => s.stream)
              .join(', ')}`,
          }),
    });
  }

  console.log(
    `SQLite store of ${store.events.toLocaleString('en-US')} events (${store.orders.toLocaleString('en-US')} orders), node ${process.version}`,
  );
  console.table(
    rows.map((row) => ({
      measurement: row.measurement,
      events: row.events ?? '',
      seconds: row.seconds === undefined ? '' : Number(row.seconds.toFixed(2)),
      'events/s': row.rate ?? '',
      latency: row.latency ?? '',
      target: row.target ?? '',
      verdict: row.verdict ?? '',
    })),
  );
  if (SMOKE) console.log('smoke size (BENCH_SMOKE=1): a check that every phase runs, not a measurement');
  const knobs = ['BENCH_SMOKE', 'BENCH_EVENTS', 'BENCH_SKIP_VERIFY'].flatMap((name) =>
    process.env[name] === undefined ? [] : [`${name}=${process.env[name]} `],
  );
  console.log(`reproduce: ${knobs.join('')}npm run bench:replay`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
