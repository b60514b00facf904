/**
 * Callers with roles (src/adapters/credentials/callers.ts): each route answers only the roles it
 * names (403 for any other caller, and nothing is applied), a warehouse reports only for its own
 * warehouse codes, and every event names the caller that caused it. Over real HTTP, a hub with a
 * credentials file and the sandbox calling back as its warehouse caller, signed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestHub, startTestHub, waitFor } from '../../support/test-hub.ts';
import { anOrder } from '../../e2e/e2e-fixtures.ts';
import { type Who, credentialsEnv, headersOf, ids, keys, writeCredentials } from '../../support/credentials.ts';

type RouteDoc = Readonly<{ method: string; path: string; roles: readonly string[] }>;

const rolesOf: Record<Who, readonly string[]> = {
  shop: ['channel'],
  sandbox: ['warehouse'],
  north: ['warehouse'],
  carrier: ['carrier'],
  ops: ['operator'],
  reports: ['reporting'],
};

let t: TestHub;
let routes: RouteDoc[];

const send = async (who: Who | null, method: string, path: string, body?: unknown) => {
  const text = body === undefined ? '' : JSON.stringify(body);
  const response = await fetch(`${t.hub.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(who === null ? {} : headersOf(who, text)) },
    ...(method === 'GET' ? {} : { body: text }),
  });
  // an event stream (GET /api/oms/live) answers for as long as its client stays: let it go once it answered
  if (response.headers.get('content-type')?.startsWith('text/event-stream') === true) {
    await response.body?.cancel();
    return { status: response.status, body: { message: '', data: null }, headers: response.headers };
  }
  return { status: response.status, body: (await response.json()) as { message: string; data: any }, headers: response.headers };
};

const domainEvents = async () => (await t.hub.deps.store.readAll()).filter((event) => !event.stream.startsWith('message-'));

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hub-roles-'));
  t = await startTestHub({ env: credentialsEnv(writeCredentials(dir)) });
  const document = (await (await fetch(`${t.hub.url}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { 'x-roles': string[]; 'x-authentication'?: string }>>;
  };
  // the routes a caller reaches with its API key (Qimen's endpoint knows its caller by app_key and sign: test/e2e/qimen-messages.test.ts)
  routes = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([, operation]) => operation['x-authentication'] === undefined)
      .map(([method, operation]) => ({ method: method.toUpperCase(), path, roles: operation['x-roles'] })),
  );
});
afterAll(async () => {
  await t.stop();
});

describe('roles', () => {
  test('every route names its roles, and each caller without one of them is refused 403 with nothing applied; a caller with one is let through', async () => {
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) expect({ route: route.path, roles: route.roles.length > 0 }).toEqual({ route: route.path, roles: true });
    const before = (await domainEvents()).length;
    for (const route of routes) {
      const path = route.path.replace(/\{\w+\}/g, 'NOPE1');
      for (const who of Object.keys(rolesOf) as Who[]) {
        const allowed = route.roles.some((role) => rolesOf[who].includes(role));
        const answer = await send(who, route.method, path, route.method === 'GET' ? undefined : {});
        const refused = answer.status === 403;
        expect({ route: `${route.method} ${route.path}`, who, refused }).toEqual({
          route: `${route.method} ${route.path}`,
          who,
          refused: !allowed,
        });
        if (refused) expect(answer.body.message).toContain(`${ids[who]} (${rolesOf[who].join(', ')}) may not call`);
      }
    }
    // bodies of {} are refused for their fields, unknown numbers are 404: nothing was applied, by anyone
    expect((await domainEvents()).length).toBe(before);
  });

  test('the channel places an order, the sandbox (a signed warehouse caller) ships it, the TMS takes it; each event names who caused it', async () => {
    expect((await send('shop', 'POST', '/api/oms/orders', anOrder('ROLE1'))).status).toBe(201);
    const order = await waitFor('ROLE1 shipped and handed off', async () => {
      const view = (await send('reports', 'GET', '/api/oms/orders/ROLE1')).body.data as { status: string };
      return view.status === 'SHIPPED' ? view : undefined;
    });
    expect(order.status).toBe('SHIPPED');
    const events = await t.hub.deps.store.readStream('order-ROLE1');
    expect(events.find((event) => event.type === 'OrderPlaced')?.metadata.actor).toBe('shop');
    const shipped = events.find((event) => event.type === 'ShipmentRecorded');
    expect(shipped?.metadata.actor).toBe('wh-sandbox');
    // the sandbox checks the hub's signature on every call: it took the order, and the TMS the shipment
    const handedOff = await waitFor('the hand-off', async () => {
      const tms = t.hub.sandbox?.tms.shipments() ?? [];
      return tms.find((shipment) => shipment.orderNo === 'ROLE1');
    });
    expect(handedOff.orderNo).toBe('ROLE1');
  });

  test('a warehouse reports only for its own warehouse codes: wh-north (WH003) cannot report on an order at WH001 (403, nothing applied)', async () => {
    expect((await send('shop', 'POST', '/api/oms/orders', anOrder('ROLE2', { warehouseCode: 'WH002' }))).status).toBe(201);
    await waitFor('ROLE2 at the warehouse', async () => {
      const view = (await send('ops', 'GET', '/api/oms/orders/ROLE2')).body.data as { status: string };
      return view.status !== 'CREATED' && view.status !== 'RESERVED' ? view : undefined;
    });
    const progress = { orderNo: 'ROLE2', outboundNo: 'X', warehouseCode: 'WH002', status: 'PICKING', time: '2025-11-22T10:00:00' };
    const claimed = await send('north', 'POST', '/api/oms/outbound/progress', progress);
    expect(claimed.status).toBe(403);
    expect(claimed.body.message).toContain('wh-north reports for WH003, not WH002');
    const own = await send('north', 'POST', '/api/oms/outbound/progress', { ...progress, warehouseCode: 'WH003' });
    expect(own.status).toBe(403);
    expect(own.body.message).toContain('ROLE2 is at WH002');
    const shipment = {
      orderNo: 'ROLE2',
      outboundNo: 'X',
      waybillNo: 'N1',
      carrier: 'SF',
      actualItems: [{ sku: 'SKU001', quantity: 2 }],
      shippedTime: '2025-11-22T18:30:00',
    };
    expect((await send('north', 'POST', '/api/oms/outbound/callback', shipment)).status).toBe(403);
    // the sandbox (WH002's own caller) goes on with the order meanwhile: nothing in it came from wh-north
    const actors = new Set((await t.hub.deps.store.readStream('order-ROLE2')).map((event) => event.metadata.actor));
    expect(actors.has('wh-north')).toBe(false);
    expect(actors.has('shop')).toBe(true);
  });

  test('an unknown key is refused and a known one of another role too, the key itself never stored', async () => {
    const written = JSON.stringify((await t.hub.deps.store.readAll()).map(({ data, metadata }) => ({ data, metadata })));
    for (const key of Object.values(keys)) expect(written).not.toContain(key);
  });
});
