/**
 * A worker paused past its lease (SIGSTOP, as a long GC pause or a frozen machine would) and
 * resumed: it makes no call to the WMS or TMS after losing its leases, and saves no checkpoint.
 * Real child processes on one PostgreSQL (test/support/hub-processes.ts): the sandbox, one
 * HUB_ROLE=api hub and two workers (LEASE_TTL_MS=1000). Orders keep arriving while the worker that
 * holds the push is stopped mid-stream, so it is stopped with work in its hands; the other worker
 * takes the push over after the lease runs out; the stopped one is resumed, and more orders come.
 * Every order ships, created in the WMS once and handed to the carrier once; the resumed worker
 * says it no longer holds what it held. A claim the stopped worker had made before the pause runs
 * out after CALL_CLAIM_MS (3 s here) and is made again by the due retries, under the same attempt.
 */
import { once } from 'node:events';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Child, HubProcesses, getJson } from '../support/hub-processes.ts';
import { freePort } from '../support/free-port.ts';
import { testDatabase } from '../support/test-database.ts';
import { waitFor } from '../support/test-hub.ts';
import { anOrder } from './e2e-fixtures.ts';

const LEASE_TTL_MS = 1_000;
const PUSH = 'push-outbound-when-reserved';

const processes = new HubProcesses();
let api: string;
let wmsUrl: string;
let tmsUrl: string;
const workers: { child: Child; url: string }[] = [];

const post = async (url: string, body: unknown): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const place = async (orderNos: readonly string[]): Promise<void> => {
  for (const orderNo of orderNos) {
    const response = await post(`${api}/api/oms/orders`, anOrder(orderNo, { items: [{ sku: 'SKU001', quantity: 1 }] }));
    expect(response.status, await response.text()).toBe(201);
  }
};

/** Which of the workers asked (not a stopped one: it would not answer) holds the push, by their /health. */
const pushHolders = async (asked: readonly number[] = [0, 1]): Promise<number[]> => {
  const held: number[] = [];
  for (const index of asked) {
    const url = workers[index]?.url;
    const health = await getJson(`${url}/health`);
    if ((health.reactions as Record<string, { held: boolean }>)[PUSH]?.held === true) held.push(index);
  }
  return held;
};

/** Every order SHIPPED (as the API answers), created in the WMS once and handed to the carrier once (as the sandbox counts). */
const shippedOnceEach = async (orderNos: readonly string[], timeoutMs: number): Promise<void> => {
  await waitFor(
    `${orderNos.length} orders to ship and be handed off`,
    async () => {
      const shipments = (await getJson(`${tmsUrl}/sandbox/shipments`)).shipments as { orderNo: string }[];
      const handedOff = new Set(shipments.map((shipment) => shipment.orderNo));
      return orderNos.every((orderNo) => handedOff.has(orderNo));
    },
    timeoutMs,
  );
  const { createCalls } = (await getJson(`${wmsUrl}/sandbox/orders`)) as { createCalls: Record<string, number> };
  const shipments = (await getJson(`${tmsUrl}/sandbox/shipments`)).shipments as { orderNo: string; pushes: number }[];
  const pushes = new Map<string, number[]>();
  for (const shipment of shipments) pushes.set(shipment.orderNo, [...(pushes.get(shipment.orderNo) ?? []), shipment.pushes]);
  const notOnce = orderNos
    .filter((orderNo) => createCalls[orderNo] !== 1 || pushes.get(orderNo)?.join() !== '1')
    .map((orderNo) => ({ orderNo, wmsCreateCalls: createCalls[orderNo], tmsPushes: pushes.get(orderNo) }));
  expect(notOnce).toEqual([]);
  const statuses = await Promise.all(orderNos.map(async (orderNo) => (await getJson(`${api}/api/oms/orders/${orderNo}`))?.status));
  expect(new Set(statuses)).toEqual(new Set(['SHIPPED']));
};

beforeAll(async () => {
  const databaseUrl = await testDatabase('paused');
  const apiPort = await freePort();
  const sandbox = await processes.sandbox(`http://127.0.0.1:${apiPort}`);
  wmsUrl = sandbox.wmsUrl;
  tmsUrl = sandbox.tmsUrl;
  const env = (role: string, prefix: string): Record<string, string> => ({
    EVENT_STORE: 'postgres',
    DATABASE_URL: databaseUrl,
    HUB_ROLE: role,
    WMS_URL: wmsUrl,
    TMS_URL: tmsUrl,
    OMS_DATA_DIR: processes.dataDir(prefix),
    LEASE_TTL_MS: String(LEASE_TTL_MS),
    WMS_TIMEOUT_MS: '2000',
    TMS_TIMEOUT_MS: '2000',
    CALL_CLAIM_MS: '3000',
    RETRY_TICK_MS: '100',
    // the workers say when they take and lose a lease
    LOG_LEVEL: 'info',
  });
  api = (await processes.hub({ ...env('api', 'paused-api-'), PORT: String(apiPort), DEMO_STOCK: 'true' })).url;
  for (let n = 0; n < 2; n += 1) workers.push(await processes.hub({ ...env('worker', 'paused-worker-'), PORT: '0', DEMO_STOCK: 'false' }));
  const counted = await post(`${api}/api/oms/stock/adjustments`, {
    countId: 'paused',
    warehouseCode: 'WH001',
    sku: 'SKU001',
    countedOnHand: 500,
  });
  expect(counted.status, await counted.text()).toBe(200);
  const found = await post(`${wmsUrl}/sandbox/stock/WH001/SKU001/find`, { quantity: 400 });
  expect(found.status, await found.text()).toBe(200);
}, 90_000);

afterAll(async () => {
  for (const { child } of workers) if (child.process.signalCode === null && child.process.exitCode === null) child.process.kill('SIGCONT');
  await processes.stopAll();
});

test('a worker stopped past its lease and resumed calls neither the WMS nor the TMS again: every order created and handed off once', async () => {
  // the two workers share the leases (half each, give or take one); until they have settled, the push may still move
  await waitFor(
    'the leases to be shared out',
    async () => {
      const held = await Promise.all(workers.map(async ({ url }) => ((await getJson(`${url}/health`)).held as string[]).length));
      return Math.abs((held[0] ?? 0) - (held[1] ?? 0)) <= 1;
    },
    30_000,
  );
  const [holderIndex] = await waitFor('one worker to hold the push', async () => {
    const held = await pushHolders();
    return held.length === 1 ? held : undefined;
  });
  const paused = workers[holderIndex ?? -1];
  const other = 1 - (holderIndex ?? 0);
  if (paused === undefined) throw new Error('no holder of the push');

  const before = Array.from({ length: 10 }, (_, i) => `PAUSE-A${i + 1}`);
  await place(before);
  await shippedOnceEach(before, 30_000);

  // stopped while orders arrive: some reach it before the stop, the rest wait for the other worker
  const during = Array.from({ length: 20 }, (_, i) => `PAUSE-B${i + 1}`);
  const placing = place(during);
  await waitFor('the first orders of the burst to be accepted', async () => (await fetch(`${api}/api/oms/orders/PAUSE-B3`)).status === 200);
  paused.child.process.kill('SIGSTOP');
  await placing;
  await waitFor('the other worker to take the push over', async () => (await pushHolders([other])).join() === String(other), 15_000);
  await shippedOnceEach(during, 60_000);

  // resumed: its clock says its leases ran out long ago
  const saidBefore = paused.child.said().length;
  paused.child.process.kill('SIGCONT');
  await waitFor(
    'the resumed worker to give up the push',
    async () => /no longer holding push-outbound-when-reserved/.test(paused.child.said().slice(saidBefore)),
    15_000,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; it said:\n${paused.child.said().slice(saidBefore)}`);
  });
  const after = Array.from({ length: 10 }, (_, i) => `PAUSE-C${i + 1}`);
  await place(after);
  await shippedOnceEach([...before, ...during, ...after], 60_000);
  expect(processes.crashed(), 'a child process ended by itself').toEqual([]);
  expect(paused.child.process.exitCode).toBeNull();
  paused.child.process.kill('SIGTERM');
  await once(paused.child.process, 'exit');
}, 180_000);
