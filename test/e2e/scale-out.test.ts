/**
 * Several hub processes on one PostgreSQL (the run's embedded server, a database of this file's
 * own), each a real child process: the sandbox WMS/TMS (`src/main/sandbox-start.ts`), one
 * HUB_ROLE=api hub that takes the orders and the warehouse's callbacks, and two HUB_ROLE=worker
 * hubs that share the reactions by their leases. Every order ships, pushed to the WMS and handed
 * to the carrier exactly once each; then the worker holding the push is killed (SIGKILL: no
 * release, its leases run out), and the other one takes the work over within the lease's time to
 * live and a margin.
 *
 * Stock: only the api process receives the demo stock (DEMO_STOCK=true, idempotent by its
 * reference); the workers start with DEMO_STOCK=false and read it from the shared store, as they
 * read everything else.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { waitFor } from '../support/test-hub.ts';
import { testDatabase } from '../support/test-database.ts';
import { anOrder } from './e2e-fixtures.ts';
import { freePort } from '../support/free-port.ts';

const LEASE_TTL_MS = 1_000;
const PUSH = 'push-outbound-when-reserved';
const HAND_OFF = 'hand-off-when-shipment-registered';

type Child = Readonly<{ process: ChildProcess; said: () => string }>;
const children: Child[] = [];
const dataDirs: string[] = [];

/** A child process of `script`; what it says (stdout and stderr) is kept, to show when a test fails. */
const child = (script: string, env: Record<string, string>): Child => {
  const process_ = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  process_.stdout?.on('data', (chunk) => (text += String(chunk)));
  process_.stderr?.on('data', (chunk) => (text += String(chunk)));
  const started = { process: process_, said: () => text };
  children.push(started);
  return started;
};

/** Waits until the child has said something matching `pattern` (bounded); the match. */
const saysSoon = (started: Child, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> =>
  waitFor(
    `a child to say ${pattern}`,
    async () => {
      if (started.process.exitCode !== null) throw new Error(`the child exited (${started.process.exitCode}):\n${started.said()}`);
      return pattern.exec(started.said()) ?? undefined;
    },
    timeoutMs,
  );

let databaseUrl: string;
let wmsUrl: string;
let tmsUrl: string;
let apiUrl: string;
const workers: { child: Child; url: string }[] = [];

const hubEnv = (role: string): Record<string, string> => {
  const dataDir = mkdtempSync(join(tmpdir(), `scale-out-${role}-`));
  dataDirs.push(dataDir);
  return {
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
  };
};

const startWorker = async (): Promise<void> => {
  const started = child('src/main/start.ts', { ...hubEnv('worker'), PORT: '0', DEMO_STOCK: 'false' });
  const [, url] = await saysSoon(started, /listening on (http:\/\/\S+)/);
  workers.push({ child: started, url: url ?? '' });
};

const getJson = async (url: string): Promise<any> => {
  const response = await fetch(url);
  const body = (await response.json()) as { data: any };
  return body.data;
};

const placeOrders = async (orderNos: readonly string[]): Promise<void> => {
  for (const orderNo of orderNos) {
    const response = await fetch(`${apiUrl}/api/oms/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(anOrder(orderNo, { items: [{ sku: 'SKU001', quantity: 1 }] })),
    });
    expect(response.status, await response.text()).toBe(201);
  }
};

const statusOf = async (orderNo: string): Promise<string | undefined> => (await getJson(`${apiUrl}/api/oms/orders/${orderNo}`))?.status;

/** Every order SHIPPED, pushed to the WMS once, handed to the carrier once. */
const allShippedOnce = async (orderNos: readonly string[], timeoutMs: number): Promise<void> => {
  await waitFor(
    `${orderNos.length} orders to ship and be handed off`,
    async () => {
      const statuses = await Promise.all(orderNos.map(statusOf));
      if (!statuses.every((status) => status === 'SHIPPED')) return false;
      const shipments: { orderNo: string }[] = (await getJson(`${tmsUrl}/sandbox/shipments`)).shipments;
      const handedOff = new Set(shipments.map((shipment) => shipment.orderNo));
      return orderNos.every((orderNo) => handedOff.has(orderNo));
    },
    timeoutMs,
  );
  const { createCalls } = (await getJson(`${wmsUrl}/sandbox/orders`)) as { createCalls: Record<string, number> };
  const shipments = (await getJson(`${tmsUrl}/sandbox/shipments`)).shipments as { orderNo: string; pushes: number }[];
  for (const orderNo of orderNos) {
    expect(createCalls[orderNo], `WMS create calls of ${orderNo}`).toBe(1);
    const ofOrder = shipments.filter((shipment) => shipment.orderNo === orderNo);
    expect(
      ofOrder.map((shipment) => shipment.pushes),
      `TMS pushes of ${orderNo}`,
    ).toEqual([1]);
  }
};

/** Who holds each reaction, as each worker's /health says. */
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

beforeAll(async () => {
  databaseUrl = await testDatabase('scaleout');
  const apiPort = await freePort();
  const sandbox = child('src/main/sandbox-start.ts', {
    SANDBOX_HUB_URL: `http://127.0.0.1:${apiPort}`,
    SANDBOX_WMS_PORT: '0',
    SANDBOX_TMS_PORT: '0',
    SANDBOX_DELAY_MS: '0',
  });
  const [, wms, tms] = await saysSoon(sandbox, /WMS_URL=(\S+) TMS_URL=(\S+)/);
  wmsUrl = wms ?? '';
  tmsUrl = tms ?? '';
  const api = child('src/main/start.ts', { ...hubEnv('api'), PORT: String(apiPort), DEMO_STOCK: 'true' });
  const [, url] = await saysSoon(api, /listening on (http:\/\/\S+)/);
  apiUrl = url ?? '';
  await Promise.all([startWorker(), startWorker()]);
}, 60_000);

afterAll(async () => {
  for (const { process: started } of children) {
    if (started.exitCode !== null || started.signalCode !== null) continue;
    const exited = once(started, 'exit');
    started.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (started.exitCode === null && started.signalCode === null) started.kill('SIGKILL');
  }
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

test('two workers and an api on one PostgreSQL: each reaction held once, every order pushed and handed off once; a killed holder is taken over', async () => {
  const api = await getJson(`${apiUrl}/health`);
  expect(api).toMatchObject({ store: 'postgres', role: 'api', held: [] });
  expect(api.reactions[PUSH]).toMatchObject({ held: false });

  // every reaction has exactly one holder among the workers
  const before = await waitFor('every reaction held by one worker', async () => {
    const held = await holders();
    const names = Object.keys((await getJson(`${workers[0]?.url}/health`)).reactions);
    return names.every((name) => held[name]?.length === 1) ? held : undefined;
  });
  expect(before[PUSH]).toHaveLength(1);

  const first = Array.from({ length: 50 }, (_, i) => `SCALE-${String(i + 1).padStart(3, '0')}`);
  const placing = Date.now();
  await placeOrders(first);
  await allShippedOnce(first, 30_000);
  const shippedIn = Date.now() - placing;

  // kill -9 the worker that pushes to the WMS: it releases nothing, its leases must run out
  const holderIndex = before[PUSH]?.[0] ?? -1;
  const holder = workers[holderIndex];
  if (holder === undefined) throw new Error('no holder of the push');
  const killedAt = Date.now();
  holder.child.process.kill('SIGKILL');
  await once(holder.child.process, 'exit');

  const more = Array.from({ length: 10 }, (_, i) => `SCALE-K${String(i + 1).padStart(3, '0')}`);
  await placeOrders(more);
  // taken over within the time to live, a try interval (a third of it) and a margin for a loaded machine
  await allShippedOnce(more, LEASE_TTL_MS + 9_000);
  const takenOverIn = Date.now() - killedAt;

  const after = await holders();
  expect(after[PUSH]).toEqual([1 - holderIndex]);
  expect(after[HAND_OFF]).toEqual([1 - holderIndex]);
  // the first orders are still pushed once each: the survivor did not push them again
  await allShippedOnce(first, 1_000);
  console.info(`50 orders shipped in ${shippedIn} ms; after the kill, 10 more shipped within ${takenOverIn} ms of it`);
}, 60_000);
