/**
 * A warehouse that speaks Qimen, called by the hub: WH003's caller has a Qimen URL in the
 * credentials file, so the hub's instructions for WH003 go there as Qimen methods, signed, XML
 * (WH001 stays on the article's JSON with the sandbox). The Qimen WMS here is a small express app
 * on loopback that checks every call's sign as a real one would, keeps what it was sent, and
 * answers in Qimen's <response>.
 */
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { qimenSign, qimenSignHolds } from '../../src/adapters/qimen/qimen-signature.ts';
import { qimenTimestamp } from '../../src/adapters/qimen/qimen-call.ts';
import { readXml, writeXml } from '../../src/adapters/qimen/qimen-xml.ts';
import { credentialsEnv, credentialsFile, keys, writeCredentials } from '../support/credentials.ts';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { anOrder } from './e2e-fixtures.ts';

const QIMEN_SECRET = 'north-qimen-secret-0123456789abcdef0123';

type Received = Readonly<{ method: string; signed: boolean; customerId: string; request: any }>;
const received: Received[] = [];
/** what the fake WMS says to the next call of a method, when not the usual success */
const nextAnswer = new Map<string, Record<string, string>>();

let wms: Server;
let t: TestHub;

const startQimenWms = async (): Promise<string> => {
  const app = express();
  app.post('/router/qimen/service', express.raw({ type: () => true }), (req, res) => {
    const parameters = Object.fromEntries(Object.entries(req.query).map(([name, value]) => [name, String(value)]));
    const body = req.body as Buffer;
    const signed = qimenSignHolds('md5', QIMEN_SECRET, parameters, body, parameters.sign ?? '');
    const read = readXml(body.toString('utf8'));
    const request = read.ok ? read.value : null;
    const method = parameters.method ?? '';
    received.push({ method, signed, customerId: parameters.customerId ?? '', request });
    const answer = (fields: Record<string, unknown>) => res.type('text/xml').send(writeXml('response', fields));
    if (!signed) return answer({ flag: 'failure', code: 'sign-check-failure', message: 'Illegal request' });
    const special = nextAnswer.get(method);
    if (special !== undefined) {
      nextAnswer.delete(method);
      return answer(special);
    }
    const ok = { flag: 'success', code: '0', message: '成功' };
    if (method === 'taobao.qimen.deliveryorder.create')
      return answer({ ...ok, deliveryOrderId: `QM-${(request as any).deliveryOrder.deliveryOrderCode}` });
    if (method === 'taobao.qimen.entryorder.create')
      return answer({ ...ok, entryOrderId: `RK-${(request as any).entryOrder.entryOrderCode}` });
    if (method === 'taobao.qimen.stock.query')
      return answer({ ...ok, totalCount: '1', items: { item: [{ itemCode: 'SKU001', inventoryType: 'ZP', quantity: '7' }] } });
    return answer(ok);
  });
  wms = app.listen(0, '127.0.0.1');
  await once(wms, 'listening');
  return `http://127.0.0.1:${(wms.address() as AddressInfo).port}/router/qimen/service`;
};

const asOps = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${t.hub.url}${path}`, {
    method,
    headers: { 'x-api-key': keys.ops, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as { data: any; message: string } };
};

beforeAll(async () => {
  const url = await startQimenWms();
  const file = {
    ...credentialsFile,
    callers: credentialsFile.callers.map((caller) =>
      caller.id === 'wh-north'
        ? {
            ...caller,
            zone: 'Europe/Berlin',
            timeoutMs: 2000,
            qimen: { appKey: 'north-app', secret: QIMEN_SECRET, url, customerId: 'C-NORTH', ownerCode: 'OWNER01' },
          }
        : caller,
    ),
  };
  t = await startTestHub({
    env: { ...credentialsEnv(writeCredentials(mkdtempSync(join(tmpdir(), 'hub-qimen-wh-')), file)), SANDBOX_MODE: 'manual' },
  });
  expect(
    (await asOps('POST', '/api/oms/stock/adjustments', { countId: 'C1', warehouseCode: 'WH003', sku: 'SKU001', countedOnHand: 5 })).status,
  ).toBe(200);
});
afterAll(async () => {
  await t.stop();
  wms.close();
});

test('an order at WH003 is created at its Qimen WMS (deliveryorder.create, signed, JYCK, urgent, receiver and lines mapped); its deliveryOrderId is the outboundNo', async () => {
  const placed = await fetch(`${t.hub.url}/api/oms/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': keys.shop },
    body: JSON.stringify(anOrder('QW1', { warehouseCode: 'WH003', items: [{ sku: 'SKU001', quantity: 2 }] })),
  });
  expect(placed.status).toBe(201);
  const order = await waitFor('QW1 pushed', async () => {
    const { body } = await asOps('GET', '/api/oms/orders/QW1');
    return body.data?.outboundNo === null ? null : body.data;
  });
  expect(order.outboundNo).toBe('QM-QW1');
  const call = received.find((candidate) => candidate.method === 'taobao.qimen.deliveryorder.create');
  expect(call).toMatchObject({ signed: true, customerId: 'C-NORTH' });
  expect(call?.request).toEqual({
    deliveryOrder: {
      deliveryOrderCode: 'QW1',
      orderType: 'JYCK',
      warehouseCode: 'WH003',
      createTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      isUrgency: 'Y',
      receiverInfo: {
        name: '张三',
        mobile: '13800138000',
        province: '北京市',
        city: '北京市',
        area: '朝阳区',
        detailAddress: 'XX街道XX号',
      },
    },
    orderLines: { orderLine: [{ orderLineNo: '1', ownerCode: 'OWNER01', itemCode: 'SKU001', planQty: '2', inventoryType: 'ZP' }] },
  });
});

test('a Qimen failure is a refusal (not retried; a person is asked), unless its code says the WMS is busy (retried)', async () => {
  nextAnswer.set('taobao.qimen.deliveryorder.create', { flag: 'failure', code: 'isp.system-busy', message: '系统繁忙' });
  const placed = await fetch(`${t.hub.url}/api/oms/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': keys.shop },
    body: JSON.stringify(anOrder('QW2', { warehouseCode: 'WH003', items: [{ sku: 'SKU001', quantity: 1 }] })),
  });
  expect(placed.status).toBe(201);
  const failed = await waitFor('QW2 push failed', async () => {
    const events = await t.hub.deps.store.readStream('order-QW2');
    return events.find((event) => event.type === 'PushFailed');
  });
  expect(failed.data).toMatchObject({ retryable: true, error: expect.stringContaining('isp.system-busy') });

  nextAnswer.set('taobao.qimen.deliveryorder.create', { flag: 'failure', code: 'ITEM_NOT_EXIST', message: '商品不存在' });
  await fetch(`${t.hub.url}/api/oms/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': keys.shop },
    body: JSON.stringify(anOrder('QW3', { warehouseCode: 'WH003', items: [{ sku: 'SKU001', quantity: 1 }] })),
  });
  const refused = await waitFor('QW3 push refused', async () => {
    const events = await t.hub.deps.store.readStream('order-QW3');
    return events.find((event) => event.type === 'PushFailed');
  });
  expect(refused.data).toMatchObject({ retryable: false, error: expect.stringContaining('商品不存在') });
});

test('a purchase inbound at WH003 goes as entryorder.create (CGRK); a reconciliation of WH003 reads stock.query', async () => {
  const inbound = await asOps('POST', '/api/oms/inbound-orders', {
    inboundNo: 'QIN1',
    warehouseCode: 'WH003',
    supplier: 'ACME',
    poNumber: 'PO9',
    items: [{ sku: 'SKU001', quantity: 4 }],
  });
  expect(inbound.status).toBe(201);
  await waitFor('QIN1 pushed', async () => received.find((candidate) => candidate.method === 'taobao.qimen.entryorder.create'));
  expect(received.find((candidate) => candidate.method === 'taobao.qimen.entryorder.create')?.request).toMatchObject({
    entryOrder: {
      entryOrderCode: 'QIN1',
      ownerCode: 'OWNER01',
      warehouseCode: 'WH003',
      orderType: 'CGRK',
      purchaseOrderCode: 'PO9',
      supplierCode: 'ACME',
    },
  });
  const reconciled = await asOps('POST', '/api/oms/stock/reconcile', { warehouseCode: 'WH003' });
  expect(reconciled.status).toBe(200);
  expect(received.some((candidate) => candidate.method === 'taobao.qimen.stock.query' && candidate.signed)).toBe(true);
  const level = await asOps('GET', '/api/oms/stock?warehouseCode=WH003');
  expect(level.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ sku: 'SKU001', onHand: 7 })]));
});

test('WH001 is still called in the article JSON (the sandbox), not through Qimen', async () => {
  const before = received.length;
  await fetch(`${t.hub.url}/api/oms/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': keys.shop },
    body: JSON.stringify(anOrder('QW4')),
  });
  await waitFor('QW4 pushed', async () => (await asOps('GET', '/api/oms/orders/QW4')).body.data?.outboundNo);
  expect(received.length).toBe(before);
});

test('cancelling QW1 asks its Qimen WMS (order.cancel with the deliveryOrderId); intercepted, the order is cancelled', async () => {
  const cancelled = await fetch(`${t.hub.url}/api/oms/orders/QW1/cancel`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': keys.shop },
    body: JSON.stringify({ reason: '客户取消' }),
  });
  expect(cancelled.status).toBe(200);
  await waitFor('QW1 cancelled', async () => (await asOps('GET', '/api/oms/orders/QW1')).body.data?.status === 'CANCELLED');
  expect(received.find((candidate) => candidate.method === 'taobao.qimen.order.cancel')?.request).toEqual({
    warehouseCode: 'WH003',
    ownerCode: 'OWNER01',
    orderCode: 'QW1',
    orderId: 'QM-QW1',
    orderType: 'JYCK',
    cancelReason: expect.any(String),
  });
});

test("WH003's confirmation is read in WH003's own zone (its caller's zone, Europe/Berlin), not the hub's default", async () => {
  const placed = await fetch(`${t.hub.url}/api/oms/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': keys.shop },
    body: JSON.stringify(anOrder('QW5', { warehouseCode: 'WH003', items: [{ sku: 'SKU001', quantity: 1 }] })),
  });
  expect(placed.status).toBe(201);
  await waitFor('QW5 pushed', async () => (await asOps('GET', '/api/oms/orders/QW5')).body.data?.outboundNo);
  const content = {
    deliveryOrder: {
      deliveryOrderCode: 'QW5',
      deliveryOrderId: 'QM-QW5',
      warehouseCode: 'WH003',
      outBizCode: 'QW5-1',
      confirmType: '0',
      orderConfirmTime: '2025-11-22 10:00:00',
    },
    packages: { package: [{ logisticsCode: 'SF', expressCode: 'SF555', items: { item: [{ itemCode: 'SKU001', quantity: '1' }] } }] },
  };
  const body = writeXml('request', content);
  const parameters = {
    method: 'taobao.qimen.deliveryorder.confirm',
    timestamp: qimenTimestamp(Date.now()),
    format: 'xml',
    app_key: 'north-app',
    v: '2.0',
    sign_method: 'md5',
  };
  const sign = qimenSign('md5', QIMEN_SECRET, parameters, body);
  const answer = await fetch(`${t.hub.url}/api/qimen?${new URLSearchParams({ ...parameters, sign }).toString()}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body,
  });
  expect(await answer.text()).toContain('<flag>success</flag>');
  const order = (await asOps('GET', '/api/oms/orders/QW5')).body.data;
  expect(order.shipments[0].shippedAt).toBe('2025-11-22T10:00:00.000+01:00');
});
