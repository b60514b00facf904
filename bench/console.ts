/**
 * The operators' console on a large store: "each page loads in under 1 s on a store of 100,000
 * orders (measure it)". Measured, not asserted: every page gets a verdict against the 1 s budget;
 * the run fails only when a page did not load at all (its content never shown, an error shown
 * instead, the hub not started or its store not seeded).
 *
 *   1. A store of BENCH_ORDERS orders, written by the hub itself. First BENCH_TEMPLATES of them (1,000;
 *      all of them for the baseline) live their lives: a hub in a child process (its own data
 *      directory under a temporary directory, SQLite synchronous NORMAL, LOG_LEVEL silent, the
 *      sandbox WMS/TMS in auto mode with no delay, one push attempt) takes each order through the
 *      application's own use case (`placeOrder` on the hub's dependencies, as POST /api/oms/orders
 *      does), and its reactions do the rest as they always do: reserve, push to the sandbox WMS,
 *      take its callbacks (picking, packed, shipped with a waybill), deduct, hand off to the TMS.
 *      The orders, in phases (the sandbox's faults are global, so each phase is waited for before
 *      the next one; at most BENCH_WINDOW orders under way at once, so that lead times stay those
 *      of a hub keeping up):
 *        1% the WMS answers 503 and one attempt is all they get: they wait for a person;
 *        2% one unit of SKU-SHORT missing (allowPartialShip): shipped in part, the rest a
 *           backorder that waits (the warehouse reported the SKU short);
 *        5% shipped in two waybills;
 *           (these at WH001: the sandbox's faults are those of its JSON warehouse)
 *        the rest shipped, 70% at WH001 (the article's JSON), 30% at WH002 (Qimen), 1–3 lines
 *           of SKU-01..SKU-20.
 *      A life through the whole hub costs tens of milliseconds of its CPU (a hundred thousand would
 *      take most of an hour on the 2-core build machine), so the other orders are copies of those
 *      lives (`replicate`): the hub stopped, every event of a template's flows (order stream, stock
 *      reservations and deductions, shipment hand-off, the warehouse messages archived) appended
 *      again through the store's own `append`, in the hub's order, with the order number,
 *      outbound numbers, waybills, event, correlation and causation ids renamed and every instant
 *      moved back by up to 29 days (so the reports have a month); the first round of copies is
 *      decoded by the hub's decoder before it is appended. The reactions' checkpoints are moved
 *      past the copies (their work is in them), except the alerts' reaction, and a hub is started
 *      on the store as after a restart: its projections (order list, search index, reports) take
 *      in the copies with the hub's own projection code, and its alerts' reaction raises theirs.
 *      Then conditions polled, never a sleep: every projection caught up (/health's projectionLag
 *      all 0) and the hub quiet (the store's head and each reaction's position, /metrics, unchanged
 *      from one poll to the next), and no ANOMALY alert (an event that does not decode is one).
 *   2. Each console page in a real headless Chromium (playwright-core, /usr/bin/chromium or
 *      CHROMIUM_PATH), the hub open (no credentials, the default): the time from navigation start
 *      to the first animation frame that shows the page's content (read in the page:
 *      `performance.now()` in a requestAnimationFrame poll), then checked with a Playwright locator.
 *      Cold: the first load in a fresh browser context (empty cache); warm: the median of
 *      BENCH_LOADS more loads in the same context (each a full navigation from about:blank). With
 *      each load, from the page's Resource Timing: when its first API call started (the shell's
 *      own cost: HTML, modules, /api/oms/me) and its slowest API call.
 *      The pages: #/queue (needs a person), #/orders/{an order with a shipment}, #/search?q={its
 *      waybill}, #/search?status=SHIPPED, #/stock, #/reports (four charts drawn).
 *   3. Every API call the pages made, timed from this process too (first call and median of
 *      BENCH_LOADS), so that a slow page can be told apart: the server's time or the browser's.
 * The baseline, measured in the same run and the same way: the same pages on a store of
 * BENCH_BASELINE_ORDERS orders (the same mix), so that the ratio says what the large store costs.
 *
 * Run: npm run bench:console
 * Knobs: BENCH_SMOKE (1: 500 orders, 2 warm loads, to check in well under a minute that every page
 *        loads; its figures are not measurements) BENCH_ORDERS (100000) BENCH_BASELINE_ORDERS (20)
 *        BENCH_TEMPLATES (1000, smoke 100: orders that live their lives; the rest are copies)
 *        BENCH_LOADS (5) BENCH_WINDOW (1000) BENCH_CONCURRENCY (32: placements at once)
 *        BENCH_SEED_TIMEOUT (3600 s, smoke 60 s) BENCH_PAGE_TIMEOUT (60 s, smoke 20 s: one page load)
 *        BENCH_KEEP (a directory: the large store's data directory is kept there, not removed)
 *        CHROMIUM_PATH (/usr/bin/chromium; absent: the run is skipped, exit 0)
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { type Browser, type Page, chromium } from 'playwright-core';
import { SqliteCheckpointStore } from '../src/adapters/checkpoints/sqlite-checkpoint-store.ts';
import { ZodEventDecoder } from '../src/adapters/event-codec/zod-event-decoder.ts';
import { placeOrder } from '../src/application/outbound/place-order.ts';
import type { EventToAppend, Position, StoredEvent } from '../src/application/ports/event-store.ts';
import { receiveStock } from '../src/application/stock/count-stock.ts';
import { MAX_QUANTITY } from '../src/domain/kernel/lines.ts';
import type { Placement } from '../src/domain/outbound-order/index.ts';
import { type Config, readConfig } from '../src/main/config.ts';
import { type RunningHub, startHub } from '../src/main/hub.ts';
import { openEventStore } from '../src/main/open-event-store.ts';
import { EventCounts } from './event-counts.ts';
import { stopWhenAsked } from './stop-when-asked.ts';
import { quietHubEnv } from './quiet-hub-env.ts';
import { number } from './env-number.ts';

const SMOKE = process.env.BENCH_SMOKE === '1';
const ORDERS = Math.round(number('BENCH_ORDERS', SMOKE ? 500 : 100_000));
const BASELINE_ORDERS = Math.round(number('BENCH_BASELINE_ORDERS', 20));
const LOADS = Math.round(number('BENCH_LOADS', SMOKE ? 2 : 5));
const WINDOW = Math.round(number('BENCH_WINDOW', 1000));
/** orders that live their lives through the hub; the rest of BENCH_ORDERS are copies of them */
const TEMPLATES = Math.round(number('BENCH_TEMPLATES', SMOKE ? 100 : 1000));
const CONCURRENCY = Math.round(number('BENCH_CONCURRENCY', 32));
const SEED_TIMEOUT_S = number('BENCH_SEED_TIMEOUT', SMOKE ? 60 : 3600);
const PAGE_TIMEOUT_S = number('BENCH_PAGE_TIMEOUT', SMOKE ? 20 : 60);
const KEEP = process.env.BENCH_KEEP === undefined || process.env.BENCH_KEEP === '' ? undefined : resolve(process.env.BENCH_KEEP);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** 1: the browser ignores the page's Content-Security-Policy (to measure a console whose policy blocks its own import map) */

/** the issue's budget per page */
const BUDGET_MS = 1000;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
};
const round = (value: number): number => Math.round(value);
/** the value found most often (the first of those, on a tie) */
const mostOften = (values: readonly string[]): string => {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].reduce<[string, number]>((best, entry) => (entry[1] > best[1] ? entry : best), ['', 0])[0];
};
const secondsSince = (started: number): number => (performance.now() - started) / 1000;

/** Poll until `done` holds (every `everyMs`), or `timeoutS` passes; returns whether it held and the seconds waited. */
const until = async (
  done: () => boolean | Promise<boolean>,
  timeoutS: number,
  everyMs = 50,
): Promise<{ held: boolean; seconds: number }> => {
  const started = performance.now();
  for (;;) {
    if (await done()) return { held: true, seconds: secondsSince(started) };
    if (secondsSince(started) > timeoutS) return { held: false, seconds: secondsSince(started) };
    await sleep(everyMs);
  }
};

// =====================================================================================
// the store: orders placed by the hub's own use case, in the child process
// =====================================================================================

const WAREHOUSES = ['WH001', 'WH002'] as const;
const SKUS = Array.from({ length: 20 }, (_, i) => `SKU-${String(i + 1).padStart(2, '0')}`);
/** stocked at WH001 only, and reported short there by the sandbox in the backorder phase */
const SHORT_SKU = 'SKU-SHORT';

type Mix = Readonly<{ manual: number; backorder: number; partial: number; normal: number }>;
const mixOf = (orders: number): Mix => {
  const manual = Math.max(2, Math.round(orders * 0.01));
  const backorder = Math.max(2, Math.round(orders * 0.02));
  const partial = Math.max(2, Math.round(orders * 0.05));
  return { manual, backorder, partial, normal: Math.max(1, orders - manual - backorder - partial) };
};

const orderNoOf = (n: number): string => `CON${String(n).padStart(7, '0')}`;

/** A small deterministic generator (mulberry32), so that two runs seed the same orders. */
const generator = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
const GIVEN = ['小明', '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军'];
const PLACES = [
  ['北京市', '北京市', '朝阳区'],
  ['上海市', '上海市', '浦东新区'],
  ['广东省', '深圳市', '南山区'],
  ['浙江省', '杭州市', '西湖区'],
  ['四川省', '成都市', '武侯区'],
] as const;

const placementOf = (n: number, kind: 'manual' | 'backorder' | 'partial' | 'normal'): Placement => {
  const random = generator(n + 1);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const lineCount = 1 + Math.floor(random() * 3);
  const skus = [...SKUS].sort(() => random() - 0.5).slice(0, lineCount);
  // an order in two waybills needs two units at least (the sandbox splits the units in halves)
  const lines = skus.map((sku, i) => ({
    sku,
    quantity: (kind === 'partial' && i === 0 ? 2 : 1) + Math.floor(random() * 3),
    batchNo: 'BATCH001',
  }));
  const [province, city, district] = pick(PLACES);
  return {
    orderNo: orderNoOf(n),
    // the sandbox's faults are those of its JSON warehouse, WH001 (WH002 speaks Qimen)
    warehouseCode: kind !== 'normal' || random() < 0.7 ? 'WH001' : 'WH002',
    priority: pick(['HIGH', 'NORMAL', 'NORMAL', 'LOW'] as const),
    timeRequirement: pick(['STANDARD', 'STANDARD', 'EXPRESS'] as const),
    items: kind === 'backorder' ? [{ sku: SHORT_SKU, quantity: 2, batchNo: 'BATCH001' }, ...lines.slice(0, 1)] : lines,
    consignee: {
      name: pick(SURNAMES) + pick(GIVEN),
      phone: `138${String(n).padStart(8, '0')}`,
      province,
      city,
      district,
      address: `科技园路${1 + (n % 200)}号`,
    },
    policy: { allowPartialShip: kind === 'backorder', allowCancel: false },
  };
};

type Seeded = Readonly<{
  url: string;
  orders: number;
  mix: Mix;
  events: number;
  seconds: number;
  /** an order of the normal phase, shipped in one waybill (a copy, when there are copies) */
  sample: string;
  sampleN: number;
  /** the events of the lives the hub went through (the copies' are not counted here) */
  counts: Readonly<Record<string, number>>;
  /** the copies of those lives, when BENCH_ORDERS is more than BENCH_TEMPLATES */
  copies: (Copied & Readonly<{ restartSeconds: number }>) | null;
}>;
type Progress = Readonly<{ type: 'progress'; line: string }>;
type ChildMessage = Readonly<{ type: 'seeded'; seeded: Seeded }> | Progress | Readonly<{ type: 'failed'; error: string }>;

/** The hub with its sandbox, stocked, then seeded with BENCH_SEED_ORDERS orders; then told to stop. */
const serveHub = async (): Promise<void> => {
  const env = JSON.parse(process.env.BENCH_HUB_ENV ?? '{}') as Record<string, string>;
  const orders = Number(process.env.BENCH_SEED_ORDERS ?? 0);
  const templates = Math.min(orders, Number(process.env.BENCH_SEED_TEMPLATES ?? orders));
  const config = readConfig(env);
  let hub = await startHub(config, pino({ level: 'silent' }));
  stopWhenAsked(() => hub);
  const say = (message: ChildMessage) => process.send?.(message);
  const progress = (line: string) => say({ type: 'progress', line });
  try {
    const lived = await seed(hub, config.OMS_DATA_DIR, templates, orders, progress);
    if (orders <= templates) {
      say({ type: 'seeded', seeded: lived });
      return;
    }
    // the copies: appended while no hub runs, then a hub started on the store, as after a restart
    const reactions = hub.work.reactions;
    await hub.stop();
    const copied = await replicate(config, templates, orders, reactions, progress);
    const restarted = performance.now();
    hub = await startHub(config, pino({ level: 'silent' }));
    const restartSeconds = secondsSince(restarted);
    const middle = Math.floor((orders - templates) / 2 / templates);
    say({
      type: 'seeded',
      seeded: {
        ...lived,
        url: hub.url,
        orders,
        events: lived.events + copied.events,
        sample: orderNoOf(lived.sampleN + templates * Math.max(1, middle)),
        sampleN: lived.sampleN + templates * Math.max(1, middle),
        copies: { ...copied, restartSeconds },
      },
    });
  } catch (error) {
    say({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
};

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const INSTANT = /(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})/g;
const DAY_MS = 86_400_000;

/** An ISO-8601 instant `ms` earlier, written as it was (the same offset, the same fraction digits). */
const earlier = (instant: string, local: string, fraction: string | undefined, offset: string, ms: number): string => {
  const at = Date.parse(instant);
  if (Number.isNaN(at)) return instant;
  const minutes = offset === 'Z' ? 0 : (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const shifted = new Date(at - ms + minutes * 60_000).toISOString();
  return `${shifted.slice(0, local.length)}${fraction === undefined ? '' : shifted.slice(19, 19 + fraction.length)}${offset}`;
};

/** lives, copies and the hub's restart on them */
const seedingSeconds = (seeded: Seeded): number =>
  seeded.seconds + (seeded.copies === null ? 0 : seeded.copies.seconds + seeded.copies.restartSeconds);

type Copied = Readonly<{ events: number; seconds: number; templateEvents: number; leftOut: number; decodedFirst: number }>;

/**
 * Orders `templates`+1 … `orders` as copies of the lives the hub recorded for orders 1 … `templates`
 * (order n copies order ((n-1) mod templates)+1): every event of a template's flows (its order
 * stream, its stock reservations and deductions, its shipments' hand-offs, the warehouse messages
 * it was sent), with its order number, outbound numbers, waybills, event ids, correlation and
 * causation ids renamed, and every instant moved back by up to 29 days (so the reports have a month),
 * appended through the store's own `append`, in the order the hub wrote them. The copies of
 * the first template round are decoded by the hub's decoder before they are appended (the
 * projections decode them all, and an undecodable one would be an alert). Then every reaction's
 * checkpoint is moved to the head (the copies' work is done), except the alerts' reaction, which
 * raises the copies' alerts when the hub starts.
 */
const replicate = async (
  config: Config,
  templates: number,
  orders: number,
  reactions: readonly string[],
  progress: (line: string) => void,
): Promise<Copied> => {
  const started = performance.now();
  const store = openEventStore(config);
  const decoder = new ZodEventDecoder();
  try {
    const all = await store.readAll();
    // the flows of each template order: its own correlation ids, and the message ids in its events' metadata
    const templateOf = new Map<string, number>();
    for (const event of all) {
      const match = /^order-CON(\d{7})$/.exec(event.stream);
      if (match === null) continue;
      const n = Number(match[1]);
      templateOf.set(event.metadata.correlationId, n);
      // the ids of the warehouse messages applied to it (a message's own events are correlated by its id)
      for (const uuid of JSON.stringify(event.metadata).match(UUID) ?? []) if (!templateOf.has(uuid)) templateOf.set(uuid, n);
    }
    const flows = Array.from({ length: templates + 1 }, (): StoredEvent[] => []);
    let leftOut = 0;
    for (const event of all) {
      const correlation = event.metadata.correlationId;
      const n =
        templateOf.get(correlation) ?? (correlation.match(UUID) ?? []).map((uuid) => templateOf.get(uuid)).find((t) => t !== undefined);
      if (n === undefined || n > templates) {
        if (!correlation.startsWith('bench-stock-')) leftOut += 1;
        continue;
      }
      flows[n]?.push(event);
    }
    const templateEvents = flows.reduce((sum, flow) => sum + flow.length, 0);
    // the numbers a template's flow names, to be renamed
    const namesOf = (flow: readonly StoredEvent[]): { outbounds: string[]; waybills: string[] } => {
      const outbounds = new Set<string>();
      const waybills = new Set<string>();
      for (const event of flow) {
        if (!event.stream.startsWith('order-')) continue;
        const data = event.data as { outboundNo?: unknown; waybillNo?: unknown };
        if (typeof data.outboundNo === 'string') outbounds.add(data.outboundNo);
        if (typeof data.waybillNo === 'string') waybills.add(data.waybillNo);
      }
      return { outbounds: [...outbounds], waybills: [...waybills] };
    };
    const names = flows.map(namesOf);
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    let events = 0;
    let last: Position | undefined;
    let decodedFirst = 0;
    let saidAt = performance.now();
    for (let n = templates + 1; n <= orders; n += 1) {
      const t = ((n - 1) % templates) + 1;
      const flow = flows[t] ?? [];
      const { outbounds, waybills } = names[t] ?? { outbounds: [], waybills: [] };
      const renames = new Map<string, string>([
        [orderNoOf(t), orderNoOf(n)],
        [`bench-console-${t}`, `bench-console-${n}`],
        ...outbounds.map((outbound, k): [string, string] => [outbound, `WMS9${String(n * 10 + k).padStart(11, '0')}`]),
        ...waybills.map((waybill, k): [string, string] => [
          waybill,
          `${waybill.replace(/\d+$/, '')}9${String(n * 10 + k).padStart(10, '0')}`,
        ]),
      ]);
      const pattern = new RegExp([...renames.keys()].map(escape).join('|'), 'g');
      const ids = new Map<string, string>();
      const idOf = (uuid: string): string => {
        const known = ids.get(uuid);
        if (known !== undefined) return known;
        const fresh = randomUUID();
        ids.set(uuid, fresh);
        return fresh;
      };
      const back = Math.floor(((n - templates) / (orders - templates + 1)) * 29 * DAY_MS);
      const rename = (text: string): string =>
        text
          .replace(pattern, (name) => renames.get(name) ?? name)
          .replace(UUID, idOf)
          .replace(INSTANT, (instant: string, local: string, fraction: string | undefined, offset: string) =>
            earlier(instant, local, fraction, offset, back),
          );
      const copies = flow.map((event) => ({
        stream: rename(event.stream),
        event: {
          id: idOf(event.id),
          type: event.type,
          data: JSON.parse(rename(JSON.stringify(event.data))) as object,
          metadata: JSON.parse(rename(JSON.stringify(event.metadata))) as StoredEvent['metadata'],
        },
      }));
      if (n <= 2 * templates)
        for (const [i, copy] of copies.entries()) {
          const original = flow[i] as StoredEvent;
          const decoding = decoder.decode({ ...copy.event, stream: copy.stream, revision: original.revision, position: original.position });
          if (decoding.kind === 'undecodable')
            throw new Error(
              `the copy of ${original.type} in ${original.stream} as ${copy.stream} does not decode: ${decoding.problems.join('; ')}`,
            );
          decodedFirst += 1;
        }
      // consecutive events of one stream in one append, as the hub appended them
      for (let i = 0; i < copies.length;) {
        const stream = copies[i]?.stream as string;
        const batch: EventToAppend[] = [];
        for (; i < copies.length && copies[i]?.stream === stream; i += 1) batch.push((copies[i] as { event: EventToAppend }).event);
        last = (await store.append(stream, batch, 'any')).position;
        events += batch.length;
      }
      if (performance.now() - saidAt > 10_000) {
        saidAt = performance.now();
        progress(`copies: ${n - templates} of ${orders - templates} orders, ${events} events, ${secondsSince(started).toFixed(0)} s`);
      }
    }
    if (last === undefined) throw new Error('no copy was appended');
    const checkpoints = SqliteCheckpointStore.open(join(config.OMS_DATA_DIR, 'checkpoints.sqlite'));
    for (const reaction of reactions) if (reaction !== 'alert-when-a-person-is-needed') await checkpoints.save(reaction, last);
    checkpoints.close();
    return { events, seconds: secondsSince(started), templateEvents, leftOut, decodedFirst };
  } finally {
    await store.close();
  }
};

const seed = async (
  hub: RunningHub,
  dataDir: string,
  orders: number,
  stockFor: number,
  progress: (line: string) => void,
): Promise<Seeded> => {
  const wms = hub.sandbox?.wms;
  if (wms === undefined) throw new Error('the bench needs the sandbox WMS');
  // stock: plenty of every SKU in both warehouses (SKU-SHORT at WH001 only), in receipts of the most one movement may name
  const perSku = Math.ceil((stockFor * 6) / SKUS.length / MAX_QUANTITY) + 1;
  for (const warehouseCode of WAREHOUSES)
    for (const sku of warehouseCode === 'WH001' ? [...SKUS, SHORT_SKU] : SKUS)
      for (let receipt = 0; receipt < perSku; receipt += 1)
        await receiveStock(hub.deps, {
          reference: `bench-stock-${warehouseCode}-${sku}-${receipt}`,
          warehouseCode,
          sku,
          quantity: MAX_QUANTITY,
          condition: 'SELLABLE',
        });
  await hub.work.caughtUp;

  const watch = new EventCounts(dataDir);
  const mix = mixOf(orders);
  const started = performance.now();
  const deadline = started + SEED_TIMEOUT_S * 1000;
  let lastSaid = performance.now();
  const report = (what: string) => {
    if (performance.now() - lastSaid < 10_000) return;
    lastSaid = performance.now();
    const c = (key: string) => watch.count(key);
    progress(
      `${what}: ${c('order/OrderPlaced')} placed, ${c('order/PushSucceeded')} pushed, ${c('order/ShipmentRecorded')} shipments, ` +
        `${c('shipment/PushSucceeded')} handed off, ${watch.total()} events, ${secondsSince(started).toFixed(0)} s`,
    );
  };
  const waitFor = async (what: string, done: () => boolean): Promise<void> => {
    const held = await until(
      () => {
        report(what);
        return done();
      },
      Math.max(0, (deadline - performance.now()) / 1000),
      20,
    );
    if (!held.held) throw new Error(`seeding: ${what} not done within BENCH_SEED_TIMEOUT=${SEED_TIMEOUT_S} s`);
  };
  /** Place orders `from`..`to`-1, `CONCURRENCY` at a time, at most WINDOW under way (placed, not `finished`). */
  let next = 1;
  const place = async (count: number, kind: 'manual' | 'backorder' | 'partial' | 'normal', finished: () => number): Promise<void> => {
    const first = next;
    next += count;
    let cursor = first;
    let placed = 0;
    let finishedSeen = 0;
    let checkedAt = 0;
    const underWay = () => {
      if (performance.now() - checkedAt > 25) {
        finishedSeen = finished();
        checkedAt = performance.now();
      }
      return placed - finishedSeen;
    };
    const worker = async (): Promise<void> => {
      while (cursor < first + count) {
        if (underWay() >= WINDOW) {
          await waitFor(`${kind} orders (window)`, () => underWay() < WINDOW);
          continue;
        }
        const n = cursor;
        cursor += 1;
        placed += 1;
        const { created } = await placeOrder(hub.deps, placementOf(n, kind), `bench-console-${n}`);
        if (!created) throw new Error(`order ${orderNoOf(n)} was not created`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
  };
  const shipments = () => watch.count('order/ShipmentRecorded');

  // 1. the WMS down for these: one attempt each, then they wait for a person
  wms.faults.set({ errorRate: 1 });
  await place(mix.manual, 'manual', () => watch.count('order/ManualInterventionRequired'));
  await waitFor('orders for a person', () => watch.count('order/ManualInterventionRequired') >= mix.manual);
  // 2. one unit of SKU-SHORT missing each: shipped in part, a backorder for the rest
  wms.faults.set({ shortage: { [SHORT_SKU]: 1 } });
  await place(mix.backorder, 'backorder', shipments);
  await waitFor('orders with a backorder', () => watch.count('order/BackorderCreated') >= mix.backorder && shipments() >= mix.backorder);
  // 3. two waybills each
  wms.faults.set({ partialShipments: true });
  const beforePartial = shipments();
  await place(mix.partial, 'partial', () => Math.floor((shipments() - beforePartial) / 2));
  await waitFor('orders in two waybills', () => shipments() >= beforePartial + 2 * mix.partial);
  // 4. the rest, as a warehouse ships them
  wms.faults.set({});
  const beforeNormal = shipments();
  await place(mix.normal, 'normal', () => shipments() - beforeNormal);
  const expected = mix.backorder + 2 * mix.partial + mix.normal;
  await waitFor('every order shipped and handed off', () => shipments() >= expected && watch.count('shipment/PushSucceeded') >= expected);
  const seconds = secondsSince(started);
  const counts = Object.fromEntries([...watch.refresh()].sort(([a], [b]) => a.localeCompare(b)));
  const events = watch.total();
  watch.close();
  const sampleN = next - 1 - Math.floor(mix.normal / 2);
  return { url: hub.url, orders: next - 1, mix, events, seconds, sample: orderNoOf(sampleN), sampleN, counts, copies: null };
};

// =====================================================================================
// the driver
// =====================================================================================

type Child = Readonly<{ seeded: Seeded; stop: () => Promise<void> }>;
const children = new Set<ChildProcess>();

const startSeededHub = async (dataDir: string, orders: number, templates: number, label: string): Promise<Child> => {
  const env = quietHubEnv(dataDir, 0);
  const child = fork(fileURLToPath(import.meta.url), ['hub'], {
    env: { ...process.env, BENCH_HUB_ENV: JSON.stringify(env), BENCH_SEED_ORDERS: String(orders), BENCH_SEED_TEMPLATES: String(templates) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  void exited.then(() => children.delete(child));
  const seeded = await new Promise<Seeded>((done, fail) => {
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'progress') console.log(`  [${label}] ${message.line}`);
      else if (message.type === 'failed') fail(new Error(`${label}: ${message.error}`));
      else done(message.seeded);
    });
    child.once('exit', (code) => fail(new Error(`${label}: the hub process exited (${String(code)}) before its store was seeded`)));
  });
  return {
    seeded,
    stop: async () => {
      if (child.exitCode === null) child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
};

const getJson = async (url: string): Promise<{ status: number; data: unknown; text: string }> => {
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, data: (JSON.parse(text) as { data?: unknown }).data, text };
};

/**
 * Every projection caught up (/health's projectionLag all 0) and the hub quiet: the store's head and
 * every reaction's position (/metrics) the same as at the poll before (a reaction that follows one
 * category rests at that category's last event, not at the head, so "equal to the head" cannot be asked).
 */
const settledProbe = (url: string): (() => Promise<boolean>) => {
  let before = '';
  return async () => {
    const health = await getJson(`${url}/health`);
    const lags = Object.values((health.data as { projectionLag?: Record<string, number> } | undefined)?.projectionLag ?? { unknown: 1 });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const head = /^oms_store_position (\d+)/m.exec(metrics)?.[1];
    const positions = [...metrics.matchAll(/^oms_reaction_position\{reaction="([^"]+)"\} (\d+)/gm)].map((m) => `${m[1]}=${m[2]}`);
    const now = `${head ?? '?'} ${positions.join(' ')}`;
    const quiet = head !== undefined && positions.length > 0 && now === before;
    before = now;
    return quiet && lags.every((n) => n === 0);
  };
};

// ---- the pages ----

type PageSpec = Readonly<{
  key: string;
  label: string;
  hash: string;
  /** a JS expression, true in the page once its content is shown */
  shown: string;
  /** the Playwright check once it is */
  check: (page: Page) => Promise<boolean>;
}>;

const pagesOf = (orderNo: string, waybillNo: string): PageSpec[] => [
  {
    key: 'queue',
    label: 'needs a person #/queue',
    hash: '#/queue',
    shown: `/waiting, oldest first/.test(document.querySelector('main table caption')?.textContent ?? '')`,
    check: (page) => page.getByRole('table').locator('caption').filter({ hasText: 'waiting, oldest first' }).isVisible(),
  },
  {
    key: 'order',
    label: `order #/orders/${orderNo}`,
    hash: `#/orders/${encodeURIComponent(orderNo)}`,
    shown: `(document.querySelector('.status')?.textContent ?? '') !== '' && [...document.querySelectorAll('main table caption')].some((c) => c.textContent === 'Shipments') && document.querySelectorAll('ol.timeline li').length > 0`,
    check: (page) => page.getByRole('table', { name: 'Shipments' }).getByRole('rowheader', { name: waybillNo }).isVisible(),
  },
  {
    key: 'search-waybill',
    label: `search a waybill #/search?q=${waybillNo}`,
    hash: `#/search?q=${encodeURIComponent(waybillNo)}`,
    shown: `/^1 orders/.test(document.querySelector('main table caption')?.textContent ?? '')`,
    check: (page) => page.getByRole('link', { name: orderNo }).isVisible(),
  },
  {
    key: 'search-status',
    label: 'search by status #/search?status=SHIPPED',
    hash: '#/search?status=SHIPPED',
    shown: `/orders, newest first/.test(document.querySelector('main table caption')?.textContent ?? '')`,
    check: async (page) => (await page.getByRole('row').count()) > 1,
  },
  {
    key: 'stock',
    label: 'stock #/stock',
    hash: '#/stock',
    shown: `/\\d+ SKUs/.test(document.querySelector('main table caption')?.textContent ?? '')`,
    check: (page) => page.getByRole('row', { name: /WH001.*SKU-01/ }).isVisible(),
  },
  {
    key: 'reports',
    label: 'reports #/reports (4 charts)',
    hash: '#/reports',
    shown: `(() => { const canvases = [...document.querySelectorAll('main canvas')]; return canvases.length === 4 && canvases.every((c) => window.Chart?.getChart(c) !== undefined); })()`,
    check: (page) => page.getByRole('img', { name: 'Orders by status, per warehouse' }).isVisible(),
  },
];

type Load = Readonly<{
  /** navigation start → the first frame showing the content */
  shownMs: number;
  /** navigation start → the first API call of the page's own (after the shell and /api/oms/me) */
  firstApiMs: number | null;
  slowestApi: Readonly<{ path: string; ms: number }> | null;
  apis: readonly string[];
}>;

/** In the page: the first frame (requestAnimationFrame) where `shown` holds, its time; or an error the page shows. */
const watchScript = (shown: string): string => `new Promise((resolve) => {
  const look = () => {
    if (${shown}) return resolve({ at: performance.now() });
    const problem = document.querySelector('[role=alert]');
    if (problem !== null) return resolve({ error: problem.textContent });
    requestAnimationFrame(look);
  };
  look();
})`;

const timingsScript = `performance.getEntriesByType('resource')
  .filter((e) => e.name.includes('/api/oms/') && !e.name.includes('/api/oms/live'))
  .map((e) => ({ url: e.name, start: e.startTime, ms: e.duration }))`;

const loadOnce = async (page: Page, url: string, spec: PageSpec): Promise<Load> => {
  await page.goto('about:blank');
  await page.goto(url, { waitUntil: 'commit', timeout: PAGE_TIMEOUT_S * 1000 });
  // a string is evaluated as it is (over CDP: the page's Content-Security-Policy, which forbids eval, does not apply), its promise awaited
  const outcome = (await page.evaluate(watchScript(spec.shown))) as { at?: number; error?: string };
  if (outcome.error !== undefined) throw new Error(`${spec.label}: the page shows an error: ${outcome.error}`);
  if (outcome.at === undefined) throw new Error(`${spec.label}: not shown`);
  if (!(await spec.check(page))) throw new Error(`${spec.label}: shown, but the locator check failed`);
  const entries = (await page.evaluate(timingsScript)) as { url: string; start: number; ms: number }[];
  const own = entries.filter((e) => !e.url.includes('/api/oms/me'));
  const slowest = own.reduce<{ url: string; ms: number } | null>((worst, e) => (worst === null || e.ms > worst.ms ? e : worst), null);
  return {
    shownMs: outcome.at,
    firstApiMs: own.length === 0 ? null : Math.min(...own.map((e) => e.start)),
    slowestApi: slowest === null ? null : { path: new URL(slowest.url).pathname, ms: slowest.ms },
    apis: entries.map((e) => e.url),
  };
};

type PageFigures = Readonly<{ spec: PageSpec; cold: Load; warm: readonly Load[] }>;

const measurePages = async (browser: Browser, url: string, specs: readonly PageSpec[]): Promise<PageFigures[]> => {
  const figures: PageFigures[] = [];
  for (const spec of specs) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(PAGE_TIMEOUT_S * 1000);
      // what the page says went wrong, for the message when it does not load
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
          problems.push(`console: ${message.text()}`);
      });
      const target = `${url}/console/${spec.hash}`;
      const timed = async (what: string): Promise<Load> => {
        let timer: NodeJS.Timeout | undefined;
        try {
          return await Promise.race([
            loadOnce(page, target, spec),
            new Promise<never>((_, fail) => {
              timer = setTimeout(
                () =>
                  fail(
                    new Error(
                      `${spec.label}: ${what} load not shown within BENCH_PAGE_TIMEOUT=${PAGE_TIMEOUT_S} s${problems.length === 0 ? '' : `; the page said:\n  ${[...new Set(problems)].join('\n  ')}`}`,
                    ),
                  ),
                PAGE_TIMEOUT_S * 1000,
              );
            }),
          ]);
        } finally {
          clearTimeout(timer);
        }
      };
      const cold = await timed('cold');
      const warm: Load[] = [];
      for (let n = 0; n < LOADS; n += 1) warm.push(await timed(`warm #${n + 1}`));
      figures.push({ spec, cold, warm });
    } finally {
      await context.close();
    }
  }
  return figures;
};

/** Each API call the pages made, from this process: the first and the median of LOADS more (ms), and the answer's size. */
const measureApis = async (
  url: string,
  calls: readonly string[],
): Promise<Map<string, { first: number; median: number; bytes: number }>> => {
  const figures = new Map<string, { first: number; median: number; bytes: number }>();
  for (const call of calls) {
    const target = `${url}${call}`;
    const times: number[] = [];
    let bytes = 0;
    for (let n = 0; n <= LOADS; n += 1) {
      const started = performance.now();
      const response = await fetch(target, { headers: { accept: 'application/json' } });
      bytes = (await response.arrayBuffer()).byteLength;
      times.push(performance.now() - started);
      if (!response.ok) throw new Error(`GET ${call}: ${response.status}`);
    }
    figures.set(call, { first: times[0] ?? NaN, median: median(times.slice(1)), bytes });
  }
  return figures;
};

type StoreRun = Readonly<{
  /** open alerts by kind, after seeding */
  alerts: Readonly<Record<string, number>>;
  label: string;
  seeded: Seeded;
  caughtUpS: number;
  pages: PageFigures[];
  apis: Map<string, { first: number; median: number; bytes: number }>;
}>;

const runStore = async (browser: Browser, directory: string, label: string, orders: number): Promise<StoreRun> => {
  const dataDir = join(directory, label);
  console.log(`${label}: seeding ${orders} orders…`);
  const hub = await startSeededHub(dataDir, orders, label === 'baseline' ? orders : TEMPLATES, label);
  try {
    const { seeded } = hub;
    const caughtUp = await until(settledProbe(seeded.url), SEED_TIMEOUT_S, 250);
    if (!caughtUp.held) throw new Error(`${label}: the projections or reactions did not catch up within ${SEED_TIMEOUT_S} s`);
    // an event the hub cannot read becomes an ANOMALY alert; the seeding makes no anomaly of its own
    const alerts = Object.fromEntries(
      [...(await (await fetch(`${seeded.url}/metrics`)).text()).matchAll(/^oms_alerts_open\{kind="([^"]+)"\} (\d+)/gm)].map((m) => [
        m[1],
        Number(m[2]),
      ]),
    );
    if ((alerts.ANOMALY ?? 0) > 0)
      throw new Error(`${label}: ${alerts.ANOMALY} ANOMALY alerts after seeding (an event that does not decode?): see /api/oms/alerts`);
    const order = await getJson(`${seeded.url}/api/oms/orders/${seeded.sample}`);
    const waybillNo = (order.data as { shipments?: { waybillNo: string }[] } | undefined)?.shipments?.[0]?.waybillNo;
    if (waybillNo === undefined) throw new Error(`${label}: order ${seeded.sample} has no shipment: ${order.text.slice(0, 300)}`);
    console.log(
      `${label}: ${seeded.orders} orders, ${seeded.events} events seeded in ${seedingSeconds(seeded).toFixed(1)} s` +
        (seeded.copies === null
          ? ''
          : ` (lives ${seeded.seconds.toFixed(1)} s, copies ${seeded.copies.seconds.toFixed(1)} s, the hub's restart on them ${seeded.copies.restartSeconds.toFixed(1)} s)`) +
        `; projections caught up and the hub quiet ${caughtUp.seconds.toFixed(1)} s later; measuring the pages…`,
    );
    const pages = await measurePages(browser, seeded.url, pagesOf(seeded.sample, waybillNo));
    const calls = [
      ...new Set(
        pages
          .flatMap((p) => [p.cold, ...p.warm].flatMap((load) => load.apis))
          .map((u) => new URL(u))
          .map((u) => u.pathname + u.search),
      ),
    ];
    // keyed with the sample's numbers as placeholders, to be compared with the baseline's
    const apis = new Map(
      [...(await measureApis(seeded.url, calls))].map(([call, figures]) => [
        call.replaceAll(seeded.sample, '{orderNo}').replaceAll(encodeURIComponent(waybillNo), '{waybill}'),
        figures,
      ]),
    );
    if (KEEP !== undefined && label !== 'baseline') {
      await hub.stop();
      cpSync(dataDir, KEEP, { recursive: true });
      console.log(`${label}: its data directory kept in ${KEEP}`);
    }
    return { label, seeded, caughtUpS: caughtUp.seconds, pages, apis, alerts };
  } finally {
    await hub.stop();
  }
};

const drive = async (): Promise<void> => {
  if (!existsSync(CHROMIUM)) {
    console.log(`bench:console skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
    return;
  }
  const runStarted = performance.now();
  const directory = mkdtempSync(join(tmpdir(), 'hub-bench-console-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const baseline = await runStore(browser, directory, 'baseline', BASELINE_ORDERS);
    const large = await runStore(browser, directory, 'large', ORDERS);

    const rows = large.pages.map((figures) => {
      const base = baseline.pages.find((p) => p.spec.key === figures.spec.key);
      const warm = median(figures.warm.map((l) => l.shownMs));
      const baseWarm = base === undefined ? NaN : median(base.warm.map((l) => l.shownMs));
      const slowest = figures.warm.map((l) => l.slowestApi).filter((s) => s !== null);
      const worst = Math.max(figures.cold.shownMs, warm);
      return {
        page: figures.spec.label,
        'cold ms': round(figures.cold.shownMs),
        'warm ms (median)': round(warm),
        'warm min–max': `${round(Math.min(...figures.warm.map((l) => l.shownMs)))}–${round(Math.max(...figures.warm.map((l) => l.shownMs)))}`,
        'first API call at ms': round(median(figures.warm.map((l) => l.firstApiMs ?? NaN))),
        'slowest API call ms':
          slowest.length === 0 ? '' : `${round(median(slowest.map((s) => s.ms)))} ${mostOften(slowest.map((s) => s.path))}`,
        'baseline cold / warm ms': base === undefined ? '' : `${round(base.cold.shownMs)} / ${round(baseWarm)}`,
        'warm ratio': `${(warm / baseWarm).toFixed(1)}×`,
        verdict: worst < BUDGET_MS ? 'met' : `MISSED by ${round(worst - BUDGET_MS)} ms`,
      };
    });
    const apiRows = [...large.apis].map(([call, figures]) => {
      const base = baseline.apis.get(call);
      return {
        'GET (from node)': call.length > 110 ? `${call.slice(0, 107)}…` : call,
        'first ms': round(figures.first),
        'median ms': round(figures.median),
        bytes: figures.bytes,
        'baseline median ms': base === undefined ? '' : round(base.median),
      };
    });

    console.log(
      `\nConsole pages in headless Chromium (${CHROMIUM}), node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}); ` +
        `the hub in a child (SQLite NORMAL, sandbox auto, delay 0, open: no credentials), on a store of ${large.seeded.orders} orders ` +
        `(${large.seeded.events} events) against a baseline of ${baseline.seeded.orders} orders (${baseline.seeded.events} events), measured the same way in the same run. ` +
        `Time: navigation start → the first frame showing the page's content; cold: first load in a fresh context, warm: median of ${LOADS} more. Budget ${BUDGET_MS} ms per page.`,
    );
    console.table(rows);
    console.log(
      "(a page's API calls go out together and the hub answers them on one thread: the slowest one in the browser may be one that waited behind another; the table below tells them apart)",
    );
    console.log('the API calls the pages made, timed from node one at a time (first call, then the median of the next ones):');
    console.table(apiRows);
    const { mix, copies } = large.seeded;
    const livedOrders = copies === null ? large.seeded.orders : TEMPLATES;
    const livedEvents = large.seeded.events - (copies?.events ?? 0);
    const seedingS = seedingSeconds(large.seeded) + large.caughtUpS;
    console.log(
      `- seeding the large store took ${seedingS.toFixed(1)} s in all: ${livedOrders} orders (${mix.manual} waiting for a person, ${mix.backorder} with a backorder, ` +
        `${mix.partial} in two waybills, ${mix.normal} shipped whole) placed through placeOrder and taken through the hub's reactions and the sandbox ` +
        `in ${large.seeded.seconds.toFixed(1)} s (${round(livedOrders / large.seeded.seconds)} orders/s, ${livedEvents} events)` +
        (copies === null
          ? ''
          : `; ${large.seeded.orders - livedOrders} orders copied from their lives (order n a copy of order ((n-1) mod ${TEMPLATES})+1, BENCH_TEMPLATES): ${copies.events} events ` +
            `appended through the store's append in ${copies.seconds.toFixed(1)} s (${round(copies.events / copies.seconds)} events/s; the first round of copies, ` +
            `${copies.decodedFirst} events, decoded by the hub's decoder first), instants moved back by up to 29 days; the hub restarted on the store in ` +
            `${copies.restartSeconds.toFixed(1)} s (its projections following the copies)` +
            (copies.leftOut === 0 ? '' : `; ${copies.leftOut} events of no template's flow not copied`)) +
        `; then projections caught up and the hub quiet ${large.caughtUpS.toFixed(1)} s later`,
    );
    console.log(
      `- events of the lives: ${Object.entries(large.seeded.counts)
        .map(([key, n]) => `${key} ${n}`)
        .join(', ')}`,
    );
    console.log(
      `- open alerts of the large store: ${Object.entries(large.alerts)
        .map(([kind, n]) => `${kind} ${n}`)
        .join(', ')}`,
    );
    const met = rows.filter((r) => r.verdict === 'met').length;
    console.log(`- ${met} of ${rows.length} pages within the ${BUDGET_MS} ms budget (cold and warm) on ${large.seeded.orders} orders`);
    console.log(`run took ${secondsSince(runStarted).toFixed(1)} s`);
    if (SMOKE) console.log('smoke size (BENCH_SMOKE=1): a check that every page loads, not a measurement');
    console.log(
      `reproduce: ${SMOKE ? 'BENCH_SMOKE=1 ' : ''}npm run bench:console   (knobs: BENCH_ORDERS=${ORDERS} BENCH_TEMPLATES=${TEMPLATES} BENCH_BASELINE_ORDERS=${BASELINE_ORDERS} BENCH_LOADS=${LOADS} BENCH_WINDOW=${WINDOW} BENCH_CONCURRENCY=${CONCURRENCY} BENCH_SEED_TIMEOUT=${SEED_TIMEOUT_S} BENCH_PAGE_TIMEOUT=${PAGE_TIMEOUT_S} BENCH_KEEP=<dir> CHROMIUM_PATH=${CHROMIUM})`,
    );
  } finally {
    await browser.close();
    for (const child of children) child.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  }
};

const role = process.argv[2];
if (role === 'hub') await serveHub();
else
  await drive().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
