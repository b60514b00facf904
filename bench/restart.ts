/**
 * Start-up and memory on a large store (issue 13): "restart on a 1,000,000-event store: /health
 * within 2 s, a new order ships without waiting behind old history, resident memory ≤ 300 MB".
 * Measured, not asserted: every figure gets a verdict against the issue's target; the run fails only
 * when the hub did not start or the new order did not ship within BENCH_SHIP_TIMEOUT.
 *
 *   1. A store of the hub's own making, built once and cached under the temporary directory, keyed by
 *      its size (`hub-bench-restart-{orders}o-{templates}t`, kept between runs; BENCH_REBUILD=1 builds
 *      it again): bench/console.ts's hub child (`console.ts hub`) lives BENCH_TEMPLATES orders through
 *      the hub and the sandbox and appends the rest as copies of those lives with renamed ids, then
 *      restarts its hub on the store; here the hub is left to settle (every projection caught up,
 *      every reaction's position and the store's head unchanged from one poll to the next) and is
 *      stopped as an operator would stop it. The default BENCH_ORDERS gives about 1,000,000 events
 *      (about 17 per order).
 *   2. Each measurement runs on a scratch copy of the cached directory: the hub in a child process
 *      (`restart.ts hub`: `startHub` as `npm start` calls it, SQLite synchronous NORMAL, the sandbox in
 *      auto mode with no delay) on a port chosen here, so that /health is asked from the moment the
 *      child is forked, every BENCH_POLL_MS ms:
 *        - time to the first /health 200, from the fork and from the moment the child calls
 *          `startHub` (the difference is node, tsx and the imports);
 *        - the child's resident memory at that moment and after the new order shipped (VmRSS from
 *          /proc, with its anonymous and file-backed parts: the SQLite store maps up to 256 MiB of
 *          its file, and pages read through the map count as file-backed);
 *        - a new order (POST /api/oms/orders, one line of SKU-01 at WH001, sent once /health answers):
 *          the time until GET /api/oms/orders/{orderNo} says SHIPPED.
 *      Twice per store: first without the kept read models (read-models.sqlite removed from the copy:
 *      the first start after upgrading to a hub that keeps them, or after losing that file; they are
 *      built from every event), then again after stopping it (the steady restart).
 * The baseline, in the same run and the same way: a store of BENCH_BASELINE_ORDERS orders.
 *
 * Run: npm run bench:restart
 * Knobs: BENCH_SMOKE (1: 150 orders of 50 lives, baseline 10: checks in seconds that everything runs;
 *        its figures are not measurements) BENCH_ORDERS (59000) BENCH_TEMPLATES (1000)
 *        BENCH_BASELINE_ORDERS (20) BENCH_REBUILD (1: build the cached stores again)
 *        BENCH_SHIP_TIMEOUT (600 s, smoke 60 s) BENCH_POLL_MS (20)
 */
import { type ChildProcess, fork } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { readConfig } from '../src/main/config.ts';
import { type RunningHub, startHub } from '../src/main/hub.ts';
import { EventCounts } from './event-counts.ts';
import { stopWhenAsked } from './stop-when-asked.ts';
import { freePort } from '../test/support/free-port.ts';
import { quietHubEnv } from './quiet-hub-env.ts';
import { number } from './env-number.ts';

const SMOKE = process.env.BENCH_SMOKE === '1';
const ORDERS = Math.round(number('BENCH_ORDERS', SMOKE ? 150 : 59_000));
const TEMPLATES = Math.min(ORDERS, Math.round(number('BENCH_TEMPLATES', SMOKE ? 50 : 1000)));
const BASELINE_ORDERS = Math.round(number('BENCH_BASELINE_ORDERS', SMOKE ? 10 : 20));
const REBUILD = process.env.BENCH_REBUILD === '1';
const SHIP_TIMEOUT_S = number('BENCH_SHIP_TIMEOUT', SMOKE ? 60 : 600);
const POLL_MS = number('BENCH_POLL_MS', 20);
/** the build of a cached store: lives, copies and the console child's restart on them */
const BUILD_TIMEOUT_S = SMOKE ? 120 : 7200;

/** the issue's targets */
const HEALTH_TARGET_S = 2;
const RSS_TARGET_MB = 300;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const secondsSince = (started: number): number => (performance.now() - started) / 1000;

const children = new Set<ChildProcess>();

type Child = Readonly<{ child: ChildProcess; exited: Promise<void>; stop: () => Promise<void> }>;

const forkChild = (script: string, args: readonly string[], env: Record<string, string>): Child => {
  const child = fork(script, [...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(child);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  void exited.then(() => children.delete(child));
  return {
    child,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.connected) child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(timer);
    },
  };
};

/** Poll until `done` holds, or `timeoutS` passes; whether it held. */
const until = async (done: () => Promise<boolean>, timeoutS: number, everyMs: number): Promise<boolean> => {
  const started = performance.now();
  for (;;) {
    if (await done().catch(() => false)) return true;
    if (secondsSince(started) > timeoutS) return false;
    await sleep(everyMs);
  }
};

/**
 * Every projection caught up and the hub quiet: the store's head and every reaction's position the
 * same as at the poll before (a reaction that follows one category rests at that category's last
 * event, so "at the head" cannot be asked).
 */
const settledProbe = (url: string): (() => Promise<boolean>) => {
  let before = '';
  return async () => {
    const health = (await (await fetch(`${url}/health`)).json()) as { data?: { projectionLag?: Record<string, number> } };
    const lags = Object.values(health.data?.projectionLag ?? { unknown: 1 });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const head = /^oms_store_position (\d+)/m.exec(metrics)?.[1];
    const positions = [...metrics.matchAll(/^oms_reaction_position\{reaction="([^"]+)"\} (\d+)/gm)].map((m) => `${m[1]}=${m[2]}`);
    const now = `${head ?? '?'} ${positions.join(' ')}`;
    const quiet = head !== undefined && positions.length > 0 && now === before;
    before = now;
    return quiet && lags.every((n) => n === 0);
  };
};

// =====================================================================================
// the cached stores
// =====================================================================================

type Built = Readonly<{ orders: number; events: number; seconds: number }>;

const consoleScript = fileURLToPath(new URL('./console.ts', import.meta.url));

/** The cached data directory of a store of `orders` orders, built by bench/console.ts's hub child when missing. */
const cachedStore = async (orders: number, templates: number, label: string): Promise<Readonly<{ dir: string; built: Built }>> => {
  const dir = join(tmpdir(), `hub-bench-restart-${orders}o-${templates}t`);
  const marker = join(dir, 'bench-restart.json');
  if (!REBUILD && existsSync(marker)) {
    console.log(`${label}: the cached store in ${dir}`);
    return { dir, built: JSON.parse(readFileSync(marker, 'utf8')) as Built };
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`${label}: building a store of ${orders} orders (${templates} lived, the rest copies) in ${dir}…`);
  const started = performance.now();
  const builder = forkChild(consoleScript, ['hub'], {
    BENCH_HUB_ENV: JSON.stringify(quietHubEnv(dir, 0)),
    BENCH_SEED_ORDERS: String(orders),
    BENCH_SEED_TEMPLATES: String(templates),
    BENCH_SEED_TIMEOUT: String(BUILD_TIMEOUT_S),
  });
  try {
    const url = await new Promise<string>((done, fail) => {
      builder.child.on('message', (message: { type: string; line?: string; error?: string; seeded?: { url: string } }) => {
        if (message.type === 'progress') console.log(`  [${label}] ${message.line ?? ''}`);
        else if (message.type === 'failed') fail(new Error(`${label}: ${message.error ?? ''}`));
        else if (message.seeded !== undefined) done(message.seeded.url);
      });
      builder.child.once('exit', (code) =>
        fail(new Error(`${label}: the building hub exited (${String(code)}) before its store was seeded`)),
      );
    });
    if (!(await until(settledProbe(url), BUILD_TIMEOUT_S, 500))) throw new Error(`${label}: the hub did not settle on its store`);
  } finally {
    await builder.stop();
  }
  const counts = new EventCounts(dir);
  const built: Built = { orders, events: counts.total(), seconds: secondsSince(started) };
  counts.close();
  writeFileSync(marker, JSON.stringify(built));
  console.log(`${label}: ${built.events} events built in ${built.seconds.toFixed(0)} s`);
  return { dir, built };
};

// =====================================================================================
// one start of the hub on a store
// =====================================================================================

type Memory = Readonly<{ rss: number; anon: number; file: number }>;

/** The child's resident memory in MB, from /proc (null where there is no /proc). */
const memoryOf = (pid: number | undefined): Memory | null => {
  if (pid === undefined) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
    return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') };
  } catch {
    return null;
  }
};

type Start = Readonly<{
  /** fork → first /health 200 */
  healthFromForkS: number;
  /** the child calling startHub → first /health 200 */
  healthFromStartS: number;
  /** startHub resolved, from the child calling it */
  startHubS: number | null;
  memoryAtHealth: Memory | null;
  /** /health's body at that moment */
  healthBody: string;
  /** the new order: POST answered → SHIPPED */
  shipS: number;
  memoryAfterShip: Memory | null;
}>;

type HubMessage = Readonly<{ type: 'starting' | 'started'; at: number }>;

const NEW_ORDER_SKU = 'SKU-01';

const startOnce = async (dataDir: string, orderNo: string): Promise<Start> => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const forked = performance.now();
  const hub = forkChild(fileURLToPath(import.meta.url), ['hub'], { BENCH_HUB_ENV: JSON.stringify(quietHubEnv(dataDir, port)) });
  let starting: number | undefined;
  let started: number | undefined;
  hub.child.on('message', (message: HubMessage) => {
    // the child's own clock (performance.timeOrigin + now): the same machine's
    const at = message.at - performance.timeOrigin;
    if (message.type === 'starting') starting = at;
    else started = at;
  });
  try {
    let healthBody = '';
    const answered = await until(
      async () => {
        if (hub.child.exitCode !== null) throw new Error('the hub exited');
        const response = await fetch(`${url}/health`);
        healthBody = await response.text();
        return response.status === 200;
      },
      SHIP_TIMEOUT_S,
      POLL_MS,
    );
    const healthAt = performance.now();
    const memoryAtHealth = memoryOf(hub.child.pid);
    if (!answered) throw new Error(`/health did not answer 200 within ${SHIP_TIMEOUT_S} s`);
    const placed = await fetch(`${url}/api/oms/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        orderNo,
        warehouseCode: 'WH001',
        priority: 'HIGH',
        timeRequirement: 'STANDARD',
        items: [{ sku: NEW_ORDER_SKU, quantity: 1, batchNo: 'BATCH001' }],
        consignee: { name: '张三', phone: '13800138000', province: '北京市', city: '北京市', district: '朝阳区', address: 'XX街道XX号' },
      }),
    });
    if (placed.status !== 201) throw new Error(`POST /api/oms/orders: ${placed.status} ${await placed.text()}`);
    const placedAt = performance.now();
    let status = '';
    const shipped = await until(
      async () => {
        const body = (await (await fetch(`${url}/api/oms/orders/${orderNo}`)).json()) as { data?: { status?: string } };
        status = body.data?.status ?? '';
        return status === 'SHIPPED';
      },
      SHIP_TIMEOUT_S,
      POLL_MS,
    );
    if (!shipped) throw new Error(`order ${orderNo} not SHIPPED within ${SHIP_TIMEOUT_S} s (it is ${status})`);
    const shipS = secondsSince(placedAt);
    const memoryAfterShip = memoryOf(hub.child.pid);
    const childStart = starting ?? NaN;
    return {
      healthFromForkS: (healthAt - forked) / 1000,
      healthFromStartS: (healthAt - childStart) / 1000,
      startHubS: started === undefined ? null : (started - childStart) / 1000,
      memoryAtHealth,
      healthBody,
      shipS,
      memoryAfterShip,
    };
  } finally {
    await hub.stop();
  }
};

/** The hub child: `startHub` as `npm start` calls it, saying when it begins and when it resolves. */
const serveHub = async (): Promise<void> => {
  const config = readConfig(JSON.parse(process.env.BENCH_HUB_ENV ?? '{}') as Record<string, string>);
  // asked to stop before the hub has started: there is nothing to stop
  const running: { hub?: RunningHub } = {};
  process.send?.({ type: 'starting', at: performance.timeOrigin + performance.now() } satisfies HubMessage);
  stopWhenAsked(() => running.hub ?? process.exit(0));
  running.hub = await startHub(config, pino({ level: 'silent' }));
  process.send?.({ type: 'started', at: performance.timeOrigin + performance.now() } satisfies HubMessage);
};

// =====================================================================================
// the driver
// =====================================================================================

type StoreRun = Readonly<{ label: string; built: Built; starts: readonly Start[] }>;

const runStore = async (scratch: string, label: string, orders: number, templates: number): Promise<StoreRun> => {
  const { dir, built } = await cachedStore(orders, templates, label);
  const copy = join(scratch, label);
  cpSync(dir, copy, { recursive: true });
  for (const kept of ['read-models.sqlite', 'read-models.sqlite-wal', 'read-models.sqlite-shm']) rmSync(join(copy, kept), { force: true });
  const starts: Start[] = [];
  for (const n of [1, 2]) {
    console.log(`${label}: start ${n} on ${built.events} events…`);
    starts.push(await startOnce(copy, `RESTART${label.toUpperCase()}${n}`));
  }
  rmSync(copy, { recursive: true, force: true });
  return { label, built, starts };
};

const mb = (memory: Memory | null): string =>
  memory === null ? '?' : `${Math.round(memory.rss)} (anon ${Math.round(memory.anon)}, file ${Math.round(memory.file)})`;

const drive = async (): Promise<void> => {
  const runStarted = performance.now();
  const scratch = mkdtempSync(join(tmpdir(), 'hub-bench-restart-run-'));
  try {
    const baseline = await runStore(scratch, 'baseline', BASELINE_ORDERS, BASELINE_ORDERS);
    const large = await runStore(scratch, 'large', ORDERS, TEMPLATES);
    const rows = [baseline, large].flatMap((run) =>
      run.starts.map((start, i) => ({
        store: `${run.label}: ${run.built.events} events`,
        start: i === 0 ? 'no kept read models' : 'again',
        '/health 200 s (from startHub; from fork)': `${start.healthFromStartS.toFixed(2)}; ${start.healthFromForkS.toFixed(2)}`,
        'startHub resolved s': start.startHubS === null ? 'not yet' : start.startHubS.toFixed(2),
        'RSS MB at /health': mb(start.memoryAtHealth),
        'new order → SHIPPED s': start.shipS.toFixed(2),
        'RSS MB after it shipped': mb(start.memoryAfterShip),
      })),
    );
    console.log(
      `\nRestart of the hub (a child process, SQLite NORMAL, the sandbox in auto mode with no delay) on a store of ${large.built.events} events ` +
        `(${large.built.orders} orders) against a baseline of ${baseline.built.events} events (${baseline.built.orders} orders), measured the same way in the same run; ` +
        `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}). Targets: /health within ${HEALTH_TARGET_S} s, a new order ships ` +
        `without waiting behind old history, resident memory ≤ ${RSS_TARGET_MB} MB.`,
    );
    console.table(rows);
    for (const run of [baseline, large])
      for (const [i, start] of run.starts.entries())
        console.log(`- ${run.label} start ${i + 1}, /health said: ${start.healthBody.slice(0, 600)}`);
    const verdicts = large.starts.map((start, i) => {
      const base = baseline.starts[i];
      const rss = Math.max(start.memoryAtHealth?.rss ?? NaN, start.memoryAfterShip?.rss ?? NaN);
      return (
        `start ${i + 1}: /health ${start.healthFromStartS <= HEALTH_TARGET_S ? 'met' : 'MISSED'} (${start.healthFromStartS.toFixed(2)} s), ` +
        `new order ${base === undefined ? '' : `${(start.shipS / base.shipS).toFixed(1)}× the baseline's`} (${start.shipS.toFixed(2)} s vs ${base?.shipS.toFixed(2) ?? '?'} s), ` +
        `RSS ${rss <= RSS_TARGET_MB ? 'met' : 'MISSED'} (${Math.round(rss)} MB)`
      );
    });
    console.log(`- verdicts on the large store: ${verdicts.join('; ')}`);
    console.log(`run took ${secondsSince(runStarted).toFixed(1)} s`);
    if (SMOKE) console.log('smoke size (BENCH_SMOKE=1): a check that everything runs, not a measurement');
    console.log(
      `reproduce: ${SMOKE ? 'BENCH_SMOKE=1 ' : ''}npm run bench:restart   (knobs: BENCH_ORDERS=${ORDERS} BENCH_TEMPLATES=${TEMPLATES} BENCH_BASELINE_ORDERS=${BASELINE_ORDERS} ` +
        `BENCH_SHIP_TIMEOUT=${SHIP_TIMEOUT_S} BENCH_POLL_MS=${POLL_MS} BENCH_REBUILD=1; the stores are cached in ${tmpdir()}/hub-bench-restart-*)`,
    );
  } finally {
    for (const child of children) child.kill('SIGKILL');
    rmSync(scratch, { recursive: true, force: true });
  }
};

if (process.argv[2] === 'hub') await serveHub();
else
  await drive().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
