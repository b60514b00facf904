/**
 * PostgreSQL stopped (the fast way: sessions cut, open transactions rolled back) and started again
 * under a running hub. This file starts a PostgreSQL of its own (the run's shared server must not
 * be restarted: other files use it), in its own directory and on a free port
 * (test/support/postgres-server.ts, `restartable`).
 *
 * 1. The store alone, in this process: appends under way when the server stops each succeed or
 *    fail with StoreUnavailable (no other error, no crash of the process), reads fail the same way
 *    while it is down, and a subscription rides the outage out and, once the server is back, has
 *    delivered every stored event exactly once.
 * 2. A hub (HUB_ROLE=all on EVENT_STORE=postgres) and the sandbox as child processes: orders ship;
 *    the server stops; a request meanwhile is answered 503 at once (not a hang, not a 500); the
 *    hub's leases run out (it cannot renew them); the server starts again; the hub takes its work
 *    up again and more orders ship; every order created in the WMS once and handed off once; the
 *    hub process never exits.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { StoredEvent } from '../../src/application/ports/event-store.ts';
import { StoreUnavailable } from '../../src/application/ports/store-unavailable.ts';
import { PostgresEventStore } from '../../src/adapters/event-store/postgres/postgres-event-store.ts';
import { type RestartablePostgresServer, freshDatabase, startPostgres } from '../support/postgres-server.ts';
import { HubProcesses, ended, getJson, saysSoon } from '../support/hub-processes.ts';
import { freePort } from '../support/free-port.ts';
import { waitFor } from '../support/test-hub.ts';
import { anOrder } from './e2e-fixtures.ts';

let server: RestartablePostgresServer;
const processes = new HubProcesses();

beforeAll(async () => {
  server = await startPostgres({ restartable: true });
}, 60_000);

afterAll(async () => {
  await processes.stopAll();
  await server?.stop();
});

/** `server` halted, `during()` run, and the server started again (even when `during` fails). */
const outage = async <T>(during: () => Promise<T>): Promise<T> => {
  await server.halt();
  try {
    return await during();
  } finally {
    await server.resume();
  }
};

const anEvent = (id: string) => ({
  id,
  type: 'Tested',
  data: { id },
  metadata: { correlationId: id, causationId: id, recordedAt: new Date().toISOString() },
});

test('the store alone: appends under way when PostgreSQL stops succeed or fail with StoreUnavailable; a subscription delivers every stored event once after the restart', async () => {
  const store = PostgresEventStore.connect(await freshDatabase(server.url, 'outage'), { safetyPollMs: 200 });
  await store.opened();
  const delivered: StoredEvent[] = [];
  const subscription = store.subscribe({ onEvent: (event) => void delivered.push(event) });
  const stored = new Set<string>();
  const failures: unknown[] = [];
  let writing = true;
  let n = 0;
  // 8 writers, each appending to streams of its own one event at a time, until told to stop
  const writer = async (w: number): Promise<void> => {
    while (writing) {
      n += 1;
      const id = `e-${w}-${n}`;
      try {
        await store.append(`test-${w}-${n % 5}`, [anEvent(id)], 'any');
        stored.add(id);
      } catch (error) {
        failures.push(error);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  };
  try {
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    await waitFor('some appends', async () => stored.size >= 50);
    await outage(async () => {
      await waitFor('appends refused while the server is down', async () => failures.length >= 20);
      await expect(store.readAll()).rejects.toBeInstanceOf(StoreUnavailable);
      await expect(store.readStream('test-0-0')).rejects.toBeInstanceOf(StoreUnavailable);
    });
    const storedBefore = stored.size;
    await waitFor('appends stored again after the restart', async () => stored.size >= storedBefore + 50, 20_000);
    writing = false;
    await Promise.all(writers);

    for (const failure of failures) expect(failure).toBeInstanceOf(StoreUnavailable);
    const all = await store.readAll();
    const inStore = new Set(all.map((event) => event.id));
    for (const id of stored) expect(inStore.has(id), `${id} was appended`).toBe(true);
    await waitFor('the subscription to deliver every stored event', async () => delivered.length >= all.length, 20_000);
    expect(delivered.map((event) => event.id)).toEqual(all.map((event) => event.id));
  } finally {
    writing = false;
    await subscription.stop();
    await store.close();
  }
}, 60_000);

const SHIP_TIMEOUT_MS = 30_000;

test('a hub on PostgreSQL: PostgreSQL stopped and started again; requests meanwhile answered 503; the hub carries on, every order created in the WMS once', async () => {
  const databaseUrl = await freshDatabase(server.url, 'restart');
  const hubPort = await freePort();
  const hubUrl = `http://127.0.0.1:${hubPort}`;
  const sandbox = await processes.sandbox(hubUrl);
  const hub = await processes.hub({
    EVENT_STORE: 'postgres',
    DATABASE_URL: databaseUrl,
    HUB_ROLE: 'all',
    WMS_URL: sandbox.wmsUrl,
    TMS_URL: sandbox.tmsUrl,
    OMS_DATA_DIR: processes.dataDir('pg-restart-'),
    PORT: String(hubPort),
    DEMO_STOCK: 'true',
    LEASE_TTL_MS: '9000',
    RETRY_BASE_DELAY_MS: '200',
    RETRY_MAX_DELAY_MS: '1000',
    RETRY_TICK_MS: '100',
    LOG_LEVEL: 'info',
  });

  const post = (orderNo: string) =>
    fetch(`${hubUrl}/api/oms/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(anOrder(orderNo, { items: [{ sku: 'SKU001', quantity: 1 }] })),
      signal: AbortSignal.timeout(10_000), // a hang fails the test
    });
  const placeOrders = async (orderNos: readonly string[]) => {
    for (const orderNo of orderNos) {
      const response = await post(orderNo);
      expect(response.status, await response.text()).toBe(201);
    }
  };
  /** Every order SHIPPED, created in the WMS once, handed to the carrier once. */
  const shippedOnce = async (orderNos: readonly string[]) => {
    await waitFor(
      `${orderNos.length} orders shipped and handed off`,
      async () => {
        const statuses = await Promise.all(orderNos.map(async (orderNo) => (await getJson(`${hubUrl}/api/oms/orders/${orderNo}`))?.status));
        if (!statuses.every((status) => status === 'SHIPPED')) return false;
        const handedOff = new Set(
          (await getJson(`${sandbox.tmsUrl}/sandbox/shipments`)).shipments.map((s: { orderNo: string }) => s.orderNo),
        );
        return orderNos.every((orderNo) => handedOff.has(orderNo));
      },
      SHIP_TIMEOUT_MS,
    );
    const { createCalls } = (await getJson(`${sandbox.wmsUrl}/sandbox/orders`)) as { createCalls: Record<string, number> };
    const shipments = (await getJson(`${sandbox.tmsUrl}/sandbox/shipments`)).shipments as { orderNo: string; pushes: number }[];
    for (const orderNo of orderNos) {
      expect(createCalls[orderNo], `WMS create calls of ${orderNo}`).toBe(1);
      expect(
        shipments.filter((shipment) => shipment.orderNo === orderNo).map((shipment) => shipment.pushes),
        `TMS pushes of ${orderNo}`,
      ).toEqual([1]);
    }
  };

  const before = Array.from({ length: 10 }, (_, i) => `PGR-A${i + 1}`);
  await placeOrders(before);
  await shippedOnce(before);
  await saysSoon(hub.child, /"msg":"holding push-outbound-when-reserved"/);

  const saidBefore = hub.child.said().length;
  const saidSince = () => hub.child.said().slice(saidBefore);
  await outage(async () => {
    const asked = performance.now();
    const refused = await post('PGR-DURING');
    expect(refused.status, await refused.text()).toBe(503);
    expect(performance.now() - asked).toBeLessThan(5_000);
    expect((await fetch(`${hubUrl}/api/oms/orders/${before[0]}`)).status).toBe(503);
    expect((await fetch(`${hubUrl}/health`)).status).toBe(503);
    // the hub cannot renew its leases: once they have run out (LEASE_TTL_MS, longer than the store's 5 s safety-net read,
    // so that every follower of the store has tried to read meanwhile) it stops their work
    await waitFor(
      'the hub to let its leases go',
      async () => /no longer holding push-outbound-when-reserved \(expired\)/.test(saidSince()),
      15_000,
    );
  });
  await waitFor('the hub to hold its work again', async () => /"msg":"holding push-outbound-when-reserved"/.test(saidSince()), 15_000);

  const after = Array.from({ length: 10 }, (_, i) => `PGR-B${i + 1}`);
  await placeOrders(after);
  await shippedOnce([...before, ...after]);
  expect((await fetch(`${hubUrl}/api/oms/orders/PGR-DURING`)).status).toBe(404);
  expect(ended(hub.child), hub.child.said()).toBe(false);
  expect(processes.crashed(), 'a child process ended by itself').toEqual([]);
}, 90_000);
