/**
 * A WMS that speaks Qimen calls the hub at POST /api/qimen, over real HTTP: signed as the standard
 * signs (md5 over secret + sorted parameters + raw body + secret), XML bodies, answers in Qimen's
 * <response>. A confirmation in two packages (intermediate, then final) is two shipments; sent
 * again it is one effect; a shortage via itemlack.report; progress via orderprocess.report. A bad
 * sign, a stale timestamp, an unknown method, malformed XML, another warehouse's order: each a
 * failure answer, nothing applied, the raw message kept.
 */
import { fc } from '@fast-check/vitest';
import { DateTime } from 'luxon';
import { checkStore } from '../../src/main/cli/verify.ts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { qimenSign } from '../../src/adapters/qimen/qimen-signature.ts';
import { readXml, writeXml } from '../../src/adapters/qimen/qimen-xml.ts';
import { QIMEN_APP_KEY, keys, secrets, startHubWithOrder } from '../support/credentials.ts';
import { type TestHub, waitFor } from '../support/test-hub.ts';
import { anOrder } from './e2e-fixtures.ts';

let t: TestHub;

const beijingNow = (offsetSeconds = 0) =>
  DateTime.now().plus({ seconds: offsetSeconds }).setZone('Asia/Shanghai').toFormat('yyyy-MM-dd HH:mm:ss');

type Sent = Readonly<{ status: number; flag: string; code: string; message: string; messageId: string | null }>;

/** Call the hub as a Qimen WMS: `method` with `content` as the <request>, signed (unless told otherwise). */
const qimen = async (
  method: string,
  content: Record<string, unknown> | string,
  options: Readonly<{ secret?: string; timestamp?: string; appKey?: string; contentType?: string }> = {},
): Promise<Sent> => {
  const body = typeof content === 'string' ? content : writeXml('request', content);
  const parameters: Record<string, string> = {
    method,
    timestamp: options.timestamp ?? beijingNow(),
    format: 'xml',
    app_key: options.appKey ?? QIMEN_APP_KEY,
    v: '2.0',
    sign_method: 'md5',
    customerId: 'C-HUB-001',
  };
  const sign = qimenSign('md5', options.secret ?? secrets.qimen, parameters, body);
  const response = await fetch(`${t.hub.url}/api/qimen?${new URLSearchParams({ ...parameters, sign }).toString()}`, {
    method: 'POST',
    headers: { 'content-type': options.contentType ?? 'text/xml;charset=utf-8' },
    body,
  });
  const text = await response.text();
  const read = readXml(text);
  const answer = read.ok && read.root === 'response' ? (read.value as Record<string, string>) : { flag: '?', code: '?', message: text };
  return {
    status: response.status,
    flag: answer.flag ?? '',
    code: answer.code ?? '',
    message: answer.message ?? '',
    messageId: response.headers.get('x-hub-message-id'),
  };
};

const asOps = async (path: string) => {
  const response = await fetch(`${t.hub.url}${path}`, { headers: { 'x-api-key': keys.ops } });
  return (await response.json()) as { data: any };
};

const orderOf = async (orderNo: string) => (await asOps(`/api/oms/orders/${orderNo}`)).data;
const outboundNoOf = (orderNo: string) => waitFor(`${orderNo} pushed`, async () => (await orderOf(orderNo))?.outboundNo as string | null);
const eventsOf = async (orderNo: string) => (await t.hub.deps.store.readStream(`order-${orderNo}`)).map((event) => event.type);

/** The events a message caused (they name it in `metadata.callback.messageId`). */
const causedBy = async (messageId: string | null) =>
  (await t.hub.deps.store.readAll())
    .filter((event) => !event.stream.startsWith('message-'))
    .filter((event) => (event.metadata as { callback?: { messageId?: string } }).callback?.messageId === messageId)
    .map((event) => `${event.stream} ${event.type}`);

const confirmation = (
  orderNo: string,
  outboundNo: string,
  outBizCode: string,
  confirmType: '0' | '1',
  parcels: readonly [string, string, number][],
) => ({
  deliveryOrder: {
    deliveryOrderCode: orderNo,
    deliveryOrderId: outboundNo,
    warehouseCode: 'WH001',
    orderType: 'JYCK',
    status: confirmType === '0' ? 'DELIVERED' : 'PARTDELIVERED',
    outBizCode,
    confirmType,
    orderConfirmTime: '2025-11-22 10:00:00',
  },
  packages: {
    package: parcels.map(([expressCode, itemCode, quantity]) => ({
      logisticsCode: 'SF',
      logisticsName: '顺丰速运',
      expressCode,
      items: { item: [{ itemCode, quantity: String(quantity) }] },
    })),
  },
});

beforeAll(async () => {
  t = await startHubWithOrder('QM1');
  const placed = await fetch(`${t.hub.url}/api/oms/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': keys.shop },
    body: JSON.stringify(anOrder('QM2', { items: [{ sku: 'SKU001', quantity: 3 }] })),
  });
  expect(placed.status).toBe(201);
});
afterAll(async () => {
  await t.stop();
});

describe('deliveryorder.confirm', () => {
  test('in two packages, intermediate then final: one shipment per package, the order shipped; sent again, one effect', async () => {
    const outboundNo = await outboundNoOf('QM2');
    const first = await qimen(
      'taobao.qimen.deliveryorder.confirm',
      confirmation('QM2', outboundNo, 'QM2-1', '1', [['SF100', 'SKU001', 1]]),
    );
    expect(first).toMatchObject({ status: 200, flag: 'success', code: '0', message: 'success' });
    expect(await causedBy(first.messageId)).toContain('order-QM2 ShipmentRecorded');
    const last = await qimen(
      'taobao.qimen.deliveryorder.confirm',
      confirmation('QM2', outboundNo, 'QM2-2', '0', [
        ['SF101', 'SKU001', 1],
        ['SF102', 'SKU001', 1],
      ]),
    );
    expect(last).toMatchObject({ flag: 'success', message: 'success' });
    const order = await orderOf('QM2');
    expect(order.status).toBe('SHIPPED');
    expect(order.shipments.map((shipment: { waybillNo: string }) => shipment.waybillNo)).toEqual(['SF100', 'SF101', 'SF102']);
    const again = await qimen(
      'taobao.qimen.deliveryorder.confirm',
      confirmation('QM2', outboundNo, 'QM2-2', '0', [
        ['SF101', 'SKU001', 1],
        ['SF102', 'SKU001', 1],
      ]),
    );
    expect(again).toMatchObject({ flag: 'success', message: 'already applied' });
    expect((await eventsOf('QM2')).filter((type) => type === 'ShipmentRecorded')).toHaveLength(3);
    const kept = await asOps(`/api/oms/warehouse-messages/${again.messageId ?? ''}`);
    expect(kept.data).toMatchObject({ endpoint: '/api/qimen?method=taobao.qimen.deliveryorder.confirm', caller: 'wh-sandbox' });
  });
});

describe('refused, each with a Qimen failure, nothing applied, the message kept', () => {
  test.each([
    ['a sign made with another secret', { secret: 'not-the-secret-0123456789abcdef0123' }, 'sign-check-failure'],
    ['a timestamp 10 minutes old', { timestamp: beijingNow(-600) }, 'invalid-timestamp'],
    ['a timestamp not in Qimen form', { timestamp: '2025-11-22T10:00:00Z' }, 'invalid-timestamp'],
  ])('%s', async (_what, options, code) => {
    const before = await eventsOf('QM1');
    const outboundNo = await outboundNoOf('QM1');
    const sent = await qimen(
      'taobao.qimen.deliveryorder.confirm',
      confirmation('QM1', outboundNo, 'QM1-X', '0', [['SF200', 'SKU001', 2]]),
      options,
    );
    expect(sent).toMatchObject({ status: 200, flag: 'failure', code });
    expect(await eventsOf('QM1')).toEqual(before);
    const kept = await asOps(`/api/oms/warehouse-messages/${sent.messageId ?? ''}`);
    expect(kept.data.answer).toContain(code);
  });

  test.each([
    ['an unknown method', 'taobao.qimen.nosuch.method', { a: '1' }, 'invalid-method'],
    ['malformed XML', 'taobao.qimen.deliveryorder.confirm', '<request><deliveryOrder></request>', 'invalid-xml'],
    [
      'a DOCTYPE with entities',
      'taobao.qimen.deliveryorder.confirm',
      '<!DOCTYPE r [<!ENTITY a "x">]><request>&a;</request>',
      'invalid-xml',
    ],
    ['fields missing', 'taobao.qimen.deliveryorder.confirm', { deliveryOrder: { deliveryOrderCode: 'QM1' } }, 'invalid-fields'],
  ])('%s', async (_what, method, content, code) => {
    const before = await eventsOf('QM1');
    const sent = await qimen(method, content);
    expect(sent).toMatchObject({ status: 200, flag: 'failure', code });
    expect(sent.messageId).not.toBeNull();
    expect(await eventsOf('QM1')).toEqual(before);
  });

  test('an app key the hub does not know: a failure, and not kept (it proved nothing)', async () => {
    const sent = await qimen('taobao.qimen.deliveryorder.confirm', { a: '1' }, { appKey: 'stranger' });
    expect(sent).toMatchObject({ flag: 'failure', code: 'invalid-app-key', messageId: null });
  });

  test('a body labelled JSON is refused before anything is read (415)', async () => {
    const sent = await qimen('taobao.qimen.deliveryorder.confirm', { a: '1' }, { contentType: 'application/json' });
    expect(sent.status).toBe(415);
  });

  test("another warehouse's order: forbidden", async () => {
    const outboundNo = await outboundNoOf('QM1');
    const other = confirmation('QM1', outboundNo, 'QM1-Y', '0', [['SF300', 'SKU001', 2]]);
    const sent = await qimen('taobao.qimen.deliveryorder.confirm', {
      ...other,
      deliveryOrder: { ...other.deliveryOrder, warehouseCode: 'WH003' },
    });
    expect(sent).toMatchObject({ flag: 'failure', code: 'forbidden' });
  });
});

describe('itemlack.report and orderprocess.report', () => {
  test('progress PICK is recorded as picking; ACCEPT is noted and changes nothing', async () => {
    const report = (processStatus: string, outBizCode: string) => ({
      order: { orderCode: 'QM1', orderType: 'JYCK', warehouseCode: 'WH001' },
      process: { processStatus, operateTime: '2025-11-22 09:30:00' },
      outBizCode,
    });
    expect(await qimen('taobao.qimen.orderprocess.report', report('ACCEPT', 'P0'))).toMatchObject({ flag: 'success' });
    expect(await qimen('taobao.qimen.orderprocess.report', report('PICK', 'P1'))).toMatchObject({ flag: 'success', message: 'success' });
    expect((await eventsOf('QM1')).filter((type) => type === 'WmsProgressRecorded')).toHaveLength(1);
  });

  test('a shortage of the whole line: the order hears it (its policy decides)', async () => {
    const outboundNo = await outboundNoOf('QM1');
    const sent = await qimen('taobao.qimen.itemlack.report', {
      warehouseCode: 'WH001',
      deliveryOrderCode: 'QM1',
      deliveryOrderId: outboundNo,
      createTime: '2025-11-22 09:40:00',
      outBizCode: 'LACK-1',
      items: { item: [{ itemCode: 'SKU001', planQty: '2', lackQty: '2', reason: '实物报缺' }] },
    });
    expect(sent).toMatchObject({ flag: 'success', message: 'success' });
    expect(await eventsOf('QM1')).toContain('StockShortageDetected');
  });
});

describe('hostile messages', () => {
  const anyText = fc.oneof(
    fc.string({ maxLength: 300, unit: 'grapheme' }),
    fc.constantFrom('', '-1', '9007199254740993', '1e9', '0x10', '\ud800', 'QM1', 'WH001', 'WH003'),
  );
  const confirmLike = fc
    .record({
      deliveryOrderCode: anyText,
      deliveryOrderId: anyText,
      warehouseCode: anyText,
      outBizCode: anyText,
      confirmType: anyText,
      orderConfirmTime: fc.oneof(anyText, fc.constant('2025-11-22 10:00:00')),
      expressCode: anyText,
      logisticsCode: anyText,
      itemCode: anyText,
      quantity: anyText,
    })
    .map((v) => ({
      deliveryOrder: {
        deliveryOrderCode: v.deliveryOrderCode,
        deliveryOrderId: v.deliveryOrderId,
        warehouseCode: v.warehouseCode,
        outBizCode: v.outBizCode,
        confirmType: v.confirmType,
        orderConfirmTime: v.orderConfirmTime,
      },
      packages: {
        package: [
          { logisticsCode: v.logisticsCode, expressCode: v.expressCode, items: { item: [{ itemCode: v.itemCode, quantity: v.quantity }] } },
        ],
      },
    }));
  const body = fc.oneof(
    fc.string({ maxLength: 500 }),
    fc.string({ maxLength: 200 }).map((inner) => `<request>${inner}</request>`),
    fc.nat({ max: 300 }).map((depth) => `<request>${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}</request>`),
    fc.nat({ max: 3000 }).map((n) => `<request>${'<orderLine><itemCode>A</itemCode></orderLine>'.repeat(n)}</request>`),
    confirmLike,
  );
  const method = fc.constantFrom(
    'taobao.qimen.deliveryorder.confirm',
    'deliveryorder.confirm',
    'taobao.qimen.itemlack.report',
    'taobao.qimen.orderprocess.report',
    'taobao.qimen.stockchange.report',
    '',
    '../../etc',
  );

  test('signed hostile bodies: every answer a Qimen answer (HTTP 200, success or failure), a failure causes nothing, the store stays whole', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(method, body, async (name, content) => {
        const sent = await qimen(name, content);
        answered += 1;
        expect(sent.status).toBe(200);
        expect(['success', 'failure']).toContain(sent.flag);
        if (sent.flag === 'failure') expect(await causedBy(sent.messageId)).toEqual([]);
      }),
      { numRuns: Number(process.env.HOSTILE_RUNS ?? 120) },
    );
    expect(answered).toBeGreaterThan(0);
    expect((await checkStore(t.hub.deps.store)).broken).toEqual([]);
  }, 120_000);
});

describe('entryorder.confirm, returnorder.confirm, stockchange.report', () => {
  const asOpsPost = async (path: string, body: unknown) => {
    const response = await fetch(`${t.hub.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': keys.ops },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { data: any } };
  };
  const level = async (warehouseCode: string, sku: string) =>
    ((await asOps(`/api/oms/stock?warehouseCode=${warehouseCode}&sku=${sku}`)).data as any[]).find((row) => row.sku === sku);

  test('an entry confirmation with batches: the sellable units are received (per batch, with expiry), the defective one is not; sent again, once', async () => {
    expect(
      (
        await asOpsPost('/api/oms/inbound-orders', {
          inboundNo: 'QIN1',
          warehouseCode: 'WH001',
          supplier: 'ACME',
          poNumber: 'PO1',
          items: [{ sku: 'SKU777', quantity: 10 }],
        })
      ).status,
    ).toBe(201);
    const before = (await level('WH001', 'SKU777'))?.onHand ?? 0;
    const confirm = {
      entryOrder: {
        entryOrderCode: 'QIN1',
        ownerCode: 'OWNER01',
        warehouseCode: 'WH001',
        entryOrderId: 'RK0009',
        outBizCode: 'RK0009-1',
        confirmType: '0',
        operateTime: '2025-11-21 15:30:00',
      },
      orderLines: {
        orderLine: [
          {
            orderLineNo: '1',
            itemCode: 'SKU777',
            planQty: '10',
            actualQty: '10',
            batchs: {
              batch: [
                { batchCode: 'BATCH002', expireDate: '2026-10-01', inventoryType: 'ZP', actualQty: '9' },
                { batchCode: 'BATCH002', inventoryType: 'CC', actualQty: '1' },
              ],
            },
          },
        ],
      },
    };
    expect(await qimen('taobao.qimen.entryorder.confirm', confirm)).toMatchObject({ flag: 'success', message: 'success' });
    expect(await qimen('taobao.qimen.entryorder.confirm', confirm)).toMatchObject({ flag: 'success', message: 'already applied' });
    await waitFor('9 received', async () => (await level('WH001', 'SKU777'))?.onHand === before + 9);
    const receipt = (await t.hub.deps.store.readStream('inbound-QIN1')).find((event) => event.type === 'InboundReceived');
    expect(JSON.stringify(receipt?.data)).toContain('BATCH002');
  });

  test('an entry confirmation for an inbound the hub does not know: a failure naming it, kept for a person', async () => {
    const sent = await qimen('taobao.qimen.entryorder.confirm', {
      entryOrder: { entryOrderCode: 'NOSUCH', warehouseCode: 'WH001', outBizCode: 'X-1', operateTime: '2025-11-21 15:30:00' },
      orderLines: { orderLine: [{ itemCode: 'SKU777', actualQty: '1' }] },
    });
    expect(sent).toMatchObject({ flag: 'failure', code: 'INBOUND_NOT_FOUND' });
  });

  test('a stock change report moves on hand by its signed quantity, once per outBizCode; another warehouse is forbidden', async () => {
    const before = (await level('WH001', 'SKU001'))?.onHand ?? 0;
    const change = (warehouseCode: string, outBizCode: string, quantity: string) => ({
      items: {
        item: [{ warehouseCode, orderCode: 'PD-1', outBizCode, itemCode: 'SKU001', quantity, orderType: 'PDKC', inventoryType: 'ZP' }],
      },
    });
    expect(await qimen('taobao.qimen.stockchange.report', change('WH001', 'SC-1', '-2'))).toMatchObject({
      flag: 'success',
      message: 'success',
    });
    expect(await qimen('taobao.qimen.stockchange.report', change('WH001', 'SC-1', '-2'))).toMatchObject({
      flag: 'success',
      message: 'already applied',
    });
    await waitFor('on hand down by 2', async () => (await level('WH001', 'SKU001'))?.onHand === before - 2);
    expect(await qimen('taobao.qimen.stockchange.report', change('WH003', 'SC-2', '5'))).toMatchObject({
      flag: 'failure',
      code: 'forbidden',
    });
  });

  test('a return confirmation: ZP lines back to sellable, CC kept apart as defective', async () => {
    const created = await fetch(`${t.hub.url}/api/oms/returns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': keys.shop },
      body: JSON.stringify({ returnNo: 'QRT1', orderNo: 'QM2', reason: '尺码不合适', items: [{ sku: 'SKU001', quantity: 2 }] }),
    });
    expect(created.status).toBe(201);
    const sent = await qimen('taobao.qimen.returnorder.confirm', {
      returnOrder: {
        returnOrderCode: 'QRT1',
        warehouseCode: 'WH001',
        outBizCode: 'TH-1',
        orderConfirmTime: '2025-11-25 11:00:00',
        logisticsCode: 'SF',
      },
      orderLines: {
        orderLine: [
          { itemCode: 'SKU001', actualQty: '1', inventoryType: 'ZP' },
          { itemCode: 'SKU001', actualQty: '1', inventoryType: 'CC' },
        ],
      },
    });
    expect(sent).toMatchObject({ flag: 'success', message: 'success' });
    const inspected = (await t.hub.deps.store.readStream('return-QRT1')).find((event) => event.type === 'ReturnInspected');
    expect(inspected?.data).toMatchObject({ lines: [expect.objectContaining({ sku: 'SKU001', qualified: 1, defective: 1 })] });
  });
});

describe('a Qimen message before its order', () => {
  test('a confirmation for an order not placed yet fails ORDER_NOT_FOUND, is parked, and is applied once the order is pushed', async () => {
    const early = await qimen(
      'taobao.qimen.deliveryorder.confirm',
      confirmation('QM-EARLY', 'WMS-EARLY-1', 'EARLY-1', '0', [['SF900', 'SKU001', 1]]),
    );
    expect(early).toMatchObject({ flag: 'failure', code: 'ORDER_NOT_FOUND' });
    expect(early.message).toContain('applied once order QM-EARLY is known');
    const parked = await asOps(`/api/oms/warehouse-messages/${early.messageId ?? ''}`);
    expect(parked.data.parked).toMatchObject({ waitingFor: { kind: 'order', no: 'QM-EARLY' }, settled: null });
    const placed = await fetch(`${t.hub.url}/api/oms/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': keys.shop },
      body: JSON.stringify(anOrder('QM-EARLY', { items: [{ sku: 'SKU001', quantity: 1 }] })),
    });
    expect(placed.status).toBe(201);
    const settled = await waitFor('the parked confirmation applied', async () => {
      const message = await asOps(`/api/oms/warehouse-messages/${early.messageId ?? ''}`);
      return message.data.parked?.settled ?? null;
    });
    expect(settled).toMatchObject({ outcome: 'APPLIED', changed: true });
    const order = await orderOf('QM-EARLY');
    expect(order.shipments.map((shipment: { waybillNo: string }) => shipment.waybillNo)).toEqual(['SF900']);
    expect(await causedBy(early.messageId)).toContain('order-QM-EARLY ShipmentRecorded');
  });
});
