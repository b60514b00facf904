/**
 * A callback that comes before its order (issue 11): kept in the archive as parked, alerted; once
 * the order is pushed to a warehouse, applied as its route would apply it for the caller that sent
 * it (or refused, saying why), the outcome recorded on the message, the alert settled. A restart
 * that runs the reaction again from the start applies nothing twice.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { checkStore } from '../../src/main/cli/verify.ts';
import { credentialsEnv, headersOf, keys, writeCredentials, type Who } from '../support/credentials.ts';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { anOrder, eventTypes } from './e2e-fixtures.ts';

const clock = new ManualClock();
let env: Record<string, string>;
let t: TestHub;
beforeAll(async () => {
  env = { ...credentialsEnv(writeCredentials(mkdtempSync(join(tmpdir(), 'hub-credentials-')))), SANDBOX_MODE: 'manual' };
  t = await startTestHub({ env, clock });
});
afterAll(async () => {
  await t.stop();
});

type Reply = Readonly<{ status: number; messageId: string; body: { code: number; message: string; data: any } }>;

let lastSecond = 0;
/**
 * A warehouse message, signed by `who`, each with a timestamp of its own (a signature is taken once):
 * the next whole second after the one before, however fast they are sent (well within the 300 s).
 */
const send = async (who: Who, path: string, payload: unknown): Promise<Reply> => {
  const body = JSON.stringify(payload);
  lastSecond = Math.max(Math.floor(Date.now() / 1000), lastSecond + 1);
  const response = await fetch(`${t.hub.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headersOf(who, body, lastSecond * 1000) },
    body,
  });
  return { status: response.status, messageId: response.headers.get('x-hub-message-id') ?? '', body: (await response.json()) as any };
};

const as = async (key: string, method: string, path: string, payload?: unknown) => {
  const response = await fetch(`${t.hub.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });
  return (await response.json()) as { code: number; message: string; data: any };
};

const place = async (orderNo: string, overrides: Record<string, unknown> = {}) => {
  const placed = await as(keys.shop, 'POST', '/api/oms/orders', anOrder(orderNo, overrides));
  expect(placed.code).toBe(201);
};
const orderOf = async (orderNo: string) => (await as(keys.ops, 'GET', `/api/oms/orders/${orderNo}`)).data;
const reaches = (orderNo: string, status: string) =>
  waitFor(`order ${orderNo} to reach ${status}`, async () => {
    const order = await orderOf(orderNo);
    return order?.status === status ? order : undefined;
  });
const archived = async (messageId: string) => (await as(keys.ops, 'GET', `/api/oms/warehouse-messages/${messageId}`)).data;
const alerts = async (): Promise<any[]> => (await as(keys.ops, 'GET', '/api/oms/alerts')).data;
const onHand = async (warehouseCode: string, sku: string): Promise<number> =>
  (await as(keys.ops, 'GET', `/api/oms/stock?warehouseCode=${warehouseCode}&sku=${sku}`)).data[0].onHand;
const settledOf = (messageId: string) =>
  waitFor(`message ${messageId} settled`, async () => {
    const message = await archived(messageId);
    return message?.parked?.settled ?? undefined;
  });

const shipment = (orderNo: string, waybillNo: string, items = [{ sku: 'SKU002', quantity: 2 }]) => ({
  orderNo,
  outboundNo: `WMS-${orderNo}`,
  waybillNo,
  carrier: '顺丰速运',
  actualItems: items,
  shippedTime: '2025-11-22T10:00:00',
});

test('a shipment for an order not placed yet, sent twice: parked and alerted; once the order is pushed, applied once, stock deducted once, the alert acknowledged', async () => {
  const before = await onHand('WH001', 'SKU002');
  const first = await send('sandbox', '/api/oms/outbound/callback', shipment('EARLY1', 'SF-EARLY1'));
  const again = await send('sandbox', '/api/oms/outbound/callback', shipment('EARLY1', 'SF-EARLY1'));
  for (const reply of [first, again]) {
    expect(reply.status).toBe(404);
    expect(reply.body.message).toContain('applied once order EARLY1 is known');
    expect(await archived(reply.messageId)).toMatchObject({
      status: 404,
      caller: 'wh-sandbox',
      parked: { waitingFor: { kind: 'order', no: 'EARLY1' }, settled: null },
    });
  }
  const raised = (await alerts()).find((alert) => alert.details?.messageId === first.messageId);
  expect(raised).toMatchObject({ kind: 'UNAPPLIED_CALLBACK', acknowledgedAt: null });
  // filed under the order it waits for (the reaction's index), before the order exists
  await waitFor('both filed', async () => (await t.hub.deps.store.readStream('parked-order-EARLY1')).length === 2);

  await place('EARLY1', { items: [{ sku: 'SKU002', quantity: 2 }] });
  const shipped = await reaches('EARLY1', 'SHIPPED');
  expect(shipped.shipments).toHaveLength(1);
  expect(await settledOf(first.messageId)).toMatchObject({ outcome: 'APPLIED', changed: true, status: 200, answer: 'success' });
  expect(await settledOf(again.messageId)).toMatchObject({ outcome: 'APPLIED', changed: false, status: 200, answer: 'already applied' });
  await waitFor('the deduction', async () => (await onHand('WH001', 'SKU002')) === before - 2);

  // the events it caused name the message, the caller that sent it, and what woke it (the push)
  const events = await t.hub.deps.store.readStream('order-EARLY1');
  const recorded = events.find((event) => event.type === 'ShipmentRecorded');
  const pushed = events.find((event) => event.type === 'PushSucceeded');
  expect(recorded?.metadata).toMatchObject({
    actor: 'wh-sandbox',
    causationId: pushed?.id,
    callback: { endpoint: '/api/oms/outbound/callback', messageId: first.messageId },
  });
  const settled = (await t.hub.deps.store.readStream(`message-${first.messageId}`)).at(-1);
  expect(settled).toMatchObject({ type: 'ParkedCallbackSettled', metadata: { causationId: pushed?.id } });

  await waitFor('the alert acknowledged', async () => {
    const alert = (await alerts()).find((a) => a.id === raised.id);
    return alert?.acknowledgedAt !== null && alert?.acknowledgedBy?.startsWith('hub: applied');
  });
  // no callback alert stays open (the order's own anomaly, a WMS order number it did not give, is the domain's, as from the route)
  expect((await alerts()).filter((alert) => alert.kind === 'UNAPPLIED_CALLBACK' && alert.acknowledgedAt === null)).toEqual([]);
});

test('a shipment for an order that turns out to be at another warehouse than its sender reports for: refused with the reason, a new alert says why; the order is not shipped', async () => {
  const sent = await send('north', '/api/oms/outbound/callback', shipment('EARLY2', 'SF-EARLY2', [{ sku: 'SKU001', quantity: 1 }]));
  expect(sent.status).toBe(404);
  await place('EARLY2', { items: [{ sku: 'SKU001', quantity: 1 }] });
  await reaches('EARLY2', 'PUSHED_TO_WMS');
  const settled = await settledOf(sent.messageId);
  expect(settled).toMatchObject({ outcome: 'REFUSED', status: 403 });
  expect(settled.answer).toContain('EARLY2 is at WH001, not at a warehouse of wh-north');
  const why = await waitFor('the alert saying why', async () =>
    (await alerts()).find((alert) => alert.key === `parked-callback:${sent.messageId}`),
  );
  expect(why).toMatchObject({ kind: 'UNAPPLIED_CALLBACK', acknowledgedAt: null, details: { status: 403, messageId: sent.messageId } });
  await waitFor('the first alert acknowledged', async () =>
    (await alerts()).some((alert) => alert.details?.messageId === sent.messageId && alert.key !== why.key && alert.acknowledgedAt !== null),
  );
  expect((await orderOf('EARLY2')).status).toBe('PUSHED_TO_WMS');
  expect(eventTypes(await t.hub.deps.store.readStream('order-EARLY2'))).not.toContain('ShipmentRecorded');
});

test('a progress report for an unknown order: applied once it is pushed; the store passes `oms verify`', async () => {
  const sent = await send('sandbox', '/api/oms/outbound/progress', {
    orderNo: 'EARLY3',
    outboundNo: 'WMS-EARLY3',
    warehouseCode: 'WH001',
    status: 'PICKING',
    time: '2025-11-22T09:00:00',
  });
  expect(sent.status).toBe(404);
  await place('EARLY3');
  await reaches('EARLY3', 'IN_PROGRESS');
  expect(await settledOf(sent.messageId)).toMatchObject({ outcome: 'APPLIED', changed: true });
  const report = await checkStore(t.hub.deps.store);
  expect(report.categories.parked).toBeGreaterThanOrEqual(1);
  expect(report.broken).toEqual([]);
});

test('a receipt for a purchase inbound not created yet: parked; once the inbound is created, received into stock', async () => {
  const before = await onHand('WH001', 'SKU003');
  const sent = await send('sandbox', '/api/oms/inbound/callback', {
    inboundNo: 'IN-EARLY1',
    wmsInboundNo: 'W-IN-EARLY1',
    warehouseCode: 'WH001',
    receivedItems: [{ sku: 'SKU003', quantity: 4 }],
    receivedTime: '2025-11-22T08:00:00',
  });
  expect(sent.status).toBe(404);
  expect(await archived(sent.messageId)).toMatchObject({ parked: { waitingFor: { kind: 'inbound', no: 'IN-EARLY1' }, settled: null } });
  const created = await as(keys.ops, 'POST', '/api/oms/inbound-orders', {
    inboundNo: 'IN-EARLY1',
    warehouseCode: 'WH001',
    supplier: 'ACME',
    poNumber: 'PO-EARLY1',
    items: [{ sku: 'SKU003', quantity: 4 }],
  });
  expect(created.code).toBe(201);
  expect(await settledOf(sent.messageId)).toMatchObject({ outcome: 'APPLIED', changed: true });
  await waitFor('the receipt on the shelves', async () => (await onHand('WH001', 'SKU003')) === before + 4);
});

test('restarted with the reaction run again from the start: nothing is applied twice, nothing is recorded twice', async () => {
  const stock = await onHand('WH001', 'SKU002');
  const count = async (stream: string, type: string) =>
    (await t.hub.deps.store.readStream(stream)).filter((event) => event.type === type).length;
  const messages = (await t.hub.deps.store.readAll({ category: 'message' })).filter((event) => event.type === 'ParkedCallbackSettled');
  const acknowledgements = (await t.hub.deps.store.readAll({ category: 'alert' })).length;
  const dataDir = t.dataDir;
  await t.stop();
  const checkpoints = new Database(join(dataDir, 'checkpoints.sqlite'));
  expect(checkpoints.prepare("DELETE FROM checkpoints WHERE subscriber = 'apply-parked-callbacks'").run().changes).toBe(1);
  checkpoints.close();

  t = await startTestHub({ env, clock, dataDir });
  await t.hub.work.caughtUp;
  expect((await t.hub.deps.store.readAll({ category: 'message' })).filter((event) => event.type === 'ParkedCallbackSettled')).toHaveLength(
    messages.length,
  );
  expect((await t.hub.deps.store.readAll({ category: 'alert' })).length).toBe(acknowledgements);
  expect(await count('order-EARLY1', 'ShipmentRecorded')).toBe(1);
  expect(await count('parked-order-EARLY1', 'CallbackWaiting')).toBe(2);
  expect(await onHand('WH001', 'SKU002')).toBe(stock);
  expect((await checkStore(t.hub.deps.store)).broken).toEqual([]);
});
