/**
 * End-to-end throughput of the hub over HTTP, each measured against what a bare express 5 app
 * (express.json, the same envelope, nothing else) answers on the same machine in the same run:
 *
 *   1. intake: `POST /api/oms/orders`, the article's body (priority HIGH), a distinct orderNo per
 *      request, 50 connections for BENCH_SECONDS, the sandbox WMS in manual mode (it takes the
 *      orders and never calls back), so the hub does intake plus the reactions that follow
 *      (reserve stock, push to the WMS). Then the backlog those reactions left is timed to drain.
 *   2. callbacks: `POST /api/oms/outbound/callback`, the article's body, against the orders of (1)
 *      once they are PUSHED_TO_WMS, one distinct waybill per order (so no duplicates), 50
 *      connections, until BENCH_SECONDS or the orders run out (a tenth of them, at most 500,
 *      warm the route up first).
 *      The hub of (1) and (2) on SQLite FULL, or with BENCH_STORE=postgres on an embedded PostgreSQL
 *      started for them (durable, as in 4).
 *   3. complete order lives: a fresh hub, the sandbox WMS in auto mode with no delay; BENCH_ORDERS
 *      orders placed through the API at 50 connections, timed until every one is SHIPPED, its
 *      stock deducted and its shipment handed off to the TMS (counted in the store). With SQLite
 *      synchronous FULL (durable, the default) and NORMAL (relaxed).
 *   4. complete order lives by topology (`processes`): the same lives with the sandbox WMS/TMS in a
 *      process of its own (src/main/sandbox-start.ts, auto, no delay), against
 *        - one hub process (HUB_ROLE=all) on SQLite FULL: the baseline of the SQLite vs PostgreSQL row;
 *        - one hub process (HUB_ROLE=all) on PostgreSQL: the baseline of the api + worker row;
 *        - an HUB_ROLE=api process taking the orders and BENCH_WORKERS (1) HUB_ROLE=worker processes
 *          doing the reactions, on the same PostgreSQL;
 *      PostgreSQL an embedded server started for the phase (test/support/postgres-server.ts,
 *      PostgreSQL's defaults: every commit flushed), a fresh database per run. Counted in the store
 *      the hubs write (./event-counts.ts, ./postgres-event-counts.ts). Target: api + worker ≥ 1.7×
 *      one process (issue 13).
 *
 * The hub (and the bare app) run in a child process, autocannon and the store polling in this
 * one, so the load generator does not share the hub's event loop. Each hub has its own data
 * directory under a temporary directory, removed at the end; LOG_LEVEL is silent.
 *
 * Run: npm run bench:e2e
 * Knobs: BENCH_SMOKE (1: BENCH_SECONDS 2, BENCH_WARMUP 1 and BENCH_ORDERS 100 unless given, to check
 *        in seconds that every phase runs end to end: it fails when one did not; its figures are not measurements)
 *        BENCH_SECONDS (10) BENCH_WARMUP (2) BENCH_CONNECTIONS (50) BENCH_ORDERS (2000)
 *        BENCH_SKUS (1: every order is the article's SKU001; n: spread over SKU001..n)
 *        BENCH_ONLY (intake,callback,lives,normal,processes: a subset) BENCH_STORE (sqlite: the store of
 *        1 and 2; postgres) BENCH_WORKERS (1: worker processes
 *        of the api + worker run) BENCH_PROCESS_ORDERS (the lives of each run of 4: BENCH_ORDERS; 30 at smoke size) BENCH_CPU_PROF (a directory:
 *        the hub processes write V8 CPU profiles there) BENCH_DRAIN_TIMEOUT (30 s: waiting for
 *        the intake backlog) BENCH_LIVES_TIMEOUT (40 s: placing and completing the lives, each run)
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import express from 'express';
import { pino } from 'pino';
import { receiveStock } from '../src/application/stock/count-stock.ts';
import { MAX_QUANTITY } from '../src/domain/kernel/lines.ts';
import { readConfig } from '../src/main/config.ts';
import { EventCounts } from './event-counts.ts';
import { PostgresEventCounts } from './postgres-event-counts.ts';
import { freshDatabase, startPostgres } from '../test/support/postgres-server.ts';
import { startHub } from '../src/main/hub.ts';
import { stopWhenAsked } from './stop-when-asked.ts';
import { number } from './env-number.ts';

const SMOKE = process.env.BENCH_SMOKE === '1';
const SECONDS = number('BENCH_SECONDS', SMOKE ? 2 : 10);
const WARMUP = number('BENCH_WARMUP', SMOKE ? 1 : 2);
const CONNECTIONS = number('BENCH_CONNECTIONS', 50);
const ORDERS = number('BENCH_ORDERS', SMOKE ? 100 : 2000);
const SKUS = number('BENCH_SKUS', 1);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'intake,callback,lives,normal,processes').split(',').map((part) => part.trim()));
const WORKERS = number('BENCH_WORKERS', 1);
const INTAKE_ON_POSTGRES = process.env.BENCH_STORE === 'postgres';
/** the lives of each run of phase 4 (three runs, each with processes to start: fewer at smoke size) */
const PROCESS_ORDERS = number('BENCH_PROCESS_ORDERS', SMOKE ? 30 : ORDERS);
const PROFILE_DIR =
  process.env.BENCH_CPU_PROF === undefined || process.env.BENCH_CPU_PROF === '' ? undefined : resolve(process.env.BENCH_CPU_PROF);
/** bounded waits, so that a stuck hub cannot hold the run for ever */
const DRAIN_TIMEOUT_S = number('BENCH_DRAIN_TIMEOUT', 30);
/** for placing the orders and seeing them complete, together */
const LIVES_TIMEOUT_S = number('BENCH_LIVES_TIMEOUT', 40);

const WAREHOUSE = 'WH001';
const skuOf = (n: number): string => `SKU${String(1 + (n % SKUS)).padStart(3, '0')}`;

// ---- the article's bodies (test/support/article-payloads.ts), with a distinct orderNo / waybill ----

const consignee = { name: '张三', phone: '13800138000', province: '北京市', city: '北京市', district: '朝阳区', address: 'XX街道XX号' };

const intakeBody = (orderNo: string, n: number): string =>
  JSON.stringify({
    orderNo,
    warehouseCode: WAREHOUSE,
    priority: 'HIGH',
    timeRequirement: 'STANDARD',
    items: [{ sku: skuOf(n), quantity: 2, batchNo: 'BATCH001' }],
    consignee,
  });

const callbackBody = (target: Target, waybillNo: string): string =>
  JSON.stringify({
    orderNo: target.orderNo,
    outboundNo: target.outboundNo,
    waybillNo,
    carrier: '顺丰速运',
    actualItems: [{ sku: target.sku, quantity: 2, batchNo: 'BATCH001' }],
    shippedTime: '2025-11-22T10:00:00',
  });

type Target = Readonly<{ orderNo: string; outboundNo: string; sku: string }>;

// =====================================================================================
// child processes: the hub, or the bare express app
// =====================================================================================

/** The hub with its sandbox, configured by the parent (BENCH_HUB_ENV), stocked, then told to stop. */
const serveHub = async (): Promise<void> => {
  const config = readConfig(JSON.parse(process.env.BENCH_HUB_ENV ?? '{}') as Record<string, string>);
  const hub = await startHub(config, pino({ level: 'silent' }));
  // a worker's stock is the api's, read from the shared store
  const skus = new Set(config.HUB_ROLE === 'worker' ? [] : Array.from({ length: SKUS }, (_, n) => skuOf(n)));
  // 100,000,000 of each SKU, in receipts of the most one stock movement may name
  for (const sku of skus)
    for (let receipt = 0; receipt < 100_000_000 / MAX_QUANTITY; receipt += 1)
      await receiveStock(hub.deps, {
        reference: `bench-stock-${receipt}`,
        warehouseCode: WAREHOUSE,
        sku,
        quantity: MAX_QUANTITY,
        condition: 'SELLABLE',
      });
  await hub.work.caughtUp;
  stopWhenAsked(() => hub);
  process.send?.({ url: hub.url });
};

/** The baseline: express 5 and express.json as the hub has them, answering the envelope and doing nothing. */
const serveBare = async (): Promise<void> => {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '256kb', type: () => true, strict: false }));
  app.post('/api/oms/orders', (req, res) => {
    res
      .status(201)
      .json({ code: 201, message: 'success', data: { orderNo: (req.body as { orderNo?: string }).orderNo ?? null, status: 'CREATED' } });
  });
  app.post('/api/oms/outbound/callback', (req, res) => {
    res.status(200).json({
      code: 200,
      message: 'success',
      data: { applied: true, orderNo: (req.body as { orderNo?: string }).orderNo ?? null, status: 'SHIPPED' },
    });
  });
  const server = createServer(app);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('message', (message) => {
    if (message === 'stop') stop();
  });
  process.on('disconnect', stop);
  process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
};

// =====================================================================================
// the driver
// =====================================================================================

type Child = Readonly<{ url: string; stop: () => Promise<void> }>;
const children = new Set<ChildProcess>();

const startChild = async (role: 'hub' | 'bare', hubEnv: Record<string, string> = {}): Promise<Child> => {
  const profiling = role === 'hub' && PROFILE_DIR !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const child = fork(fileURLToPath(import.meta.url), [role], {
    execArgv: [...process.execArgv, ...profiling],
    env: { ...process.env, BENCH_HUB_ENV: JSON.stringify(hubEnv) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  void exited.then(() => children.delete(child));
  const url = await new Promise<string>((done, fail) => {
    child.once('message', (message) => done((message as { url: string }).url));
    child.once('exit', (code) => fail(new Error(`the ${role} process exited (${String(code)}) before it was ready`)));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
};

const hubEnv = (dataDir: string, mode: 'manual' | 'auto', synchronous: 'FULL' | 'NORMAL'): Record<string, string> => ({
  PORT: '0',
  HOST: '127.0.0.1',
  OMS_DATA_DIR: dataDir,
  SQLITE_SYNCHRONOUS: synchronous,
  SANDBOX_MODE: mode,
  SANDBOX_DELAY_MS: '0',
  SANDBOX_WMS_PORT: '0',
  SANDBOX_TMS_PORT: '0',
  DEMO_STOCK: 'false',
  LOG_LEVEL: 'silent',
});

/** The sandbox WMS and TMS in a process of their own (src/main/sandbox-start.ts), auto, no delay, calling back `hubUrl`. */
const startSandbox = async (hubUrl: string): Promise<Readonly<{ wmsUrl: string; tmsUrl: string; stop: () => Promise<void> }>> => {
  const child = fork(fileURLToPath(new URL('../src/main/sandbox-start.ts', import.meta.url)), [], {
    execArgv: process.execArgv,
    env: {
      ...process.env,
      SANDBOX_HUB_URL: hubUrl,
      SANDBOX_MODE: 'auto',
      SANDBOX_DELAY_MS: '0',
      SANDBOX_WMS_PORT: '0',
      SANDBOX_TMS_PORT: '0',
      DEMO_STOCK: 'false',
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  children.add(child);
  const exited = once(child, 'exit');
  void exited.then(() => children.delete(child));
  let said = '';
  const urls = await new Promise<RegExpExecArray>((done, fail) => {
    child.stdout?.on('data', (chunk) => {
      said += String(chunk);
      const found = /WMS_URL=(\S+) TMS_URL=(\S+)/.exec(said);
      if (found !== null) done(found);
    });
    child.once('exit', (code) => fail(new Error(`the sandbox process exited (${String(code)}) before it was ready: ${said}`)));
  });
  return {
    wmsUrl: urls[1] ?? '',
    tmsUrl: urls[2] ?? '',
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
};

/** A TCP port free on loopback now (the hub's, which the sandbox must know before the hub starts). */
const freePort = async (): Promise<number> => {
  const server = createNetServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
};

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

type Fired = Readonly<{ rate: number; p99: number; total: number; non2xx: number; errors: number; seconds: number; statuses: string }>;

/**
 * Fire POSTs with autocannon for `seconds`, or `amount` of them (stopped at `maxSeconds` anyway);
 * `bodyOf(n)` is the n-th body, undefined when none is left (the run then stops).
 */
const fire = async (
  url: string,
  path: string,
  bodyOf: (n: number) => string | undefined,
  options: Readonly<{ seconds?: number; amount?: number; connections?: number; maxSeconds?: number }>,
): Promise<Fired> => {
  let n = 0;
  let last: string | undefined;
  let instance: autocannon.Instance | undefined;
  const deadline = options.maxSeconds === undefined ? undefined : setTimeout(() => instance?.stop(), options.maxSeconds * 1000);
  const result = await new Promise<autocannon.Result>((done, fail) => {
    instance = autocannon(
      {
        url,
        connections: options.connections ?? CONNECTIONS,
        ...(options.amount === undefined ? { duration: options.seconds ?? SECONDS } : { amount: options.amount }),
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            method: 'POST',
            path,
            setupRequest: (request) => {
              const body = bodyOf(n) ?? last;
              if (body === undefined) throw new Error(`nothing to send to ${path}`);
              if (body === last) setImmediate(() => instance?.stop()); // ran out: the last body goes again (a duplicate) and the run stops
              n += 1;
              last = body;
              return { ...request, body };
            },
          },
        ],
      },
      (error, answer) => (error ? fail(error) : done(answer)),
    );
  });
  clearTimeout(deadline);
  const statuses = Object.entries(result.statusCodeStats ?? {})
    .map(([code, stat]) => `${code}×${stat.count ?? 0}`)
    .join(' ');
  return {
    rate: result.requests.total / result.duration,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds: result.duration,
    statuses,
  };
};

/** The events the hub has stored (./event-counts.ts), and the orders it pushed. */
class StoreWatch extends EventCounts {
  /** Orders pushed to the WMS, oldest first, with their outboundNo and SKU. */
  pushed(): Target[] {
    return this.db
      .prepare<[], Target>(
        `SELECT substr(p.stream, 7) AS orderNo, json_extract(p.data, '$.outboundNo') AS outboundNo, json_extract(o.data, '$.items[0].sku') AS sku
         FROM events p JOIN events o ON o.stream = p.stream AND o.type = 'OrderPlaced'
         WHERE p.category = 'order' AND p.type = 'PushSucceeded' ORDER BY p.position`,
      )
      .all();
  }

  /** Per order: placed → its shipment handed off to the TMS, in ms (from the events' recordedAt). */
  lifetimes(): number[] {
    const rows = this.db
      .prepare<[], { placedAt: string; handedOffAt: string }>(
        `SELECT json_extract(o.metadata, '$.recordedAt') AS placedAt, json_extract(h.metadata, '$.recordedAt') AS handedOffAt
         FROM events r
         JOIN events o ON o.stream = 'order-' || json_extract(r.data, '$.orderNo') AND o.type = 'OrderPlaced'
         JOIN events h ON h.stream = r.stream AND h.category = 'shipment' AND h.type = 'PushSucceeded'
         WHERE r.category = 'shipment' AND r.type = 'ShipmentRegistered'`,
      )
      .all();
    return rows.map((row) => Date.parse(row.handedOffAt) - Date.parse(row.placedAt)).sort((a, b) => a - b);
  }
}

/** What phases 1 and 2 read of the hub's store: its SQLite file, or its PostgreSQL database (BENCH_STORE=postgres). */
const intakeWatch = async (
  dataDir: string,
  databaseUrl: string | undefined,
): Promise<Readonly<{ count: (key: string) => Promise<number>; pushed: () => Promise<Target[]>; close: () => Promise<void> }>> => {
  if (databaseUrl === undefined) {
    const watch = new StoreWatch(dataDir);
    return { count: async (key) => watch.count(key), pushed: async () => watch.pushed(), close: async () => watch.close() };
  }
  const counts = await PostgresEventCounts.open(databaseUrl);
  return { count: async (key) => (await counts.counts()).get(key) ?? 0, pushed: () => counts.pushed(), close: () => counts.close() };
};

const percentile = (sorted: readonly number[], p: number): number | undefined =>
  sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
const ms = (value: number | undefined): string => (value === undefined ? 'n/a' : `${Math.round(value)} ms`);

/** Poll until `done` holds (every `everyMs`), or `timeoutS` passes; returns the seconds waited and whether it held. */
const until = async (
  done: () => boolean | Promise<boolean>,
  timeoutS: number,
  everyMs = 50,
): Promise<{ held: boolean; seconds: number }> => {
  const started = performance.now();
  for (;;) {
    if (await done()) return { held: true, seconds: (performance.now() - started) / 1000 };
    if (performance.now() - started > timeoutS * 1000) return { held: false, seconds: (performance.now() - started) / 1000 };
    await sleep(everyMs);
  }
};

type Row = {
  measurement: string;
  'requests/s or lives/s': number;
  'p99 ms': number | string;
  baseline: number | string;
  ratio: string;
  target: string;
  verdict: string;
};

const missedBy = (shortfall: number): string => `MISSED by ${Math.max(1, Math.round(shortfall * 100))}%`;

/** requests/s ≥ `share` of the baseline and p99 < `p99Ms`. */
const againstBaseline = (name: string, run: Fired, bare: Fired, share: number, p99Ms: number): Row => {
  const ratio = run.rate / bare.rate;
  const misses = [
    ...(ratio >= share ? [] : [`${missedBy((share - ratio) / share)} (rate)`]),
    ...(run.p99 < p99Ms ? [] : [`${missedBy((run.p99 - p99Ms) / p99Ms)} (p99)`]),
  ];
  return {
    measurement: name,
    'requests/s or lives/s': Math.round(run.rate),
    'p99 ms': run.p99,
    baseline: Math.round(bare.rate),
    ratio: `${Math.round(ratio * 100)}%`,
    target: `≥ ${share * 100}% of bare, p99 < ${p99Ms} ms`,
    verdict: misses.length === 0 ? 'met' : misses.join(', '),
  };
};

const bareRow = (name: string, run: Fired): Row => ({
  measurement: name,
  'requests/s or lives/s': Math.round(run.rate),
  'p99 ms': run.p99,
  baseline: '',
  ratio: '',
  target: '',
  verdict: '',
});

const drive = async (): Promise<void> => {
  const directory = mkdtempSync(join(tmpdir(), 'hub-bench-e2e-'));
  if (PROFILE_DIR !== undefined) mkdirSync(PROFILE_DIR, { recursive: true });
  const rows: Row[] = [];
  const notes: string[] = [];
  /** phases that did not run to their end (a smoke run fails on any) */
  const unfinished: string[] = [];
  const orderNo = (run: string) => (n: number) => `B${run}${String(n).padStart(8, '0')}`;
  try {
    // ---- 1 and 2: intake and callbacks, the sandbox WMS in manual mode ----
    if (ONLY.has('intake') || ONLY.has('callback')) {
      const bare = await startChild('bare');
      const intakeOf = orderNo('I');
      const bareIntake = await (async () => {
        await fire(bare.url, '/api/oms/orders', (n) => intakeBody(intakeOf(n), n), { seconds: WARMUP });
        return fire(bare.url, '/api/oms/orders', (n) => intakeBody(intakeOf(n), n), {});
      })();
      const dataDir = join(directory, 'manual');
      const postgres = INTAKE_ON_POSTGRES ? await startPostgres({ durable: true }) : undefined;
      const databaseUrl = postgres === undefined ? undefined : await freshDatabase(postgres.url, 'bench');
      const hub = await startChild('hub', {
        ...hubEnv(dataDir, 'manual', 'FULL'),
        ...(databaseUrl === undefined ? {} : { EVENT_STORE: 'postgres', DATABASE_URL: databaseUrl }),
      });
      const watch = await intakeWatch(dataDir, databaseUrl);
      const storeName = databaseUrl === undefined ? 'FULL' : 'PostgreSQL';
      try {
        // one generator across warm-up and measurement: every request is a new order
        let next = 0;
        const newOrder = () => {
          const n = next;
          next += 1;
          return intakeBody(intakeOf(n), n);
        };
        await fire(hub.url, '/api/oms/orders', newOrder, { seconds: WARMUP });
        const intake = await fire(hub.url, '/api/oms/orders', newOrder, {});
        rows.push(bareRow('bare express 5, intake body (baseline)', bareIntake));
        rows.push(againstBaseline(`intake POST /api/oms/orders (${storeName}, WMS manual)`, intake, bareIntake, 0.5, 50));
        notes.push(
          `intake: ${intake.total} requests in ${intake.seconds} s [${intake.statuses}], ${intake.errors} errors/timeouts; ${next} orders sent in all (warm-up included)`,
        );

        // the reactions' backlog: every order placed reserved and pushed to the (manual) WMS
        const placed = await watch.count('order/OrderPlaced');
        const pushedAtEnd = await watch.count('order/PushSucceeded');
        const drained = await until(
          async () => (await watch.count('order/PushSucceeded')) + (await watch.count('order/StockShortageDetected')) >= placed,
          DRAIN_TIMEOUT_S,
          100,
        );
        const pushed = await watch.count('order/PushSucceeded');
        if (placed === 0 || !drained.held)
          unfinished.push(`intake: ${placed} orders placed, backlog ${drained.held ? 'drained' : 'NOT drained'}`);
        notes.push(
          `intake backlog: ${placed} orders placed; ${pushedAtEnd} were PUSHED_TO_WMS when the load stopped; ` +
            (drained.held
              ? `the rest (${placed - pushedAtEnd}) took ${drained.seconds.toFixed(1)} s more to reserve and push (${Math.round((placed - pushedAtEnd) / Math.max(drained.seconds, 0.001))}/s)`
              : `after ${DRAIN_TIMEOUT_S} s more only ${pushed} were (${Math.round((pushed - pushedAtEnd) / DRAIN_TIMEOUT_S)}/s): callbacks go to those`) +
            `; reservation shortages ${await watch.count('order/StockShortageDetected')}, push failures ${await watch.count('order/PushFailed')}`,
        );

        const targets = ONLY.has('callback') ? await watch.pushed() : [];
        if (ONLY.has('callback') && targets.length === 0) {
          notes.push('callbacks: not measured, no order reached PUSHED_TO_WMS');
          unfinished.push('callbacks: no order reached PUSHED_TO_WMS');
        }
        if (targets.length > 0) {
          const waybillOf = (i: number) => `SF${String(i).padStart(10, '0')}`;
          const bareCallbacks = await (async () => {
            const any = (i: number) => callbackBody(targets[i % targets.length] as Target, waybillOf(i));
            await fire(bare.url, '/api/oms/outbound/callback', any, { seconds: WARMUP });
            return fire(bare.url, '/api/oms/outbound/callback', any, {});
          })();
          // one distinct order and waybill per request: warm-up first, the measurement on the rest, until they run out
          let i = 0;
          const nextCallback = () => {
            const target = targets[i];
            i += 1;
            return target === undefined ? undefined : callbackBody(target, waybillOf(i - 1));
          };
          const warmupCount = Math.min(Math.floor(targets.length / 10), 500);
          if (warmupCount >= CONNECTIONS)
            await fire(hub.url, '/api/oms/outbound/callback', nextCallback, { amount: warmupCount, maxSeconds: WARMUP });
          const callbacks = await fire(hub.url, '/api/oms/outbound/callback', nextCallback, {
            amount: Math.max(targets.length - i, 1),
            maxSeconds: SECONDS,
          });
          rows.push(bareRow('bare express 5, callback body (baseline)', bareCallbacks));
          rows.push(againstBaseline(`callback POST /api/oms/outbound/callback (${storeName})`, callbacks, bareCallbacks, 0.5, 50));
          notes.push(
            `callbacks: ${callbacks.total} requests in ${callbacks.seconds} s [${callbacks.statuses}], ${callbacks.errors} errors/timeouts, ` +
              `against ${targets.length} orders PUSHED_TO_WMS, one distinct waybill each (${i - Math.min(i, targets.length)} duplicates; ` +
              `${callbacks.seconds < SECONDS ? 'the orders ran out before the time did' : 'the time ran out first'})`,
          );
        }
      } finally {
        await watch.close();
        await hub.stop();
        await bare.stop();
        await postgres?.stop();
      }
    }

    // ---- 3: complete order lives, the sandbox WMS in auto mode with no delay ----
    const lives = async (synchronous: 'FULL' | 'NORMAL'): Promise<void> => {
      const dataDir = join(directory, `lives-${synchronous.toLowerCase()}`);
      const hub = await startChild('hub', hubEnv(dataDir, 'auto', synchronous));
      const watch = new StoreWatch(dataDir);
      try {
        const livesOf = orderNo(`L${synchronous[0]}`);
        const started = performance.now();
        const intake = await fire(hub.url, '/api/oms/orders', (n) => intakeBody(livesOf(n), n), {
          amount: ORDERS,
          maxSeconds: LIVES_TIMEOUT_S,
        });
        const placedIn = (performance.now() - started) / 1000;
        const placed = watch.count('order/OrderPlaced');
        const complete = () => {
          const counts = watch.refresh();
          return (
            (counts.get('order/ShipmentRecorded') ?? 0) >= placed &&
            (counts.get('stock/StockDeducted') ?? 0) >= placed &&
            (counts.get('shipment/PushSucceeded') ?? 0) >= placed
          );
        };
        const done = await until(complete, Math.max(0, LIVES_TIMEOUT_S - placedIn));
        const seconds = (performance.now() - started) / 1000;
        const handedOff = watch.count('shipment/PushSucceeded');
        const rate = (done.held ? placed : handedOff) / seconds;
        const lifetimes = watch.lifetimes();
        const p99 = percentile(lifetimes, 99);
        const misses = rate >= 500 ? [] : [`${missedBy((500 - rate) / 500)}`];
        if (placed < ORDERS) misses.push(`only ${placed} of ${ORDERS} placed in ${placedIn.toFixed(0)} s`);
        if (!done.held) misses.push(`only ${handedOff} of ${placed} complete after ${seconds.toFixed(0)} s`);
        if (placed < ORDERS || !done.held) unfinished.push(`lives ${synchronous}: ${placed} of ${ORDERS} placed, ${handedOff} complete`);
        rows.push({
          measurement: `complete order lives (${synchronous}${synchronous === 'FULL' ? ', durable' : ', relaxed'}, WMS auto, delay 0)`,
          'requests/s or lives/s': Math.round(rate),
          'p99 ms': p99 === undefined ? '' : Math.round(p99),
          baseline: '',
          ratio: '',
          target: '≥ 500 lives/s on 2 cores',
          verdict: misses.length === 0 ? 'met' : misses.join(', '),
        });
        const counts = watch.refresh();
        const of = (key: string) => counts.get(key) ?? 0;
        notes.push(
          `lives ${synchronous}: ${placed} orders placed in ${placedIn.toFixed(1)} s (${Math.round(placed / placedIn)}/s, p99 ${intake.p99} ms, [${intake.statuses}]); ` +
            `${done.held ? 'all' : 'NOT all'} SHIPPED + deducted + HANDED_OFF after ${seconds.toFixed(1)} s; life p50 ${ms(percentile(lifetimes, 50))}, p99 ${ms(p99)} (placed → handed off, ${lifetimes.length} lives); ` +
            `${of('order/StockReserved')} reserved, ${of('order/PushSucceeded')} pushed to the WMS, ${of('order/ShipmentRecorded')} shipments recorded, ` +
            `${of('stock/StockDeducted')} deductions, ${of('shipment/PushSucceeded')} hand-offs, ` +
            `${of('order/AnomalyDetected')} anomalies, ${of('order/StockShortageDetected')} shortages, ${of('order/PushFailed') + of('shipment/PushFailed')} push failures; ` +
            `${[...counts.values()].reduce((sum, n) => sum + n, 0)} events stored`,
        );
      } finally {
        watch.close();
        await hub.stop();
      }
    };
    if (ONLY.has('lives')) await lives('FULL');
    if (ONLY.has('normal')) await lives('NORMAL');

    // ---- 4: complete order lives by topology: one process on SQLite and on PostgreSQL, api + worker processes ----
    type Topology = Readonly<{ name: string; store: 'sqlite' | 'postgres'; roles: readonly ('all' | 'api' | 'worker')[] }>;
    type Lived = Readonly<{ rate: number; p99: number | undefined; complete: boolean }>;
    const topologyLives = async (topology: Topology, databaseUrl: string | undefined): Promise<Lived> => {
      const port = await freePort();
      const hubUrl = `http://127.0.0.1:${port}`;
      const sandbox = await startSandbox(hubUrl);
      const hubs: Child[] = [];
      const dataDirOf = (role: string, n: number) =>
        join(directory, `processes-${topology.store}-${topology.roles.join('-')}-${role}-${n}`);
      let counts: Readonly<{
        counts: () => Promise<ReadonlyMap<string, number>>;
        lifetimes: () => Promise<number[]>;
        close: () => Promise<void>;
      }>;
      try {
        // the process that takes the orders first (it receives the stock), then the workers
        for (const [n, role] of topology.roles.entries())
          hubs.push(
            await startChild('hub', {
              ...hubEnv(dataDirOf(role, n), 'auto', 'FULL'),
              PORT: role === 'worker' ? '0' : String(port),
              HUB_ROLE: role,
              WMS_URL: sandbox.wmsUrl,
              TMS_URL: sandbox.tmsUrl,
              ...(databaseUrl === undefined ? {} : { EVENT_STORE: 'postgres', DATABASE_URL: databaseUrl }),
            }),
          );
        if (databaseUrl === undefined) {
          const watch = new StoreWatch(dataDirOf('all', 0));
          counts = { counts: async () => watch.refresh(), lifetimes: async () => watch.lifetimes(), close: async () => watch.close() };
        } else counts = await PostgresEventCounts.open(databaseUrl);
        try {
          const livesOf = orderNo(`P${topology.store[0]}${topology.roles.length}`);
          const started = performance.now();
          const intake = await fire(hubUrl, '/api/oms/orders', (n) => intakeBody(livesOf(n), n), {
            amount: PROCESS_ORDERS,
            connections: Math.min(CONNECTIONS, PROCESS_ORDERS), // autocannon wants no more connections than requests
            maxSeconds: LIVES_TIMEOUT_S,
          });
          const placedIn = (performance.now() - started) / 1000;
          let now = await counts.counts();
          const of = (key: string) => now.get(key) ?? 0;
          const placed = of('order/OrderPlaced');
          const complete = () =>
            ['order/ShipmentRecorded', 'stock/StockDeducted', 'shipment/PushSucceeded'].every((key) => of(key) >= placed);
          const deadline = started + LIVES_TIMEOUT_S * 1000;
          while (!complete() && performance.now() < deadline) {
            await sleep(100);
            now = await counts.counts();
          }
          const seconds = (performance.now() - started) / 1000;
          const done = complete();
          const lifetimes = await counts.lifetimes();
          if (placed < PROCESS_ORDERS || !done)
            unfinished.push(`lives on ${topology.name}: ${placed} of ${PROCESS_ORDERS} placed, ${of('shipment/PushSucceeded')} complete`);
          notes.push(
            `lives on ${topology.name}: ${placed} orders placed in ${placedIn.toFixed(1)} s (p99 ${intake.p99} ms, [${intake.statuses}]); ` +
              `${done ? 'all' : 'NOT all'} SHIPPED + deducted + HANDED_OFF after ${seconds.toFixed(1)} s; life p50 ${ms(percentile(lifetimes, 50))}, p99 ${ms(percentile(lifetimes, 99))}; ` +
              `${of('order/PushSucceeded')} pushed, ${of('stock/StockDeducted')} deductions, ${of('shipment/PushSucceeded')} hand-offs, ` +
              `${of('order/StockShortageDetected')} shortages, ${of('order/PushFailed') + of('shipment/PushFailed')} push failures`,
          );
          return { rate: (done ? placed : of('shipment/PushSucceeded')) / seconds, p99: percentile(lifetimes, 99), complete: done };
        } finally {
          await counts.close();
        }
      } finally {
        for (const hub of hubs.reverse()) await hub.stop();
        await sandbox.stop();
      }
    };
    if (ONLY.has('processes')) {
      const postgres = await startPostgres({ durable: true });
      try {
        const workers = Array.from({ length: WORKERS }, () => 'worker' as const);
        const sqlite = await topologyLives({ name: 'one process, SQLite FULL', store: 'sqlite', roles: ['all'] }, undefined);
        const single = await topologyLives(
          { name: 'one process, PostgreSQL', store: 'postgres', roles: ['all'] },
          await freshDatabase(postgres.url, 'bench'),
        );
        const split = await topologyLives(
          { name: `api + ${WORKERS} worker${WORKERS === 1 ? '' : 's'}, PostgreSQL`, store: 'postgres', roles: ['api', ...workers] },
          await freshDatabase(postgres.url, 'bench'),
        );
        const row = (measurement: string, run: Lived, baseline: Lived | undefined, target: number | undefined): Row => {
          const ratio = baseline === undefined ? undefined : run.rate / baseline.rate;
          return {
            measurement,
            'requests/s or lives/s': Math.round(run.rate),
            'p99 ms': run.p99 === undefined ? '' : Math.round(run.p99),
            baseline: baseline === undefined ? '' : Math.round(baseline.rate),
            ratio: ratio === undefined ? '' : `${ratio.toFixed(2)}×`,
            target: target === undefined ? '' : `≥ ${target}× one process`,
            verdict: ratio === undefined || target === undefined ? '' : ratio >= target ? 'met' : missedBy((target - ratio) / target),
          };
        };
        rows.push(row('lives, one process (HUB_ROLE=all), SQLite FULL, sandbox apart (baseline)', sqlite, undefined, undefined));
        rows.push(row('lives, one process (HUB_ROLE=all), PostgreSQL, sandbox apart: vs SQLite', single, sqlite, undefined));
        rows.push(
          row(`lives, api + ${WORKERS} worker process${WORKERS === 1 ? '' : 'es'}, PostgreSQL: vs one process on it`, split, single, 1.7),
        );
      } finally {
        await postgres.stop();
      }
    }

    console.log(
      `Hub end to end over HTTP, node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}); autocannon in this process, the hub (with its sandbox WMS/TMS) in a child; ` +
        `${CONNECTIONS} connections, ${SECONDS} s per rate (after ${WARMUP} s warm-up), ${ORDERS} order lives, ${SKUS} SKU${SKUS === 1 ? '' : 's'}`,
    );
    console.table(rows);
    for (const note of notes) console.log(`- ${note}`);
    if (SMOKE) console.log('smoke size (BENCH_SMOKE=1): a check that every phase runs end to end, not a measurement');
    console.log(
      `reproduce: ${SMOKE ? 'BENCH_SMOKE=1 ' : ''}npm run bench:e2e   (knobs: BENCH_SECONDS=${SECONDS} BENCH_WARMUP=${WARMUP} BENCH_CONNECTIONS=${CONNECTIONS} BENCH_ORDERS=${ORDERS} BENCH_SKUS=${SKUS} BENCH_ONLY=${[...ONLY].join(',')} BENCH_STORE=${INTAKE_ON_POSTGRES ? 'postgres' : 'sqlite'} BENCH_WORKERS=${WORKERS} BENCH_PROCESS_ORDERS=${PROCESS_ORDERS} BENCH_CPU_PROF=<dir> BENCH_DRAIN_TIMEOUT=${DRAIN_TIMEOUT_S} BENCH_LIVES_TIMEOUT=${LIVES_TIMEOUT_S})`,
    );
    if (SMOKE && unfinished.length > 0) {
      console.error(`smoke: not every phase ran to its end: ${unfinished.join('; ')}`);
      process.exitCode = 1;
    }
  } finally {
    for (const child of children) child.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  }
};

const role = process.argv[2];
if (role === 'hub') await serveHub();
else if (role === 'bare') await serveBare();
else await drive();
