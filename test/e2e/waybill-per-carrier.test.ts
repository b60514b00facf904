/**
 * A waybill number is unique per carrier only. Two orders at one warehouse, of one SKU, shipped by
 * two carriers that printed the same number (the first named as the article names its carrier,
 * 顺丰速运, the second by code), over real HTTP against the real hub on SQLite files: both are
 * deducted, both reach the sandbox TMS, each hand-off is found by its carrier and number, and
 * `oms verify` (the real bin/oms, on the store the hub wrote) finds nothing.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type TestHub, startTestHub, waitFor } from '../support/test-hub.ts';
import { anOrder } from './e2e-fixtures.ts';

const OMS = resolve(import.meta.dirname, '../../bin/oms');

let t: TestHub;
let running = false;
beforeAll(async () => {
  t = await startTestHub({ env: { SANDBOX_MODE: 'manual' } });
  running = true;
});
afterAll(async () => {
  if (running) await t.stop();
});

const verify = (dataDir: string): Promise<Readonly<{ code: number; stdout: string; stderr: string }>> =>
  new Promise((done) => {
    const env = { PATH: process.env.PATH ?? '', OMS_DATA_DIR: dataDir, WAREHOUSE_ZONE: 'Asia/Shanghai' };
    execFile(OMS, ['verify'], { env }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });

test('one waybill number, two carriers, two orders: both shipped, both deducted, both handed to the TMS, and the store verifies', async () => {
  const shipments = [
    { orderNo: 'WPC1', carrier: '顺丰速运', code: 'SF' },
    { orderNo: 'WPC2', carrier: 'YTO', code: 'YTO' },
  ] as const;
  const waybillNo = '7700123456';
  for (const { orderNo } of shipments) expect((await t.post('/api/oms/orders', anOrder(orderNo))).status).toBe(201);
  for (const { orderNo, carrier } of shipments) {
    const pushed = await t.orderReaches(orderNo, 'PUSHED_TO_WMS');
    const answer = await t.post('/api/oms/outbound/callback', {
      orderNo,
      outboundNo: pushed.outboundNo,
      waybillNo,
      carrier,
      actualItems: [{ sku: 'SKU001', quantity: 2 }],
      shippedTime: '2025-11-22T10:00:00',
    });
    expect(answer).toMatchObject({ status: 200, body: { data: { applied: true, status: 'SHIPPED' } } });
  }

  const stock = await waitFor('both deductions', async () => {
    const [level] = (await t.get('/api/oms/stock?warehouseCode=WH001&sku=SKU001')).body.data;
    return level?.onHand === 96 ? level : undefined;
  });
  expect(stock).toMatchObject({ onHand: 96, reserved: 0, available: 96 });
  for (const { orderNo, code } of shipments) {
    const handedOff = await waitFor(`the hand-off of ${orderNo}`, async () => {
      const shipment = (await t.get(`/api/oms/shipments/${code}/${waybillNo}`)).body.data;
      return shipment?.status === 'HANDED_OFF' ? shipment : undefined;
    });
    expect(handedOff).toMatchObject({ orderNo, carrier: code, waybillNo });
  }
  const atTheTms = t.hub.sandbox?.tms.shipments() ?? [];
  expect(atTheTms.map(({ orderNo, carrier }) => ({ orderNo, carrier }))).toEqual([
    { orderNo: 'WPC1', carrier: 'SF' },
    { orderNo: 'WPC2', carrier: 'YTO' },
  ]);
  expect(new Set(atTheTms.map((s) => s.transportRef)).size).toBe(2);
  expect((await t.get('/api/oms/alerts')).body.data).toEqual([]);

  await t.stop();
  running = false;
  const verified = await verify(t.dataDir);
  expect(verified.stdout).toContain('every stream intact');
  expect(verified.stdout).toContain('projections: identical to a rebuild from the events');
  expect(verified.code).toBe(0);
}, 30_000);
