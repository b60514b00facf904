/**
 * The event-loop budget: no single request may block the hub's event loop for more than 100 ms
 * (the hardening issue: "a 9,000-line order must not stall the event loop"). Measured, not
 * asserted: every phase prints how long the loop was blocked at worst and a verdict against the
 * budget; the run fails only when a phase did not run (a request answered 5xx or not at all, an
 * answer other than the one expected, the hub not started; at smoke size also the hub's work not
 * done in time or /health not answered, which at full size are findings).
 *
 * The hub runs in a child process (own data directory under a temporary directory, LOG_LEVEL
 * silent, SQLite synchronous FULL, the sandbox WMS in manual mode: it takes the orders and never
 * calls back, the callbacks are ours), its stock received before anything is measured. Inside
 * it the event loop is watched two ways, reset at the start of each phase and read at its end
 * over IPC:
 *   - `perf_hooks.monitorEventLoopDelay` at a 10 ms resolution: its p99 (shown minus the
 *     resolution, so that an idle loop reads about 0);
 *   - a 5 ms `setInterval` probe: a gap between two of its ticks is a block of the loop (it may
 *     overstate it by up to the 5 ms interval). Every gap of 20 ms or more is kept with its time,
 *     so that the parent can say which of its requests were in flight when it began, and (on
 *     Linux, from the main thread's /proc/self/task/<pid>/schedstat) how much of it the thread ran
 *     on a CPU and how much it waited for one; the rest it slept (an fsync, a read).
 * A phase's "max block" is its longest block by its own time (the gap less the time the thread
 * waited for a CPU: on a 2-core machine with other work running, a gap can be mostly that), and
 * the verdict compares that own time with the 100 ms budget; the clock time, the time on a CPU and
 * the wait are all printed. While each phase runs, a worker thread of this process asks `/health`
 * every 50 ms, one probe at a time (the next 50 ms after the one before was sent, or at once when
 * its answer came later), and keeps the worst latency (the issue's own symptom: /health stalled
 * 2-3.6 s).
 *
 * Phases, each with the worst requests a client may send (MAX_LINES lines, every text field
 * MAX_TEXT characters, Chinese in names and addresses, identifiers at their longest, every
 * quantity MAX_QUANTITY; the carrier is a code or a known name, so the article's 顺丰速运):
 *   idle     the hub with nothing to do: the same probes, the floor of the figures
 *   w        warm-up: the first request of each kind after start (a 1-line order, its callback,
 *            each read) pays for lazy work (zod compiling its parsers, statements prepared, code
 *            compiled); measured apart, so that the phases below are the steady state
 *   a1       orders at the limits, one after another, each alone: the next is sent once the hub's
 *            work for the one before is done (its reactions: 500 reservations, the push of a
 *            500-line outbound to the sandbox WMS; the projections), so that every block is the
 *            doing of one request
 *   a2       the same, 10 at once
 *   a3       20 back to back: each sent once the one before is answered, the reactions not
 *            waited for (a sales channel pushing its backlog)
 *   b        each alone: bodies at and one byte over the body limit (BODY_LIMIT, 256 kB) and the
 *            nesting limit (32 levels), the refused ones too: ~131,000 nested arrays, 20,000 keys,
 *            87,000 empty lines, 501 lines, 257-character fields, a callback at the limit for an
 *            unknown order (kept raw as an alert) and for a known one (kept raw in its events'
 *            metadata and the archive of warehouse messages)
 *   c1-c3    shipment callbacks of 500 lines against the orders
 *            of a1 (one after another, each alone), a2 (10 at once) and a3 (20 back to back: a
 *            warehouse emptying its outbox), with their reactions (500 deductions each, the
 *            hand-off to the sandbox TMS)
 *   d        the reads over those orders: every GET of /openapi.json whose path parameters this
 *            run has (order, order at a time, its events, shipment, stock, alerts, each report
 *            at its largest page), one after another, then the heaviest (an order's events, with
 *            the 256 kB callback in their metadata) 10 at once
 * and, as the baseline, a bare express 5 app (express.json with the same limit, answering the
 * envelope and nothing else) in a child watched the same way, sent the bodies of a and b.
 *
 * Run: npm run bench:loop
 * Knobs: BENCH_SMOKE (1: 20 lines, 2 orders per group, 0.5 s idle, to check in seconds that every
 *        phase runs; its figures are not measurements) BENCH_LINES (MAX_LINES) BENCH_ORDERS (10 per
 *        group) BENCH_IDLE_SECONDS (2) BENCH_DRAIN_TIMEOUT (120 s, smoke 30 s: a phase's reactions
 *        and projections)
 *        BENCH_HEALTH_EVERY_MS (50; 0: no /health probe, to see the phases without its own load)
 *        BENCH_HEALTH_OVERLAP (1: /health every 50 ms whether the probes before were answered or
 *        not, as a load balancer asks, instead of one at a time)
 *        BENCH_CPU_PROF (a directory: the hub process writes a V8 CPU profile there, and the run
 *        prints where the hub's 5 longest blocks went: functions, the hub's own frames)
 *        BENCH_DEBUG (a file: every request and every block of the run, as JSON)
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import express from 'express';
import { pino } from 'pino';
import { MAX_BODY_DEPTH } from '../src/adapters/http/read-body.ts';
import { MAX_TEXT } from '../src/adapters/wms/wms-wire.ts';
import { receiveStock } from '../src/application/stock/count-stock.ts';
import { MAX_LINES, MAX_QUANTITY } from '../src/domain/kernel/lines.ts';
import { readConfig } from '../src/main/config.ts';
import { startHub } from '../src/main/hub.ts';
import { stopWhenAsked } from './stop-when-asked.ts';
import { number } from './env-number.ts';

const SMOKE = process.env.BENCH_SMOKE === '1';
const LINES = Math.min(number('BENCH_LINES', SMOKE ? 20 : MAX_LINES), MAX_LINES);
const ORDERS = number('BENCH_ORDERS', SMOKE ? 2 : 10);
const IDLE_SECONDS = number('BENCH_IDLE_SECONDS', SMOKE ? 0.5 : 2);
const DRAIN_TIMEOUT_S = number('BENCH_DRAIN_TIMEOUT', SMOKE ? 30 : 120);
const PROFILE_DIR =
  process.env.BENCH_CPU_PROF === undefined || process.env.BENCH_CPU_PROF === '' ? undefined : resolve(process.env.BENCH_CPU_PROF);

/** the budget per request */
const BUDGET_MS = 100;
/** monitorEventLoopDelay's resolution */
const RESOLUTION_MS = 10;
/** the tick probe's interval, and the shortest gap kept with its time */
const PROBE_MS = 5;
const NOTED_GAP_MS = 20;
/** how often the parent asks /health (0: never, to see the phases without the probe's own load) */
const HEALTH_EVERY_MS = ((): number => {
  const value = Number(process.env.BENCH_HEALTH_EVERY_MS ?? 50);
  if (!Number.isFinite(value) || value < 0) throw new Error('BENCH_HEALTH_EVERY_MS must be a number of ms, 0 or more');
  return value;
})();
/** /health asked at a fixed cadence, whether the probes before were answered or not (a load balancer), instead of one at a time */
const HEALTH_OVERLAP = process.env.BENCH_HEALTH_OVERLAP === '1';
/** one request may take this long before it counts as not answered */
const REQUEST_TIMEOUT_MS = 120_000;
/** after a phase's work is done, before the next one starts: the last projections settle */
const SETTLE_MS = SMOKE ? 200 : 1000;

const WAREHOUSE = 'WH001';
const BODY_LIMIT = readConfig({}).BODY_LIMIT;
const limitBytes = ((): number => {
  const match = /^(\d+)(b|kb|mb)$/i.exec(BODY_LIMIT);
  if (match === null) throw new Error(`BODY_LIMIT ${BODY_LIMIT} is not understood`);
  return Number(match[1]) * ({ b: 1, kb: 1024, mb: 1024 * 1024 } as const)[(match[2] ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb'];
})();

// =====================================================================================
// the bodies: every field at its limit
// =====================================================================================

const HANZI = '北京市朝阳区建国路八十八号华贸中心写字楼收货人张三李四王五赵六钱七孙八周九吴十郑州市金水区花园路上海市浦东新区陆家嘴环路';
/** `n` characters of Chinese text (3 bytes each in UTF-8) */
const chinese = (n: number, from = 0): string => Array.from({ length: n }, (_, i) => HANZI[(from + i) % HANZI.length]).join('');
/** an identifier (1–64 letters, digits, _ . -) at its longest */
const longCode = (head: string): string => head.padEnd(64, '0');
const skuOf = (i: number): string => longCode(`SKU-${String(i).padStart(4, '0')}-`);
/** a batch number: an identifier too (the SKU's rule), at its longest */
const batchOf = (i: number): string => longCode(`BATCH-${String(i).padStart(4, '0')}-`);
const orderNoOf = (group: string, n: number): string => longCode(`LOOP-${group}-${String(n).padStart(4, '0')}-`);
const waybillOf = (group: string, n: number): string => longCode(`SF-LOOP-${group}-${String(n).padStart(4, '0')}-`);
/**
 * The carrier: a carrier code (1–32 letters, digits, _ or -), or the name of a large carrier,
 * read as its code; the article's name, the worst case a client may send.
 */
const CARRIER = '顺丰速运';
const CARRIER_CODE = 'SF';
/** the SKU of the warm-up order (stocked apart, so that the measured orders find all they need) */
const WARM_SKU = longCode('SKU-WARM-UP-');
const warmLines = [{ sku: WARM_SKU, quantity: 1, batchNo: 'BATCH001' }];

type Line = { sku: string; quantity: number; batchNo: string };
const linesOf = (count: number, batchLength = 64): Line[] =>
  Array.from({ length: count }, (_, i) => ({ sku: skuOf(i), quantity: MAX_QUANTITY, batchNo: batchOf(i).padEnd(batchLength, '0') }));

const orderOf = (orderNo: string, extra: Record<string, unknown> = {}, lines: unknown[] = linesOf(LINES)): Record<string, unknown> => ({
  orderNo,
  warehouseCode: WAREHOUSE,
  priority: 'HIGH',
  timeRequirement: 'EXPRESS',
  items: lines,
  consignee: {
    name: chinese(MAX_TEXT, 0),
    phone: `+86 138 0013 8000 转 ${chinese(MAX_TEXT, 7)}`.slice(0, MAX_TEXT),
    province: chinese(MAX_TEXT, 1),
    city: chinese(MAX_TEXT, 2),
    district: chinese(MAX_TEXT, 3),
    address: chinese(MAX_TEXT, 4),
  },
  ...extra,
});

const callbackOf = (
  orderNo: string,
  outboundNo: string,
  waybillNo: string,
  extra: Record<string, unknown> = {},
  lines: unknown[] = linesOf(LINES),
): Record<string, unknown> => ({
  orderNo,
  outboundNo,
  waybillNo,
  carrier: CARRIER,
  actualItems: lines,
  shippedTime: '2025-11-22T10:00:00',
  ...extra,
});

const bytes = (body: string): number => Buffer.byteLength(body);

/** `value` with an unknown key `remark` of Chinese (then ASCII) text, so that its JSON is exactly `size` bytes. */
const paddedTo = (value: Record<string, unknown>, size: number): string => {
  const bare = JSON.stringify({ ...value, remark: '' });
  const room = size - bytes(bare);
  if (room < 0) throw new Error(`the body is already ${bytes(bare)} bytes, over ${size}`);
  const body = JSON.stringify({ ...value, remark: chinese(Math.floor(room / 3)) + 'x'.repeat(room % 3) });
  if (bytes(body) !== size) throw new Error(`padding missed: ${bytes(body)} bytes, not ${size}`);
  return body;
};

/** Objects nested `levels` deep, the outermost included: `{"n":{"n":…{}}}`. */
const nested = (levels: number): unknown => {
  let value: Record<string, unknown> = {};
  for (let level = 1; level < levels; level += 1) value = { n: value };
  return value;
};

/** As many nested arrays as `size` bytes hold: `[[[…]]]`. */
const nestedArrays = (size: number): string => '['.repeat(Math.floor(size / 2)) + ']'.repeat(Math.floor(size / 2));

/** An object of as many short unknown keys as fit in `size` bytes (padded to it). */
const manyKeys = (size: number): string => {
  const value: Record<string, number> = {};
  // `"k000000":1,` is 12 bytes; leave room for the padding key
  for (let k = 0; k < Math.floor((size - 32) / 12); k += 1) value[`k${String(k).padStart(6, '0')}`] = 1;
  return paddedTo(value, size);
};

const kB = (body: string): string => `${(bytes(body) / 1024).toFixed(1)} kB`;

// =====================================================================================
// child processes: the hub, or the bare express app; both watch their own event loop
// =====================================================================================

/**
 * A gap between two ticks of the probe: when it ended (epoch ms), how long it was, and (on Linux,
 * from the main thread's /proc schedstat) how much of it the thread ran on a CPU and how much it
 * waited for one (the machine busy with other work); the rest it slept (I/O: an fsync, a read).
 */
type Block = Readonly<{ endedAt: number; monotonicEnd: number; ms: number; cpuMs: number | null; waitMs: number | null }>;
type LoopReport = Readonly<{
  type: 'loop';
  id: number;
  /** the histogram's maximum and p99, minus its resolution (ms) */
  delayMax: number;
  delayP99: number;
  /** the probe's longest gap between ticks */
  longest: Block | null;
  /** gaps of NOTED_GAP_MS or more */
  blocks: readonly Block[];
}>;
type LoopAsk = Readonly<{ type: 'loop-reset' | 'loop-read'; id: number }>;

const epochNow = (): number => performance.timeOrigin + performance.now();

/** The main thread's time on a CPU and waiting for one, in ms (Linux); null elsewhere. */
const schedstat = (() => {
  const file = `/proc/self/task/${process.pid}/schedstat`;
  return (): readonly [number, number] | null => {
    try {
      const [run, wait] = readFileSync(file, 'utf8').split(' ');
      return [Number(run) / 1e6, Number(wait) / 1e6];
    } catch {
      return null;
    }
  };
})();

/** Watch this process's event loop; the parent resets and reads it over IPC. */
const watchLoop = (): void => {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let last = performance.now();
  let lastSched = schedstat();
  let longest: Block | null = null;
  let blocks: Block[] = [];
  setInterval(() => {
    const now = performance.now();
    const sched = schedstat();
    const gap = now - last;
    if (longest === null || gap > longest.ms || gap >= NOTED_GAP_MS) {
      const block: Block = {
        endedAt: performance.timeOrigin + now,
        // the clock of V8's CPU profiles (CLOCK_MONOTONIC), to find the block in one
        monotonicEnd: Number(process.hrtime.bigint()) / 1e6,
        ms: gap,
        cpuMs: sched === null || lastSched === null ? null : sched[0] - lastSched[0],
        waitMs: sched === null || lastSched === null ? null : sched[1] - lastSched[1],
      };
      if (longest === null || gap > longest.ms) longest = block;
      if (gap >= NOTED_GAP_MS) blocks.push(block);
      if (blocks.length > 1000) blocks = blocks.sort((a, b) => b.ms - a.ms).slice(0, 500);
    }
    last = now;
    lastSched = sched;
  }, PROBE_MS).unref();
  const ms = (ns: number): number => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  process.on('message', (message: LoopAsk) => {
    if (typeof message !== 'object' || message === null) return;
    if (message.type === 'loop-reset') {
      histogram.reset();
      longest = null;
      blocks = [];
      last = performance.now();
      lastSched = schedstat();
    }
    if (message.type === 'loop-reset' || message.type === 'loop-read') {
      const report: LoopReport = {
        type: 'loop',
        id: message.id,
        delayMax: histogram.count === 0 ? 0 : ms(histogram.max),
        delayP99: histogram.count === 0 ? 0 : ms(histogram.percentile(99)),
        longest,
        blocks,
      };
      process.send?.(report);
    }
  });
};

/** The hub with its sandbox (WMS manual), stocked for every order this run places, watched, then told to stop. */
const serveHub = async (): Promise<void> => {
  const config = readConfig(JSON.parse(process.env.BENCH_HUB_ENV ?? '{}') as Record<string, string>);
  const hub = await startHub(config, pino({ level: 'silent' }));
  const receipts = number('BENCH_RECEIPTS', 1);
  const started = performance.now();
  for (let receipt = 0; receipt < receipts; receipt += 1)
    for (let i = 0; i < LINES; i += 1)
      await receiveStock(hub.deps, {
        reference: `bench-loop-stock-${receipt}`,
        warehouseCode: WAREHOUSE,
        sku: skuOf(i),
        quantity: MAX_QUANTITY,
        condition: 'SELLABLE',
      });
  await receiveStock(hub.deps, {
    reference: 'bench-loop-warm-up',
    warehouseCode: WAREHOUSE,
    sku: WARM_SKU,
    quantity: 1,
    condition: 'SELLABLE',
  });
  await hub.work.caughtUp;
  const stockSeconds = (performance.now() - started) / 1000;
  stopWhenAsked(() => hub);
  watchLoop();
  process.send?.({ type: 'ready', url: hub.url, stockSeconds });
};

/** The baseline: express 5 and express.json with the hub's limit, answering the envelope and doing nothing. */
const serveBare = async (): Promise<void> => {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: BODY_LIMIT, type: () => true, strict: false }));
  app.get('/health', (_req, res) => {
    res.status(200).json({ code: 200, message: 'success', data: { status: 'ok' } });
  });
  app.post('/api/oms/orders', (req, res) => {
    res.status(201).json({ code: 201, message: 'success', data: { orderNo: (req.body as { orderNo?: string }).orderNo ?? null } });
  });
  app.post('/api/oms/outbound/callback', (req, res) => {
    res.status(200).json({ code: 200, message: 'success', data: { orderNo: (req.body as { orderNo?: string }).orderNo ?? null } });
  });
  app.use(((error, _req, res, _next) => {
    const status = typeof error.status === 'number' ? error.status : 500;
    res.status(status).json({ code: status, message: String(error.message), data: null });
  }) as express.ErrorRequestHandler);
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
  watchLoop();
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stockSeconds: 0 });
};

// =====================================================================================
// the driver
// =====================================================================================

type Child = Readonly<{ url: string; stockSeconds: number; process: ChildProcess; stop: () => Promise<void> }>;
const children = new Set<ChildProcess>();

const startChild = async (role: 'hub' | 'bare', env: Record<string, string> = {}): Promise<Child> => {
  const profiling = role === 'hub' && PROFILE_DIR !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const child = fork(fileURLToPath(import.meta.url), [role], {
    execArgv: [...process.execArgv, ...profiling],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  void exited.then(() => children.delete(child));
  const ready = await new Promise<{ url: string; stockSeconds: number }>((done, fail) => {
    const onMessage = (message: unknown) => {
      if (typeof message === 'object' && message !== null && (message as { type?: string }).type === 'ready') {
        child.off('message', onMessage);
        done(message as { url: string; stockSeconds: number });
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => fail(new Error(`the ${role} process exited (${String(code)}) before it was ready`)));
  });
  return {
    ...ready,
    process: child,
    stop: async () => {
      if (child.exitCode === null) child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
};

let asked = 0;
/** Reset or read a child's loop watch. */
const askLoop = (child: ChildProcess, type: LoopAsk['type']): Promise<LoopReport> =>
  new Promise((done, fail) => {
    asked += 1;
    const id = asked;
    const onExit = () => fail(new Error('the child exited'));
    const onMessage = (message: unknown) => {
      if (typeof message !== 'object' || message === null || (message as LoopReport).id !== id) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      done(message as LoopReport);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send({ type, id } satisfies LoopAsk);
  });

// ---- the /health prober: a worker thread, so that this process's own work does not delay it; one
// probe at a time, each sent HEALTH_EVERY_MS after the one before was (at once if that one took longer) ----

type HealthReport = Readonly<{
  latencies: number[];
  /** when each probe was sent and answered (epoch ms) */
  windows: readonly Readonly<{ startedAt: number; endedAt: number }>[];
  statuses: Record<string, number>;
  errors: number;
}>;

const PROBER = `
const { parentPort } = require('node:worker_threads');
let running = false; let probing = Promise.resolve(); let latencies = []; let windows = []; let statuses = {}; let errors = 0;
const once = async (url) => {
  const started = performance.now();
  const window = { startedAt: performance.timeOrigin + started, endedAt: Infinity };
  windows.push(window);
  try {
    const answer = await fetch(url + '/health', { signal: AbortSignal.timeout(${REQUEST_TIMEOUT_MS}) });
    await answer.arrayBuffer();
    statuses[answer.status] = (statuses[answer.status] || 0) + 1;
  } catch {
    errors += 1;
  }
  latencies.push(performance.now() - started);
  window.endedAt = performance.timeOrigin + performance.now();
};
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
// one at a time: the next everyMs after the one before was sent, or at once when its answer came later
const oneAtATime = async (url, everyMs) => {
  while (running) {
    const started = performance.now();
    await once(url);
    await sleep(started + everyMs - performance.now());
  }
};
// every everyMs whether the ones before were answered or not (a load balancer's cadence)
const cadence = async (url, everyMs) => {
  const pending = new Set();
  while (running) {
    const asked = once(url).finally(() => pending.delete(asked));
    pending.add(asked);
    await sleep(everyMs);
  }
  await Promise.all(pending);
};
parentPort.on('message', async (message) => {
  if (message.type === 'start') {
    latencies = []; windows = []; statuses = {}; errors = 0; running = true;
    probing = (message.overlap ? cadence : oneAtATime)(message.url, message.everyMs);
  }
  if (message.type === 'stop') { running = false; await probing; parentPort.postMessage({ latencies, windows, statuses, errors }); }
});
`;

class HealthProbe {
  private readonly worker = new Worker(PROBER, { eval: true });

  start(url: string): void {
    if (HEALTH_EVERY_MS > 0) this.worker.postMessage({ type: 'start', url, everyMs: HEALTH_EVERY_MS, overlap: HEALTH_OVERLAP });
  }

  stop(): Promise<HealthReport> {
    if (HEALTH_EVERY_MS === 0) return Promise.resolve({ latencies: [], windows: [], statuses: {}, errors: 0 });
    return new Promise((done) => {
      this.worker.once('message', (report: HealthReport) => done(report));
      this.worker.postMessage({ type: 'stop' });
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

// ---- requests ----

type Sent = Readonly<{
  phase: string;
  label: string;
  startedAt: number;
  endedAt: number;
  status: number | 'error';
  expected: number;
  detail: string;
  /** the id the hub gave a warehouse message (X-Hub-Message-Id), if it did */
  messageId: string | undefined;
}> & {
  /** when the hub's work for it (reactions, projections) was done, for a request sent alone; else when it was answered */
  settledAt: number;
};

const sent: Sent[] = [];

/** One request; never throws: what it got is kept in `sent`. */
const call = async (
  phase: string,
  url: string,
  label: string,
  expected: number,
  request: Readonly<{ method?: 'GET' | 'POST'; path: string; body?: string }>,
): Promise<Sent> => {
  const startedAt = epochNow();
  let status: number | 'error';
  let detail = '';
  let messageId: string | undefined;
  try {
    const answer = await fetch(url + request.path, {
      method: request.method ?? (request.body === undefined ? 'GET' : 'POST'),
      ...(request.body === undefined ? {} : { body: request.body, headers: { 'content-type': 'application/json' } }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await answer.text();
    status = answer.status;
    messageId = answer.headers.get('x-hub-message-id') ?? undefined;
    detail = status === expected ? `${(bytes(text) / 1024).toFixed(1)} kB answer` : text.slice(0, 300);
  } catch (error) {
    status = 'error';
    detail = error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}` : String(error);
  }
  const endedAt = epochNow();
  const done: Sent = { phase, label, startedAt, endedAt, settledAt: endedAt, status, expected, detail, messageId };
  sent.push(done);
  return done;
};

type Request = Readonly<{
  label: string;
  expected: number;
  path: string;
  body?: string;
  /** just before it is sent */
  prepare?: () => void;
  /** once it is answered as expected */
  onApplied?: () => void;
}>;

/**
 * One request after another; with `settle`, each alone: the next is sent once the hub's work for
 * the one before (its reactions, the projections) is done, so that a block is the doing of the
 * one request in flight or settling.
 */
const sequentially = async (phase: string, url: string, requests: readonly Request[], settle?: () => Promise<Drained>): Promise<void> => {
  for (const request of requests) {
    request.prepare?.();
    const answer = await call(phase, url, request.label, request.expected, request);
    if (answer.status === request.expected) request.onApplied?.();
    if (settle !== undefined) {
      await settle();
      answer.settledAt = epochNow();
    }
  }
};

const atOnce = async (phase: string, url: string, requests: readonly Request[]): Promise<void> => {
  await Promise.all(
    requests.map(async (request) => {
      request.prepare?.();
      const answer = await call(phase, url, request.label, request.expected, request);
      if (answer.status === request.expected) request.onApplied?.();
    }),
  );
};

// ---- the hub's store, read by a connection of our own (WAL: the hub is not blocked) ----

class StoreWatch {
  private readonly db: Database.Database;
  private readonly projections: Database.Database;
  private readonly checkpoints: Database.Database;

  constructor(dataDir: string) {
    this.db = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
    this.projections = new Database(join(dataDir, 'projections.sqlite'), { readonly: true, fileMustExist: true });
    this.checkpoints = new Database(join(dataDir, 'checkpoints.sqlite'), { readonly: true, fileMustExist: true });
  }

  /**
   * Events the reactions have still to handle: for each, those after its checkpoint in the
   * category of the event at its checkpoint (a reaction follows one category, or all of them;
   * its checkpoint moves past every event it is handed).
   */
  reactionsBehind(): number {
    const rows = this.checkpoints.prepare<[], { position: string }>('SELECT position FROM checkpoints').all();
    return rows.reduce((sum, row) => {
      const at = Number(row.position.split('/')[0]);
      return (
        sum +
        this.n(
          'SELECT COUNT(*) AS n FROM events WHERE position > ? AND category = (SELECT category FROM events WHERE position = ?)',
          at,
          at,
        )
      );
    }, 0);
  }

  /** Events stored after the lowest checkpoint of the projections (`commit/prepare`, the commit being the store's position). */
  projectionsBehind(): number {
    const rows = this.projections.prepare<[], { position: string | null }>('SELECT position FROM projection_checkpoints').all();
    const lowest = rows.reduce((low, row) => Math.min(low, row.position === null ? 0 : Number(row.position.split('/')[0])), Infinity);
    return this.db
      .prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM events WHERE position > ?')
      .get(lowest === Infinity ? 0 : lowest)?.n as number;
  }

  private n(sql: string, ...values: (string | number)[]): number {
    return this.db.prepare<(string | number)[], { n: number }>(sql).get(...values)?.n ?? 0;
  }

  lastPosition(): number {
    return this.n('SELECT COALESCE(MAX(position), 0) AS n FROM events');
  }

  inStream(stream: string, type: string): number {
    return this.n('SELECT COUNT(*) AS n FROM events WHERE stream = ? AND type = ?', stream, type);
  }

  /** Deductions stored after `after` whose reference names the waybill (`{carrier}.{waybillNo}`, or the number alone). */
  deductions(waybillNo: string, after: number): number {
    return this.n(
      `SELECT COUNT(*) AS n FROM events WHERE position > ? AND category = 'stock' AND type = 'StockDeducted' AND json_extract(data, '$.reference') LIKE ?`,
      after,
      `%${waybillNo}`,
    );
  }

  /** The hand-off of a waybill to the TMS (its stream `shipment-{carrier}.{waybillNo}`). */
  handedOff(waybillNo: string): number {
    return this.n(
      `SELECT COUNT(*) AS n FROM events WHERE category = 'shipment' AND type = 'PushSucceeded' AND stream LIKE ?`,
      `%${waybillNo}`,
    );
  }

  /** The outboundNo the WMS gave an order (from its PushSucceeded event). */
  outboundNo(orderNo: string): string | undefined {
    return this.db
      .prepare<[string], { outboundNo: string }>(
        `SELECT json_extract(data, '$.outboundNo') AS outboundNo FROM events WHERE stream = ? AND type = 'PushSucceeded' ORDER BY position DESC LIMIT 1`,
      )
      .get(`order-${orderNo}`)?.outboundNo;
  }

  close(): void {
    this.db.close();
    this.projections.close();
    this.checkpoints.close();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** The hub's work for what was applied, still to be seen in the store: each order pushed, each shipment deducted and handed off. */
class Expected {
  private pending: { what: string; done: () => boolean }[] = [];

  constructor(private readonly watch: StoreWatch) {}

  /** An order placed: its reservation and its push to the WMS end with PushSucceeded on its stream. */
  order(orderNo: string): void {
    this.pending.push({ what: `order ${orderNo} pushed`, done: () => this.watch.inStream(`order-${orderNo}`, 'PushSucceeded') > 0 });
  }

  /** A shipment applied: a deduction per line (referenced by its waybill, stored after `after`) and its hand-off to the TMS. */
  shipment(waybillNo: string, lines: number, after: number): void {
    this.pending.push({
      what: `${lines} deductions for waybill ${waybillNo}`,
      done: () => this.watch.deductions(waybillNo, after) >= lines,
    });
    this.pending.push({ what: `waybill ${waybillNo} handed off`, done: () => this.watch.handedOff(waybillNo) > 0 });
  }

  /** Wait until every expected event is stored and the projections have applied them; what is still short, if the time ran out. */
  async drained(): Promise<Drained> {
    const started = performance.now();
    for (;;) {
      this.pending = this.pending.filter((check) => !check.done());
      const short = this.pending.length === 0 ? [] : [`${this.pending.length} (${this.pending[0]?.what}, …)`];
      const behind = this.watch.projectionsBehind();
      if (behind > 0) short.push(`the projections ${behind} events behind`);
      const reactions = this.watch.reactionsBehind();
      if (reactions > 0) short.push(`the reactions ${reactions} events behind`);
      const seconds = (performance.now() - started) / 1000;
      if (short.length === 0 || seconds > DRAIN_TIMEOUT_S) return { seconds, short };
      await sleep(50);
    }
  }
}

// ---- phases ----

type Row = {
  phase: string;
  requests: number;
  statuses: string;
  'max block ms': number;
  'its own ms': number;
  'CPU / wait / asleep ms': string;
  'p99 loop delay ms': number;
  'worst /health ms': number | string;
  verdict: string;
  'longest block during': string;
};

type Measured = Readonly<{
  key: string;
  name: string;
  loop: LoopReport;
  health: HealthReport;
  requests: Sent[];
  failures: string[];
  findings: string[];
}>;

const round = (value: number): number => Math.round(value * 10) / 10;
/** A block's own time, by which it is judged: all of it but what the thread spent waiting for a CPU (the machine busy elsewhere). */
const ownMs = (block: Block): number => block.ms - (block.waitMs ?? 0);
/** A block's time on a CPU, waiting for one, and asleep (I/O: an fsync, a read), in ms. */
const breakdown = (block: Block | null): string =>
  block === null || block.cpuMs === null || block.waitMs === null
    ? 'n/a'
    : `${round(block.cpuMs)} / ${round(block.waitMs)} / ${round(Math.max(0, block.ms - block.cpuMs - block.waitMs))}`;

const statusesOf = (requests: readonly Sent[]): string => {
  const counts = new Map<string, number>();
  for (const request of requests) counts.set(String(request.status), (counts.get(String(request.status)) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
};

/**
 * When a block began, as near as the probe can tell: its last tick before the gap came up to
 * PROBE_MS before the loop took up the work that blocked it, so a request sent in those few
 * milliseconds is still one that caused it.
 */
const startOf = (block: Block): number => block.endedAt - block.ms + PROBE_MS;

/**
 * What was in flight when a block began: the requests sent before it began and answered after
 * (one sent during it cannot have caused it), or, for a request sent alone, whose reactions were
 * not done yet; when none was, the block was the hub's background work (reactions, projections),
 * named by the last request answered before it.
 */
const inFlight = (block: Block, requests: readonly Sent[], health: HealthReport): string => {
  const began = startOf(block);
  const during = requests.filter((request) => request.startedAt < began && request.settledAt > began);
  if (during.length === 0) {
    const last = requests.filter((request) => request.settledAt <= began).sort((a, b) => b.endedAt - a.endedAt)[0];
    const probes = health.windows.filter((probe) => probe.startedAt < began && probe.endedAt > began).length;
    return (
      `no request in flight${probes === 0 ? '' : ` but ${probes} /health probe${probes === 1 ? '' : 's'}`}: background work` +
      (last === undefined ? '' : ` (after ${last.label}, ${Math.round(began - last.endedAt)} ms after its answer)`)
    );
  }
  const labels = [...new Set(during.map((request) => request.label.replace(/ #\d+/, ' #n')))];
  return `${during.length} in flight: ${labels.slice(0, 3).join('; ')}${labels.length > 3 ? '; …' : ''}`;
};

type Drained = Readonly<{ seconds: number; short: readonly string[] }>;

/**
 * One phase: the loop watch reset, /health probed, `run` (its requests), then `drain` (waiting
 * for the hub's work on them: reactions, projections), the watch read. A request answered other
 * than expected, or not at all, fails the run. The hub's work not done in time, or /health not
 * answered, are findings (a slow machine may show them); in a smoke run they fail it too. When the
 * work was not done, the phase is followed by an unmeasured wait without /health probes.
 */
const measure = async (
  key: string,
  name: string,
  child: Child,
  health: HealthProbe,
  run: () => Promise<void>,
  drain?: () => Promise<Drained>,
): Promise<Measured> => {
  const before = sent.length;
  await askLoop(child.process, 'loop-reset');
  health.start(child.url);
  await run();
  const drained = drain === undefined ? undefined : await drain();
  const probeStopped = performance.now();
  const healthReport = await health.stop();
  const probesAnswered = performance.now();
  const loop = await askLoop(child.process, 'loop-read');
  const requests = sent.slice(before);
  const failures: string[] = [];
  const findings: string[] = [];
  const finding = (text: string) => (SMOKE ? failures : findings).push(text);
  for (const request of requests)
    if (request.status !== request.expected)
      failures.push(`${request.label}: expected ${request.expected}, got ${request.status} (${request.detail})`);
  if (drained !== undefined && drained.short.length === 0)
    findings.push(`the hub's work for it (reactions, projections) was done ${drained.seconds.toFixed(1)} s after the last answer`);
  if (healthReport.errors > 0)
    finding(`${healthReport.errors} of ${healthReport.latencies.length} /health probes not answered within ${REQUEST_TIMEOUT_MS / 1000} s`);
  if (drained !== undefined && drained.short.length > 0)
    finding(`the hub's work NOT done ${drained.seconds.toFixed(0)} s after the last answer: still short of ${drained.short.join(', ')}`);
  if (!SMOKE && drain !== undefined && drained !== undefined && drained.short.length > 0) {
    const after = await drain();
    const since = (performance.now() - probeStopped) / 1000;
    findings.push(
      `then /health was no longer asked: the probes still pending were answered within ${((probesAnswered - probeStopped) / 1000).toFixed(1)} s, ` +
        (after.short.length === 0
          ? `and the hub's work was done ${since.toFixed(1)} s after the probe stopped (not measured)`
          : `and ${since.toFixed(0)} s after the probe stopped it was still not done: ${after.short.join(', ')}`),
    );
  }
  await sleep(SETTLE_MS);
  return { key, name, loop, health: healthReport, requests, failures, findings };
};

/** The longest block by its own time (a longer one by the clock may have waited for a CPU most of it). */
const worstOf = (loop: LoopReport): Block | null =>
  [...loop.blocks, ...(loop.longest === null ? [] : [loop.longest])].sort((a, b) => ownMs(b) - ownMs(a))[0] ?? null;

const rowOf = (measured: Measured): Row => {
  const worst = worstOf(measured.loop);
  const worstHealth = Math.max(0, ...measured.health.latencies);
  return {
    phase: measured.name,
    requests: measured.requests.length,
    statuses: statusesOf(measured.requests),
    'max block ms': round(worst?.ms ?? 0),
    'its own ms': round(worst === null ? 0 : ownMs(worst)),
    'CPU / wait / asleep ms': breakdown(worst),
    'p99 loop delay ms': round(measured.loop.delayP99),
    'worst /health ms': measured.health.latencies.length === 0 ? 'n/a' : round(worstHealth),
    verdict: worst === null || ownMs(worst) <= BUDGET_MS ? 'within' : 'OVER',
    'longest block during':
      worst === null || worst.ms < NOTED_GAP_MS
        ? `none of ${NOTED_GAP_MS} ms or more`
        : inFlight(worst, measured.requests, measured.health),
  };
};

/**
 * Per kind of request (labels alike but for their number): the longest block one of them was in
 * flight at the start of. The warm-ups are left out (their phases' rows say enough).
 */
const perRequest = (measured: readonly Measured[]) => {
  const kinds = new Map<string, { phase: string; requests: Sent[]; worst: Block | null }>();
  for (const m of measured.filter((m) => m.key !== 'w' && m.key !== 'bare-w'))
    for (const request of m.requests) {
      const kind = `${m.key}: ${request.label.replace(/ #\d+/, ' #n')}`;
      const entry = kinds.get(kind) ?? { phase: m.key, requests: [], worst: null };
      entry.requests.push(request);
      for (const block of m.loop.blocks) {
        const began = startOf(block);
        if (request.startedAt < began && request.settledAt > began && (entry.worst === null || ownMs(block) > ownMs(entry.worst)))
          entry.worst = block;
      }
      kinds.set(kind, entry);
    }
  return [...kinds].map(([kind, { requests, worst }]) => ({
    request: kind.length > 90 ? `${kind.slice(0, 89)}…` : kind,
    n: requests.length,
    statuses: statusesOf(requests),
    'longest block ms': worst === null ? `< ${NOTED_GAP_MS}` : round(worst.ms),
    'its own ms': worst === null ? '' : round(ownMs(worst)),
    'CPU / wait / asleep ms': worst === null ? '' : breakdown(worst),
    verdict: worst === null || ownMs(worst) <= BUDGET_MS ? 'within' : 'OVER',
    'slowest answer ms': round(Math.max(...requests.map((request) => request.endedAt - request.startedAt))),
  }));
};

// ---- BENCH_CPU_PROF: where the hub's main thread spent its longest blocks ----

type CpuProfile = Readonly<{
  nodes: readonly Readonly<{
    id: number;
    callFrame: Readonly<{ functionName: string; url: string; lineNumber: number }>;
    children?: number[];
  }>[];
  startTime: number;
  samples: readonly number[];
  timeDeltas: readonly number[];
}>;

/**
 * For a block, the functions the profile's samples in it were in (self time), and the hub's own
 * frames (src/) they were under: the innermost (what it was doing) and the outermost (the request
 * handler, reaction or projection, or the async function resumed, that drove it). Under tsx the
 * names of arrow functions are often lost and every line is 1: the files still say where.
 */
const profiled = (profile: CpuProfile) => {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const nameOf = (id: number): string => {
    const frame = nodes.get(id)?.callFrame;
    if (frame === undefined) return '?';
    const url = frame.url.replace(/^file:\/\//, '');
    const short = url.includes('/src/')
      ? `src/${url.split('/src/').at(-1)}`
      : url.includes('node_modules/')
        ? url.split('node_modules/').at(-1)
        : url;
    return `${frame.functionName === '' ? '(anonymous)' : frame.functionName}${short === '' ? '' : ` ${short}:${frame.lineNumber + 1}`}`;
  };
  const isHub = (id: number): boolean => (nodes.get(id)?.callFrame.url ?? '').includes('/src/');
  const times: number[] = [];
  let t = profile.startTime;
  for (const delta of profile.timeDeltas) times.push((t += delta));
  return (block: Block): string => {
    const from = (block.monotonicEnd - block.ms) * 1000;
    const to = block.monotonicEnd * 1000;
    const self = new Map<string, number>();
    const innermost = new Map<string, number>();
    const outermost = new Map<string, number>();
    const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
    profile.samples.forEach((id, i) => {
      const at = times[i] ?? 0;
      if (at < from || at > to) return;
      const ms = ((times[i + 1] ?? at) - at) / 1000;
      add(self, nameOf(id), ms);
      const hub: number[] = [];
      for (let node: number | undefined = id; node !== undefined; node = parents.get(node)) if (isHub(node)) hub.push(node);
      if (hub.length > 0) {
        add(innermost, nameOf(hub[0] ?? 0), ms);
        add(outermost, nameOf(hub.at(-1) ?? 0), ms);
      }
    });
    const top = (map: Map<string, number>, n: number) =>
      [...map]
        .sort(([, a], [, b]) => b - a)
        .slice(0, n)
        .map(([name, ms]) => `${Math.round(ms)} ms ${name}`)
        .join('; ');
    const at = `${((from - profile.startTime) / 1e6).toFixed(3)}–${((to - profile.startTime) / 1e6).toFixed(3)} s into the profile`;
    return `    ${at}\n    self: ${top(self, 5)}\n    in the hub's code (innermost): ${top(innermost, 5)}\n    driven by (outermost hub frame): ${top(outermost, 4)}`;
  };
};

/** `{ messageId }` of the first warehouse message sent in `phase` (whose label starts with `label`), when the hub named one. */
const messageOf = (phase: string, label = ''): { messageId?: string } => {
  const messageId = sent.find(
    (request) => request.phase === phase && request.label.startsWith(label) && request.messageId !== undefined,
  )?.messageId;
  return messageId === undefined ? {} : { messageId };
};

type OpenApi = Readonly<{
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string; schema?: { maximum?: number } }[];
        responses?: Record<string, { content?: Record<string, unknown> }>;
      }
    >
  >;
}>;

/** An answer that does not end (GET /api/oms/live's event stream): not a read to time. */
const streams = (operation: NonNullable<OpenApi['paths'][string][string]>): boolean =>
  Object.values(operation.responses ?? {}).some((answer) => answer.content?.['text/event-stream'] !== undefined);

/**
 * Every GET the hub serves (its /openapi.json) whose path parameters are in `values`: each at its
 * largest page (`limit` at its maximum), an order also as it stood now (`at`); and those skipped.
 */
const readsOf = (document: OpenApi, values: Readonly<Record<string, string>>, tag: string): { reads: Request[]; skipped: string[] } => {
  const reads: Request[] = [];
  const skipped: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    const get = operations.get;
    if (get === undefined) continue;
    if (streams(get)) {
      skipped.push(`${path} (an event stream: it does not end)`);
      continue;
    }
    const missing = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name ?? '').filter((name) => values[name] === undefined);
    if (missing.length > 0) {
      skipped.push(`${path} (no ${missing.join(', ')} in this run)`);
      continue;
    }
    const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ''));
    const limit = get.parameters?.find((parameter) => parameter.in === 'query' && parameter.name === 'limit')?.schema?.maximum;
    const query = limit === undefined ? '' : `?limit=${limit}`;
    reads.push({ label: `${tag}GET ${path}${query}`, expected: 200, path: concrete + query });
    if (get.parameters?.some((parameter) => parameter.in === 'query' && parameter.name === 'at'))
      reads.push({
        label: `${tag}GET ${path}?at=now`,
        expected: 200,
        path: `${concrete}?at=${encodeURIComponent(new Date().toISOString())}`,
      });
  }
  return { reads, skipped };
};

const drive = async (): Promise<void> => {
  const directory = mkdtempSync(join(tmpdir(), 'hub-bench-loop-'));
  if (PROFILE_DIR !== undefined) mkdirSync(PROFILE_DIR, { recursive: true });
  const health = new HealthProbe();
  const measured: Measured[] = [];
  const notes: string[] = [];
  const profileNotes: string[] = [];
  const runStarted = performance.now();
  try {
    // ---- the bodies, made before anything is measured ----
    const a1 = Array.from({ length: ORDERS }, (_, n) => orderNoOf('A1', n));
    const a2 = Array.from({ length: ORDERS }, (_, n) => orderNoOf('A2', n));
    const a3 = Array.from({ length: 2 * ORDERS }, (_, n) => orderNoOf('A3', n));
    const intake = (orderNo: string) => JSON.stringify(orderOf(orderNo));
    const orderBodies = new Map([...a1, ...a2, ...a3].map((orderNo) => [orderNo, intake(orderNo)]));
    const atLimit = paddedTo(orderOf(orderNoOf('B', 0)), limitBytes);
    const overLimit = paddedTo(orderOf(orderNoOf('B', 1)), limitBytes + 1);
    // the root is level 1: `extra` adds the rest
    const atDepth = JSON.stringify(orderOf(orderNoOf('B', 2), { extra: nested(MAX_BODY_DEPTH - 1) }));
    const overDepth = JSON.stringify(orderOf(orderNoOf('B', 3), { extra: nested(MAX_BODY_DEPTH) }));
    const deepArrays = nestedArrays(limitBytes);
    const wideKeys = manyKeys(limitBytes);
    const emptyLines = (() => {
      const head = JSON.stringify(orderOf(orderNoOf('B', 4), {}, []));
      const room = limitBytes - bytes(head);
      const count = Math.floor((room + 1) / 3); // `{},` each, the last without its comma
      return head.replace('"items":[]', `"items":[${Array.from({ length: count }, () => '{}').join(',')}]`);
    })();
    const tooManyLines = JSON.stringify(orderOf(orderNoOf('B', 5), {}, linesOf(MAX_LINES + 1)));
    const textTooLong = JSON.stringify(orderOf(orderNoOf('B', 6), {}, linesOf(LINES, MAX_TEXT + 1)));
    const unknownCallback = paddedTo(callbackOf(orderNoOf('UNKNOWN', 0), 'OUT-UNKNOWN', waybillOf('B', 0)), limitBytes);
    const sizes = `an order of ${LINES} lines is ${kB(orderBodies.get(a1[0] ?? '') ?? '')}, its callback ${kB(JSON.stringify(callbackOf(a1[0] ?? '', 'OUT', waybillOf('C', 0))))}`;

    // ---- the baseline: a bare express 5 app parsing the same bodies ----
    const bare = await startChild('bare');
    try {
      const post = (label: string, body: string, expected = 201, path = '/api/oms/orders'): Request => ({ label, expected, path, body });
      measured.push(await measure('bare-idle', 'bare express 5: idle (baseline)', bare, health, () => sleep(IDLE_SECONDS * 1000)));
      measured.push(
        await measure('bare-w', 'bare express 5: warm-up, a 1-line order and callback', bare, health, () =>
          sequentially('bare-w', bare.url, [
            post('bare warm-up: order', JSON.stringify(orderOf(orderNoOf('W', 0), {}, warmLines))),
            post(
              'bare warm-up: callback',
              JSON.stringify(callbackOf(orderNoOf('W', 0), 'OUT', waybillOf('W', 0), {}, warmLines)),
              200,
              '/api/oms/outbound/callback',
            ),
          ]),
        ),
      );
      measured.push(
        await measure('bare-a', `bare express 5: the a1 + a2 order bodies (baseline)`, bare, health, async () => {
          await sequentially(
            'bare-a',
            bare.url,
            a1.map((orderNo, n) => post(`bare order #${n}`, orderBodies.get(orderNo) ?? '')),
          );
          await atOnce(
            'bare-a',
            bare.url,
            a2.map((orderNo, n) => post(`bare order at once #${n}`, orderBodies.get(orderNo) ?? '')),
          );
        }),
      );
      measured.push(
        await measure('bare-b', `bare express 5: the b bodies (baseline)`, bare, health, () =>
          sequentially('bare-b', bare.url, [
            post(`bare: order at the body limit (${kB(atLimit)})`, atLimit),
            post(`bare: order one byte over the limit`, overLimit, 413),
            post(`bare: order nested ${MAX_BODY_DEPTH} levels`, atDepth),
            post(`bare: order nested ${MAX_BODY_DEPTH + 1} levels`, overDepth),
            post(`bare: ${Math.floor(limitBytes / 2)} nested arrays`, deepArrays),
            post(`bare: object of ${kB(wideKeys)} of keys`, wideKeys),
            post(`bare: order of empty lines (${kB(emptyLines)})`, emptyLines),
            post(`bare: ${MAX_LINES + 1} lines`, tooManyLines),
            post(`bare: fields of ${MAX_TEXT + 1} characters`, textTooLong),
            post(`bare: callback at the body limit`, unknownCallback, 200, '/api/oms/outbound/callback'),
          ]),
        ),
      );
    } finally {
      await bare.stop();
    }

    // ---- the hub ----
    const dataDir = join(directory, 'hub');
    // every order of a1, a2, a3 and the two of b that are accepted takes MAX_QUANTITY of each SKU
    const receipts = a1.length + a2.length + a3.length + 2;
    const hub = await startChild('hub', {
      BENCH_RECEIPTS: String(receipts),
      BENCH_HUB_ENV: JSON.stringify({
        PORT: '0',
        HOST: '127.0.0.1',
        OMS_DATA_DIR: dataDir,
        SQLITE_SYNCHRONOUS: 'FULL',
        SANDBOX_MODE: 'manual',
        SANDBOX_DELAY_MS: '0',
        SANDBOX_WMS_PORT: '0',
        SANDBOX_TMS_PORT: '0',
        DEMO_STOCK: 'false',
        LOG_LEVEL: 'silent',
      }),
    });
    notes.push(
      `the hub was stocked with ${receipts} × ${MAX_QUANTITY.toLocaleString('en')} of each of ${LINES} SKUs (${receipts * LINES} receipts) in ${hub.stockSeconds.toFixed(1)} s, before any measurement`,
    );
    const watch = new StoreWatch(dataDir);
    const expected = new Expected(watch);
    // the projections apply the stock receipts before anything is measured
    const settled = await expected.drained();
    if (settled.short.length > 0) throw new Error(`the hub did not settle after its start: ${settled.short.join(', ')}`);
    const drained = () => expected.drained();
    try {
      // the bodies are ours: their first keys name the order and the waybill
      const field = (body: string, name: string): string => new RegExp(`"${name}":"([^"]+)"`).exec(body.slice(0, 1000))?.[1] ?? '';
      const order = (label: string, body: string, status = 201): Request => ({
        label,
        expected: status,
        path: '/api/oms/orders',
        body,
        ...(status === 201 ? { onApplied: () => expected.order(field(body, 'orderNo')) } : {}),
      });
      const callback = (label: string, body: string, status = 200, lines = LINES): Request => {
        // where the store stood when it was sent: its deductions come after
        let after = 0;
        return {
          label,
          expected: status,
          path: '/api/oms/outbound/callback',
          body,
          prepare: () => {
            after = watch.lastPosition();
          },
          ...(status === 200 ? { onApplied: () => expected.shipment(field(body, 'waybillNo'), lines, after) } : {}),
        };
      };
      const outboundOf = (orderNo: string): string => {
        const outboundNo = watch.outboundNo(orderNo);
        if (outboundNo === undefined) throw new Error(`order ${orderNo} has no outboundNo: it was not pushed`);
        return outboundNo;
      };

      measured.push(await measure('idle', 'hub idle (baseline)', hub, health, () => sleep(IDLE_SECONDS * 1000)));
      // the first request of each kind after a start pays for lazy work (zod compiling its parsers,
      // statements prepared, code compiled): measured apart, with a one-line order
      const document = (await (await fetch(`${hub.url}/openapi.json`)).json()) as OpenApi;
      const warmOrder = orderNoOf('W', 0);
      measured.push(
        await measure(
          'w',
          'hub warm-up: the first request of each kind after start, a 1-line order',
          hub,
          health,
          async () => {
            await sequentially('w', hub.url, [order('warm-up: POST order (1 line)', JSON.stringify(orderOf(warmOrder, {}, warmLines)))]);
            const pushed = await expected.drained();
            if (pushed.short.length > 0) return;
            await sequentially('w', hub.url, [
              callback(
                'warm-up: POST callback (1 line)',
                JSON.stringify(callbackOf(warmOrder, outboundOf(warmOrder), waybillOf('W', 0), {}, warmLines)),
                200,
                warmLines.length,
              ),
            ]);
            await expected.drained();
            await sequentially(
              'w',
              hub.url,
              readsOf(document, { orderNo: warmOrder, carrier: CARRIER_CODE, waybillNo: waybillOf('W', 0), ...messageOf('w') }, 'warm-up: ')
                .reads,
            );
          },
          drained,
        ),
      );
      measured.push(
        await measure(
          'a1',
          `a1 ${ORDERS} orders of ${LINES} lines, one after another, each alone (+ its reactions)`,
          hub,
          health,
          () =>
            sequentially(
              'a1',
              hub.url,
              a1.map((orderNo, n) => order(`POST order #${n} (${LINES} lines)`, orderBodies.get(orderNo) ?? '')),
              drained,
            ),
          drained,
        ),
      );
      measured.push(
        await measure(
          'a2',
          `a2 ${ORDERS} orders of ${LINES} lines at once (+ their reactions)`,
          hub,
          health,
          () =>
            atOnce(
              'a2',
              hub.url,
              a2.map((orderNo, n) => order(`POST order at once #${n} (${LINES} lines)`, orderBodies.get(orderNo) ?? '')),
            ),
          drained,
        ),
      );
      measured.push(
        await measure(
          'a3',
          `a3 ${a3.length} orders of ${LINES} lines back to back (each sent once the one before is answered; + their reactions)`,
          hub,
          health,
          () =>
            sequentially(
              'a3',
              hub.url,
              a3.map((orderNo, n) => order(`POST order back to back #${n} (${LINES} lines)`, orderBodies.get(orderNo) ?? '')),
            ),
          drained,
        ),
      );
      const shippedInB = a1[0] ?? '';
      const knownCallback = paddedTo(callbackOf(shippedInB, outboundOf(shippedInB), waybillOf('B', 1)), limitBytes);
      const knownOver = paddedTo(callbackOf(shippedInB, outboundOf(shippedInB), waybillOf('B', 2)), limitBytes + 1);
      measured.push(
        await measure(
          'b',
          'b bodies at and over the body and nesting limits',
          hub,
          health,
          () =>
            sequentially(
              'b',
              hub.url,
              [
                order(`order at the body limit (${kB(atLimit)}, ${LINES} lines)`, atLimit),
                order('order one byte over the body limit', overLimit, 413),
                order(`order nested ${MAX_BODY_DEPTH} levels`, atDepth),
                order(`order nested ${MAX_BODY_DEPTH + 1} levels`, overDepth, 400),
                order(`${Math.floor(limitBytes / 2).toLocaleString('en')} nested arrays (${kB(deepArrays)})`, deepArrays, 400),
                order(`an object of ${kB(wideKeys)} of unknown keys`, wideKeys, 422),
                order(`order of ${kB(emptyLines)} of empty lines`, emptyLines, 422),
                order(`order of ${MAX_LINES + 1} lines`, tooManyLines, 422),
                order(`order of ${LINES} lines, fields of ${MAX_TEXT + 1} characters`, textTooLong, 422),
                callback('callback at the body limit, unknown order (kept raw as an alert)', unknownCallback, 404),
                callback(`callback at the body limit, ${LINES} lines (kept raw in its events)`, knownCallback),
                callback('callback one byte over the body limit', knownOver, 413),
              ],
              drained,
            ),
          drained,
        ),
      );
      const cSequential = a1.slice(1);
      const callbackBodyOf = (orderNo: string, n: number) => JSON.stringify(callbackOf(orderNo, outboundOf(orderNo), waybillOf('C', n)));
      const c1Bodies = cSequential.map((orderNo, n) => callbackBodyOf(orderNo, n));
      measured.push(
        await measure(
          'c1',
          `c1 ${cSequential.length} callbacks of ${LINES} lines, one after another, each alone (+ its reactions)`,
          hub,
          health,
          () =>
            sequentially(
              'c1',
              hub.url,
              c1Bodies.map((body, n) => callback(`POST callback #${n} (${LINES} lines)`, body)),
              drained,
            ),
          drained,
        ),
      );
      const c2Bodies = a2.map((orderNo, n) => callbackBodyOf(orderNo, ORDERS + n));
      measured.push(
        await measure(
          'c2',
          `c2 ${a2.length} callbacks of ${LINES} lines at once (+ their reactions)`,
          hub,
          health,
          () =>
            atOnce(
              'c2',
              hub.url,
              c2Bodies.map((body, n) => callback(`POST callback at once #${n} (${LINES} lines)`, body)),
            ),
          drained,
        ),
      );

      const c3Bodies = a3.map((orderNo, n) => callbackBodyOf(orderNo, 2 * ORDERS + n));
      measured.push(
        await measure(
          'c3',
          `c3 ${a3.length} callbacks of ${LINES} lines back to back (each sent once the one before is answered; + their reactions)`,
          hub,
          health,
          () =>
            sequentially(
              'c3',
              hub.url,
              c3Bodies.map((body, n) => callback(`POST callback back to back #${n} (${LINES} lines)`, body)),
            ),
          drained,
        ),
      );

      // ---- d: the reads, from the routes the hub serves ----
      const { reads, skipped } = readsOf(
        document,
        {
          orderNo: shippedInB,
          carrier: CARRIER_CODE,
          waybillNo: waybillOf('B', 1),
          ...messageOf('b', `callback at the body limit, ${LINES} lines`),
        },
        '',
      );
      if (skipped.length > 0) notes.push(`d: not read: ${skipped.join('; ')}`);
      const heaviest = `/api/oms/orders/${encodeURIComponent(shippedInB)}/events`;
      measured.push(
        await measure(
          'd',
          `d reads: ${reads.length} GETs one after another, then an order's events ${ORDERS} at once`,
          hub,
          health,
          async () => {
            await sequentially('d', hub.url, reads);
            await atOnce(
              'd',
              hub.url,
              Array.from({ length: ORDERS }, (_, n) => ({ label: `GET an order's events at once #${n}`, expected: 200, path: heaviest })),
            );
          },
        ),
      );
    } finally {
      watch.close();
      await hub.stop();
    }
    if (PROFILE_DIR !== undefined) {
      const file = readdirSync(PROFILE_DIR)
        .filter((name) => name.includes(`.${String(hub.process.pid)}.0.`) && name.endsWith('.cpuprofile'))
        .sort()
        .at(-1);
      if (file === undefined) notes.push(`no CPU profile of the hub (pid ${String(hub.process.pid)}) in ${PROFILE_DIR}`);
      else {
        const where = profiled(JSON.parse(readFileSync(join(PROFILE_DIR, file), 'utf8')) as CpuProfile);
        const longest = measured
          .filter((m) => !m.key.startsWith('bare'))
          .flatMap((m) => m.loop.blocks.map((block) => ({ key: m.key, block })))
          .sort((a, b) => ownMs(b.block) - ownMs(a.block))
          .slice(0, 5);
        profileNotes.push(`where the hub's 5 longest blocks went (${join(PROFILE_DIR, file)}):`);
        for (const { key, block } of longest)
          profileNotes.push(`  ${key}: ${round(block.ms)} ms (CPU / wait / asleep ${breakdown(block)} ms)\n${where(block)}`);
      }
    }

    // ---- the report ----
    const rows = measured.map(rowOf);
    console.log(
      `Event-loop blocking per request, node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}); the hub (SQLite FULL, sandbox WMS manual) ` +
        `in a child watched from inside (monitorEventLoopDelay at ${RESOLUTION_MS} ms, a ${PROBE_MS} ms tick probe), ` +
        (HEALTH_EVERY_MS === 0
          ? '/health not asked'
          : `/health asked every ${HEALTH_EVERY_MS} ms ${HEALTH_OVERLAP ? 'whether answered or not' : 'one at a time'} from a worker thread here`) +
        `; budget ${BUDGET_MS} ms per request (judged on the block less its wait for a CPU); ${LINES} lines per order, ${ORDERS} orders per group; ${sizes}`,
    );
    console.table(rows);
    const blocks = measured
      .flatMap((m) => m.loop.blocks.map((block) => ({ phase: m.key, block, requests: m.requests, health: m.health })))
      .sort((a, b) => ownMs(b.block) - ownMs(a.block))
      .slice(0, 10);
    if (blocks.length > 0) {
      console.log(`longest blocks of the run, by their own time (gaps of the ${PROBE_MS} ms probe, less the time waiting for a CPU):`);
      console.table(
        blocks.map(({ phase, block, requests, health }) => ({
          phase,
          'block ms': round(block.ms),
          'its own ms': round(ownMs(block)),
          'CPU / wait / asleep ms': breakdown(block),
          'in flight': inFlight(block, requests, health),
        })),
      );
    }
    console.log(
      'per request (alike ones together): the longest block that began while one was in flight (sent before it began and answered after it began, or, sent alone, its reactions not yet done), and the slowest answer',
    );
    console.table(perRequest(measured));
    for (const m of measured) for (const finding of m.findings) console.log(`- ${m.key}: ${finding}`);
    for (const note of notes) console.log(`- ${note}`);
    for (const note of profileNotes) console.log(note);
    if (process.env.BENCH_DEBUG !== undefined && process.env.BENCH_DEBUG !== '')
      writeFileSync(
        process.env.BENCH_DEBUG,
        JSON.stringify({ sent, blocks: measured.map((m) => ({ key: m.key, blocks: m.loop.blocks })) }, null, 1),
      );
    const failures = measured.flatMap((m) => m.failures.map((failure) => `${m.key}: ${failure}`));
    console.log(`run took ${((performance.now() - runStarted) / 1000).toFixed(1)} s`);
    if (SMOKE) console.log('smoke size (BENCH_SMOKE=1): a check that every phase runs end to end, not a measurement');
    console.log(
      `reproduce: ${SMOKE ? 'BENCH_SMOKE=1 ' : ''}npm run bench:loop   (knobs: BENCH_LINES=${LINES} BENCH_ORDERS=${ORDERS} BENCH_IDLE_SECONDS=${IDLE_SECONDS} BENCH_DRAIN_TIMEOUT=${DRAIN_TIMEOUT_S} BENCH_HEALTH_EVERY_MS=${HEALTH_EVERY_MS} BENCH_HEALTH_OVERLAP=${HEALTH_OVERLAP ? 1 : 0} BENCH_CPU_PROF=<dir>)`,
    );
    if (failures.length > 0) {
      console.error(`not every phase ran as it should:\n  ${failures.join('\n  ')}`);
      process.exitCode = 1;
    }
  } finally {
    await health.close();
    for (const child of children) child.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  }
};

const role = process.argv[2];
if (role === 'hub') await serveHub();
else if (role === 'bare') await serveBare();
else
  await drive().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
