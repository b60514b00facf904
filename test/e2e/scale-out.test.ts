/**
 * Several hub processes on one PostgreSQL (the run's embedded server, a database of this file's
 * own), each a real child process (test/support/hub-processes.ts): the sandbox WMS/TMS
 * (`src/main/sandbox-start.ts`), two HUB_ROLE=api hubs that take the orders (spread over both;
 * the sandbox calls the first one back), and two HUB_ROLE=worker hubs that share the reactions by
 * their leases. 500 orders ship, each pushed to the WMS once (the sandbox counts the calls),
 * deducted once and handed to the carrier once (counted in the store and by the sandbox TMS); then
 * the worker holding the push is killed (SIGKILL: no release, its leases run out), the other one
 * takes the work over within the lease's time to live and a margin, and 10 more orders ship, still
 * once each. `oms verify` (the CLI, on the PostgreSQL store and each API process's projections)
 * passes after the 500 and again after the kill.
 *
 * Stock: the first api process receives the demo stock (DEMO_STOCK=true, idempotent by its
 * reference) and an operator's count raises SKU001 in WH001 to 1,000; the sandbox's shelves are
 * raised as much. The other processes start with DEMO_STOCK=false and read it from the shared store.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { waitFor } from '../support/test-hub.ts';
import { testDatabase } from '../support/test-database.ts';
import { type Child, HubProcesses, getJson } from '../support/hub-processes.ts';
import { freePort } from '../support/free-port.ts';
import { anOrder } from './e2e-fixtures.ts';

const LEASE_TTL_MS = 1_000;
const ORDERS = 500;
const PUSH = 'push-outbound-when-reserved';
const HAND_OFF = 'hand-off-when-shipment-registered';
const OMS = resolve(import.meta.dirname, '../../bin/oms');

const processes = new HubProcesses();
let databaseUrl: string;
let db: pg.Client;
let wmsUrl: string;
let tmsUrl: string;
const apis: { url: string; dataDir: string }[] = [];
const workers: { child: Child; url: string }[] = [];

const hubEnv = (role: string, dataDir: string): Record<string, string> => ({
  EVENT_STORE: 'postgres',
  DATABASE_URL: databaseUrl,
  HUB_ROLE: role,
  WMS_URL: wmsUrl,
  TMS_URL: tmsUrl,
  OMS_DATA_DIR: dataDir,
  LEASE_TTL_MS: String(LEASE_TTL_MS),
  RETRY_BASE_DELAY_MS: '200',
  RETRY_MAX_DELAY_MS: '1000',
  RETRY_TICK_MS: '100',
});

const startApi = async (port: number, demoStock: boolean): Promise<void> => {
  const dataDir = processes.dataDir('scale-out-api-');
  const { url } = await processes.hub({ ...hubEnv('api', dataDir), PORT: String(port), DEMO_STOCK: String(demoStock) });
  apis.push({ url, dataDir });
};

const startWorker = async (): Promise<void> => {
  const { child, url } = await processes.hub({
    ...hubEnv('worker', processes.dataDir('scale-out-worker-')),
    PORT: '0',
    DEMO_STOCK: 'false',
  });
  workers.push({ child, url });
};

const post = async (url: string, body: unknown): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The orders placed 10 at a time, the n-th through API process n mod 2. */
const placeOrders = async (orderNos: readonly string[]): Promise<void> => {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < orderNos.length) {
      const n = next;
      next += 1;
      const orderNo = orderNos[n] ?? '';
      const response = await post(
        `${apis[n % apis.length]?.url}/api/oms/orders`,
        anOrder(orderNo, { items: [{ sku: 'SKU001', quantity: 1 }] }),
      );
      expect(response.status, await response.text()).toBe(201);
    }
  };
  await Promise.all(Array.from({ length: 10 }, lane));
};

/** Per order of `orderNos`: how many events of `type` in `category` name it, counted in the store by `orderOf` (an SQL expression). */
const countsInStore = async (category: string, type: string, orderOf: string): Promise<Map<string, number>> => {
  const result = await db.query<{ order_no: string; n: string }>(
    `SELECT ${orderOf} AS order_no, count(*)::text AS n FROM events WHERE category = $1 AND type = $2 GROUP BY 1`,
    [category, type],
  );
  return new Map(result.rows.map((row) => [row.order_no, Number(row.n)]));
};
const ORDER_OF_ORDER_STREAM = `substr(stream, 7)`; // order-<orderNo>
const ORDER_OF_DEDUCTION = `split_part(data->>'reservation', '/', 1)`; // <orderNo>/R<n>

/** Per order: hand-offs to the carrier recorded in the store (PushSucceeded of its shipments). */
const handOffsInStore = async (): Promise<Map<string, number>> => {
  const result = await db.query<{ order_no: string; n: string }>(
    `SELECT r.data->>'orderNo' AS order_no, count(*)::text AS n
       FROM events r JOIN events p ON p.stream = r.stream AND p.type = 'PushSucceeded'
      WHERE r.category = 'shipment' AND r.type = 'ShipmentRegistered' GROUP BY 1`,
  );
  return new Map(result.rows.map((row) => [row.order_no, Number(row.n)]));
};

/** Every order SHIPPED (in the store and as the API answers), pushed to the WMS once, deducted once, handed to the carrier once. */
const allShippedOnce = async (orderNos: readonly string[], timeoutMs: number): Promise<void> => {
  let progress = 'nothing read yet';
  await waitFor(
    `${orderNos.length} orders to ship, be deducted and be handed off`,
    async () => {
      const [shipped, deducted, handedOff] = await Promise.all([
        countsInStore('order', 'ShipmentRecorded', ORDER_OF_ORDER_STREAM),
        countsInStore('stock', 'StockDeducted', ORDER_OF_DEDUCTION),
        handOffsInStore(),
      ]);
      progress = `${orderNos.filter((orderNo) => shipped.has(orderNo)).length} shipped, ${orderNos.filter((orderNo) => deducted.has(orderNo)).length} deducted, ${orderNos.filter((orderNo) => handedOff.has(orderNo)).length} handed off`;
      return orderNos.every((orderNo) => shipped.has(orderNo) && deducted.has(orderNo) && handedOff.has(orderNo));
    },
    timeoutMs,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)} (${progress} of ${orderNos.length})`);
  });
  const [pushed, deducted, handedOff] = await Promise.all([
    countsInStore('order', 'PushSucceeded', ORDER_OF_ORDER_STREAM),
    countsInStore('stock', 'StockDeducted', ORDER_OF_DEDUCTION),
    handOffsInStore(),
  ]);
  const { createCalls } = (await getJson(`${wmsUrl}/sandbox/orders`)) as { createCalls: Record<string, number> };
  const shipments = (await getJson(`${tmsUrl}/sandbox/shipments`)).shipments as { orderNo: string; pushes: number }[];
  const pushesToCarrier = new Map<string, number[]>();
  for (const shipment of shipments)
    pushesToCarrier.set(shipment.orderNo, [...(pushesToCarrier.get(shipment.orderNo) ?? []), shipment.pushes]);
  const notOnce = orderNos.filter(
    (orderNo) =>
      createCalls[orderNo] !== 1 ||
      (pushed.get(orderNo) ?? 0) > 1 || // the push's success is not recorded when the warehouse's shipment came first
      deducted.get(orderNo) !== 1 ||
      handedOff.get(orderNo) !== 1 ||
      pushesToCarrier.get(orderNo)?.join() !== '1',
  );
  expect(
    notOnce.map((orderNo) => ({
      orderNo,
      wmsCreateCalls: createCalls[orderNo],
      pushedInStore: pushed.get(orderNo),
      deductedInStore: deducted.get(orderNo),
      handedOffInStore: handedOff.get(orderNo),
      tmsPushes: pushesToCarrier.get(orderNo),
    })),
  ).toEqual([]);
  // what the API processes answer, from their own projections
  await waitFor(
    'the API processes to show every order SHIPPED',
    async () => {
      const statuses = await Promise.all(
        orderNos.map(async (orderNo, n) => (await getJson(`${apis[n % apis.length]?.url}/api/oms/orders/${orderNo}`))?.status),
      );
      return statuses.every((status) => status === 'SHIPPED');
    },
    20_000,
  );
};

/** Who holds each reaction, as each live worker's /health says. */
const holders = async (): Promise<Record<string, number[]>> => {
  const held: Record<string, number[]> = {};
  await Promise.all(
    workers.map(async ({ child: worker, url }, index) => {
      if (worker.process.exitCode !== null || worker.process.signalCode !== null) return;
      const health = await getJson(`${url}/health`);
      for (const [name, reaction] of Object.entries(health.reactions as Record<string, { held: boolean }>))
        if (reaction.held) (held[name] ??= []).push(index);
    }),
  );
  return held;
};

type Run = Readonly<{ code: number; stdout: string; stderr: string; ms: number }>;
/** `oms verify` on the PostgreSQL store, with the projections of the API process `dataDir`. */
const omsVerify = (dataDir: string): Promise<Run> =>
  new Promise((done) => {
    const started = performance.now();
    const env = { PATH: process.env.PATH ?? '', EVENT_STORE: 'postgres', DATABASE_URL: databaseUrl, OMS_DATA_DIR: dataDir };
    execFile(OMS, ['verify'], { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({
        code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
        stdout,
        stderr,
        ms: performance.now() - started,
      });
    });
  });

/** `oms verify` passes against each API process's data directory; how long each took. */
const verifyPasses = async (): Promise<number[]> => {
  const took: number[] = [];
  for (const { dataDir } of apis) {
    const run = await omsVerify(dataDir);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/every stream intact/);
    expect(run.stdout).toMatch(/projections: identical to a rebuild/);
    took.push(Math.round(run.ms));
  }
  return took;
};

beforeAll(async () => {
  databaseUrl = await testDatabase('scaleout');
  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const apiPort = await freePort();
  const sandbox = await processes.sandbox(`http://127.0.0.1:${apiPort}`);
  wmsUrl = sandbox.wmsUrl;
  tmsUrl = sandbox.tmsUrl;
  await startApi(apiPort, true);
  await Promise.all([startApi(0, false), startWorker(), startWorker()]);
  // stock for every order: the hub's ledger by an operator's count, the sandbox's shelves by a find
  const counted = await post(`${apis[0]?.url}/api/oms/stock/adjustments`, {
    countId: 'scale-out',
    warehouseCode: 'WH001',
    sku: 'SKU001',
    countedOnHand: 1_000,
  });
  expect(counted.status, await counted.text()).toBe(200);
  const found = await post(`${wmsUrl}/sandbox/stock/WH001/SKU001/find`, { quantity: 900 });
  expect(found.status, await found.text()).toBe(200);
}, 90_000);

afterAll(async () => {
  await processes.stopAll();
  await db?.end();
});

test(`two api and two worker processes on one PostgreSQL: ${ORDERS} orders each pushed, deducted and handed off once; a killed holder is taken over; oms verify passes`, async () => {
  for (const api of apis) expect(await getJson(`${api.url}/health`)).toMatchObject({ store: 'postgres', role: 'api', held: [] });

  // every reaction has exactly one holder among the workers
  const before = await waitFor('every reaction held by one worker', async () => {
    const held = await holders();
    const names = Object.keys((await getJson(`${workers[0]?.url}/health`)).reactions);
    return names.every((name) => held[name]?.length === 1) ? held : undefined;
  });
  expect(before[PUSH]).toHaveLength(1);

  const first = Array.from({ length: ORDERS }, (_, i) => `SCALE-${String(i + 1).padStart(3, '0')}`);
  const placing = performance.now();
  await placeOrders(first);
  const placedIn = performance.now() - placing;
  await allShippedOnce(first, 300_000); // about 15 s on a quiet 2-core machine; minutes when it is shared
  const shippedIn = performance.now() - placing;
  const verifiedIn = await verifyPasses();

  // kill -9 the worker that pushes to the WMS: it releases nothing, its leases must run out
  const holderIndex = before[PUSH]?.[0] ?? -1;
  const holder = workers[holderIndex];
  if (holder === undefined) throw new Error('no holder of the push');
  const killedAt = performance.now();
  holder.child.process.kill('SIGKILL');
  await once(holder.child.process, 'exit');

  const more = Array.from({ length: 10 }, (_, i) => `SCALE-K${String(i + 1).padStart(3, '0')}`);
  await placeOrders(more);
  // taken over within the time to live, a try interval (a third of it) and a margin for a loaded machine
  await allShippedOnce(more, LEASE_TTL_MS + 9_000);
  const takenOverIn = performance.now() - killedAt;

  const after = await holders();
  expect(after[PUSH]).toEqual([1 - holderIndex]);
  expect(after[HAND_OFF]).toEqual([1 - holderIndex]);
  // the first orders are still pushed, deducted and handed off once each: the survivor did none of them again
  await allShippedOnce(first, 1_000);
  const verifiedAgainIn = await verifyPasses();
  expect(processes.crashed([holder.child]), 'a child process ended by itself').toEqual([]);
  console.info(
    `${ORDERS} orders placed over 2 API processes in ${Math.round(placedIn)} ms, all shipped, deducted and handed off within ${Math.round(shippedIn)} ms; ` +
      `oms verify ${verifiedIn.join(' + ')} ms; after the kill, 10 more shipped within ${Math.round(takenOverIn)} ms of it; oms verify again ${verifiedAgainIn.join(' + ')} ms`,
  );
}, 480_000);
