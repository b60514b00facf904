/**
 * What the sandbox's Qimen side writes, the hub's Qimen side reads back as it was meant: any
 * shipment (Chinese carrier names, many lines), any receipt with batches, any return with
 * qualified and defective units go through the sandbox's encoding (XML, signed) and come out of the
 * hub's reading (the sign checked, the XML read, the method's schema) with the same numbers, SKUs,
 * waybills, carriers, quantities, batches and times.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { qimenSignHolds } from '../../../src/adapters/qimen/qimen-signature.ts';
import { deliveryOrderConfirm, entryOrderConfirm, returnOrderConfirm } from '../../../src/adapters/qimen/qimen-wire.ts';
import { readXml } from '../../../src/adapters/qimen/qimen-xml.ts';
import { qimenEncoding } from '../../../src/adapters/sandbox/sandbox-qimen.ts';
import { WmsBook } from '../../../src/adapters/sandbox/sandbox-wms-book.ts';
import { carrierCode } from '../../../src/adapters/wms/carrier-names.ts';

const key = { appKey: 'sandbox-qimen', secret: 'a-secret-of-the-sandbox-0123456789', signMethod: 'md5' } as const;
const code = fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/);
const quantity = fc.integer({ min: 1, max: 1_000_000 });
const chineseName = fc
  .string({ unit: fc.constantFrom('张', '三', '北', '京', '市', '区', '号', '&', '<', ' '), minLength: 1, maxLength: 20 })
  .map((name) => name.trim() || '张三');
const localTime = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T23:59:59Z'), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 19));

/** The hub's reading of a message the sandbox wrote: the sign over its bytes, then its XML, then its method's schema. */
const hubReads = <T>(message: Readonly<{ path: string; body: string }>, schema: { parse: (value: unknown) => T }): T => {
  const parameters = Object.fromEntries(new URL(`http://hub${message.path}`).searchParams);
  expect(qimenSignHolds('md5', key.secret, parameters, message.body, parameters.sign ?? '')).toBe(true);
  const read = readXml(message.body);
  if (!read.ok) throw new Error(read.error);
  expect(read.root).toBe('request');
  return schema.parse(read.value);
};

const book = () => new WmsBook({ zone: 'Asia/Shanghai', random: () => 0.5, now: () => Date.parse('2025-11-22T02:00:00Z') });

describe('sandbox → hub', () => {
  test.prop([
    code,
    fc.constantFrom('顺丰速运', '圆通速递', 'SF', 'JD'),
    fc.array(fc.record({ sku: code, quantity }), { minLength: 1, maxLength: 30 }),
    chineseName,
    localTime,
  ])('a shipment: the order, its outbound number, waybill, carrier code, lines and time', (orderNo, carrier, items, name, shippedTime) => {
    const wms = book();
    const order = wms.addOutbound({
      orderNo,
      warehouseCode: 'WH002',
      priority: 'NORMAL',
      timeRequirement: 'STANDARD',
      items,
      consignee: { name, phone: '13800138000', province: name, city: name, district: name, address: name },
    });
    const waybillNo = wms.newWaybillNo();
    const message = qimenEncoding(key, wms)('/api/oms/outbound/callback', {
      orderNo,
      outboundNo: order.outboundNo,
      waybillNo,
      carrier,
      actualItems: items,
      shippedTime,
    });
    const read = hubReads(message, deliveryOrderConfirm);
    expect(read.deliveryOrder).toMatchObject({
      deliveryOrderCode: orderNo,
      deliveryOrderId: order.outboundNo,
      warehouseCode: 'WH002',
      orderConfirmTime: shippedTime.replace('T', ' '),
    });
    const [parcel] = read.packages.package;
    expect(parcel?.expressCode).toBe(waybillNo);
    expect(parcel?.logisticsCode).toBe(carrierCode(carrier));
    expect(parcel?.items.item.map((item) => ({ sku: item.itemCode, quantity: item.quantity }))).toEqual(items);
  });

  test.prop([
    code,
    code,
    fc.array(fc.record({ sku: code, quantity, batchNo: fc.option(code, { nil: undefined }) }), { minLength: 1, maxLength: 30 }),
    localTime,
  ])('a receipt: the inbound, the WMS number, every line with its batch', (inboundNo, wmsInboundNo, lines, receivedTime) => {
    const receivedItems = lines.map(({ batchNo, ...line }) => (batchNo === undefined ? line : { ...line, batchNo }));
    const message = qimenEncoding(key, book())('/api/oms/inbound/callback', {
      inboundNo,
      wmsInboundNo,
      warehouseCode: 'WH002',
      receivedItems,
      receivedTime,
    });
    const read = hubReads(message, entryOrderConfirm);
    expect(read.entryOrder).toMatchObject({ entryOrderCode: inboundNo, entryOrderId: wmsInboundNo, warehouseCode: 'WH002' });
    expect(
      read.orderLines.orderLine.map((line) => ({
        sku: line.itemCode,
        quantity: line.actualQty,
        ...(line.batchCode === undefined ? {} : { batchNo: line.batchCode }),
      })),
    ).toEqual(receivedItems);
  });

  test.prop([
    code,
    fc.array(fc.record({ sku: code, qualified: fc.nat({ max: 1000 }), defective: fc.nat({ max: 1000 }) }), { minLength: 1, maxLength: 20 }),
    localTime,
  ])('a return: qualified units as ZP lines, defective as CC lines', (returnNo, inspectedItems, inspectedTime) => {
    const kept = inspectedItems.filter((item) => item.qualified + item.defective > 0);
    fc.pre(kept.length > 0);
    const message = qimenEncoding(key, book())('/api/oms/return/callback', {
      returnNo,
      warehouseCode: 'WH002',
      inspectedItems: kept,
      inspectedTime,
    });
    const read = hubReads(message, returnOrderConfirm);
    expect(read.returnOrder.returnOrderCode).toBe(returnNo);
    const sum = (type: string) => (sku: string) =>
      read.orderLines.orderLine
        .filter((line) => line.itemCode === sku && (line.inventoryType ?? 'ZP') === type)
        .reduce((total, line) => total + line.actualQty, 0);
    for (const item of kept) {
      expect(kept.filter((other) => other.sku === item.sku).reduce((total, other) => total + other.qualified, 0)).toBe(sum('ZP')(item.sku));
      expect(kept.filter((other) => other.sku === item.sku).reduce((total, other) => total + other.defective, 0)).toBe(sum('CC')(item.sku));
    }
  });
});
