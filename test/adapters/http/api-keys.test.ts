/** With OMS_API_KEYS set, /api/oms needs a key: none → 401, unknown → 403, and nothing is applied. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type TestHub, startTestHub, waitFor } from '../../support/test-hub.ts';
import { anOrder } from '../../e2e/e2e-fixtures.ts';
import { Callers, fullAccessCaller } from '../../../src/adapters/credentials/callers.ts';

const credentialIdOf = (key: string): string => fullAccessCaller(key).id;
const knownKeys = (keys: readonly string[]) => {
  const callers = new Callers({ callers: keys.map(fullAccessCaller), tmsSigningSecret: null });
  return { has: (key: string) => callers.identify(key) !== undefined };
};

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ env: { OMS_API_KEYS: 'key-one, key-two' } });
});
afterAll(async () => {
  await t.stop();
});

test('no key → 401, an unknown key → 403; nothing stored either way', async () => {
  const before = (await t.hub.deps.store.readAll()).length;
  const none = await t.post('/api/oms/orders', anOrder('AUTH1'));
  expect(none).toMatchObject({ status: 401, body: { code: 401, data: null, message: expect.stringContaining('X-Api-Key') } });
  const wrong = await t.post('/api/oms/orders', anOrder('AUTH1'), { 'x-api-key': 'key-three' });
  expect(wrong).toMatchObject({ status: 403, body: { code: 403 } });
  expect((await t.get('/api/oms/orders/AUTH1')).status).toBe(401);
  expect((await t.hub.deps.store.readAll()).length).toBe(before);
});

test('a known key, as X-Api-Key or as a bearer token, is let through; the sandbox calls back with its key and the order ships', async () => {
  expect((await t.post('/api/oms/orders', anOrder('AUTH2'), { 'x-api-key': 'key-two' })).status).toBe(201);
  const shipped = await fetch(`${t.hub.url}/api/oms/orders/AUTH2`, { headers: { authorization: 'Bearer key-one' } });
  expect(shipped.status).toBe(200);
  const order = await waitFor('the shipment', async () => {
    const view = (await (await fetch(`${t.hub.url}/api/oms/orders/AUTH2`, { headers: { 'x-api-key': 'key-one' } })).json()) as {
      data: { status: string };
    };
    return view.data.status === 'SHIPPED' ? view.data : undefined;
  });
  expect(order.status).toBe('SHIPPED');
});

test('/health and /openapi.json stay open; /health tells only up or down without a key, its details with one', async () => {
  expect(await t.get('/health')).toMatchObject({ status: 200, body: { data: { status: 'ok' } } });
  expect(Object.keys((await t.get('/health')).body.data)).toEqual(['status']);
  const wrong = (await (await fetch(`${t.hub.url}/health`, { headers: { 'x-api-key': 'key-three' } })).json()) as { data: object };
  expect(Object.keys(wrong.data)).toEqual(['status']);
  const detailed = (await (await fetch(`${t.hub.url}/health`, { headers: { 'x-api-key': 'key-two' } })).json()) as { data: object };
  expect(detailed.data).toMatchObject({ status: 'ok', store: 'sqlite', pendingRetries: 0 });
  expect((await fetch(`${t.hub.url}/openapi.json`)).status).toBe(200);
});

test('keys are told apart in full, whatever their length or shared start', () => {
  expect(knownKeys(['key-one', 'key-two']).has('key-two')).toBe(true);
  for (const other of ['key-tw', 'key-two ', 'key-twoo', '', 'KEY-TWO']) expect(knownKeys(['key-one', 'key-two']).has(other)).toBe(false);
  expect(knownKeys([]).has('key-one')).toBe(false);
});

test('every event a request appends names the credential it came with (its id, never the key); X-Operator is only an annotation', async () => {
  // the warehouse takes the order and keeps it: the reactions have reserved and pushed it before the cancel
  // (a cancel racing them could find nothing done by a reaction yet, or the order shipped)
  t.hub.sandbox?.wms.faults.set({ mode: 'manual' });
  expect((await t.post('/api/oms/orders', anOrder('AUTH3'), { 'x-api-key': 'key-one' })).status).toBe(201);
  await waitFor('AUTH3 pushed to the WMS', async () => {
    const view = (await (await fetch(`${t.hub.url}/api/oms/orders/AUTH3`, { headers: { 'x-api-key': 'key-one' } })).json()) as {
      data: { status: string };
    };
    return view.data.status === 'PUSHED_TO_WMS';
  });
  t.hub.sandbox?.wms.faults.set({});
  const cancel = await t.post(
    '/api/oms/orders/AUTH3/cancel',
    { reason: 'asked' },
    { 'x-api-key': 'key-two', 'x-operator': 'someone-else' },
  );
  expect(cancel.status).toBe(200);
  const events = await t.hub.deps.store.readStream('order-AUTH3');
  const placed = events.find((event) => event.type === 'OrderPlaced');
  const asked = events.find((event) => event.type === 'CancellationRequested' || event.type === 'OrderCancelled');
  expect(placed?.metadata.actor).toBe(credentialIdOf('key-one'));
  expect(asked?.metadata.actor).toBe(credentialIdOf('key-two'));
  expect(credentialIdOf('key-one')).toMatch(/^key:[0-9a-f]{12}$/);
  const written = JSON.stringify(events.map(({ type, data, metadata }) => ({ type, data, metadata })));
  expect(written).not.toContain('key-one');
  expect(written).not.toContain('key-two');
  // what the hub did on its own (reactions: caused by an event, not by the request) names no caller
  const byReactions = await waitFor('an event a reaction appended', async () => {
    const all = await t.hub.deps.store.readStream('order-AUTH3');
    const ids = new Set(all.map((event) => event.id));
    const caused = all.filter((event) => ids.has(event.metadata.causationId));
    return caused.length > 0 ? caused : undefined;
  });
  for (const event of byReactions)
    expect({ type: event.type, actor: event.metadata.actor }).toEqual({ type: event.type, actor: undefined });
});
