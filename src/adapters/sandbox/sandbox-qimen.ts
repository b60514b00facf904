/**
 * The sandbox warehouse speaking Qimen, as a real Qimen WMS would, beside its JSON side:
 *
 * - `POST /qimen` takes the hub's calls (`deliveryorder.create`, `order.cancel`,
 *   `entryorder.create`, `returnorder.create`, `stock.query`), checks each sign with the shared
 *   secret before reading the body, and answers in Qimen's `<response>`. The orders it takes go
 *   into the same book and are played by the same steps as the JSON ones. It meets the same
 *   request faults as the JSON side (`PUT /sandbox/faults`): latencyMs, then errorRate (HTTP 503,
 *   as a gateway that cannot reach the warehouse), rejectRate (a `<response>` with flag failure,
 *   code `SANDBOX_REJECTED`: not worth retrying), timeoutRate (done, never answered). A call whose
 *   sign does not hold is refused before any fault.
 * - `qimenEncoding` writes the callbacks of the orders it took this way as Qimen messages to the
 *   hub's `POST /api/qimen`, signed: progress → `orderprocess.report`, a shortage →
 *   `itemlack.report`, each waybill → `deliveryorder.confirm` (intermediate, `confirmType` 1, until
 *   the last, final, `confirmType` 0, when nothing was short), a receipt → `entryorder.confirm`, a
 *   return's inspection → `returnorder.confirm` (`ZP` qualified, `CC` defective). Each message's
 *   `outBizCode` is made from what it reports, so that a message sent again is the same message.
 */
import express, { type Express, type Response } from 'express';
import type { Logger } from 'pino';
import type { QimenSignMethod } from '../qimen/qimen-signature.ts';
import { qimenSignHolds } from '../qimen/qimen-signature.ts';
import { signedQuery } from '../qimen/qimen-call.ts';
import { fieldsOf, listOf, readXml, textOf, writeXml } from '../qimen/qimen-xml.ts';
import { carrierCode } from '../wms/carrier-names.ts';
import {
  type InboundCallback,
  type OutboundCallback,
  type OutboundProgressCallback,
  type OutboundShortageCallback,
  type ReturnCallback,
  inboundCreateRequest,
  outboundCreateRequest,
} from '../wms/wms-wire.ts';
import type { Encoding } from './sandbox-hub-caller.ts';
import type { InboundRequest, OutboundRequest, SandboxInbound, SandboxOutbound, WmsBook } from './sandbox-wms-book.ts';
import type { Faults, wmsFaults } from './sandbox-faults.ts';
import type { ShelfStock } from './sandbox-wms-stock.ts';

/** The key the hub and the sandbox share for Qimen: who the sandbox is to the hub, and the secret both sign with. */
export type SandboxQimenKey = Readonly<{ appKey: string; secret: string; signMethod: QimenSignMethod }>;

type Fields = Readonly<Record<string, unknown>>;

const OWNER = 'SANDBOX';

/** The warehouse's local time as Qimen writes it. */
const qimenTime = (localIso: string): string => localIso.replace('T', ' ').slice(0, 19);

const respond = (res: Response, fields: Fields): void => {
  res.status(200).type('text/xml; charset=utf-8').send(writeXml('response', fields));
};
const success = (fields: Fields = {}): Fields => ({ flag: 'success', code: '0', message: 'success', ...fields });
const failure = (code: string, message: string): Fields => ({ flag: 'failure', code, message });

const linesOf = (request: Fields) =>
  listOf(request.orderLines, 'orderLine').map((line) => ({
    sku: textOf(line.itemCode) ?? '',
    quantity: Number(textOf(line.planQty)),
    ...(textOf(line.batchCode) === undefined ? {} : { batchNo: textOf(line.batchCode) }),
  }));

export type SandboxQimenRoutesOptions = Readonly<{
  key: SandboxQimenKey;
  book: WmsBook;
  stock: ShelfStock;
  logger: Logger;
  takeOutbound: (request: OutboundRequest) => SandboxOutbound;
  takeInbound: (request: InboundRequest) => SandboxInbound;
  /** the WMS's request faults, met by every Qimen call as by every JSON one */
  faults: Faults<typeof wmsFaults>;
}>;

/** `POST /qimen`: the hub's Qimen calls (to be mounted before any JSON body reader). */
export const serveQimen = (app: Express, options: SandboxQimenRoutesOptions): void => {
  const { key, book, stock, logger, faults } = options;
  const methods: Readonly<Record<string, (request: Fields) => Fields>> = {
    'taobao.qimen.deliveryorder.create': (request) => {
      const order = fieldsOf(request.deliveryOrder);
      const receiver = fieldsOf(order.receiverInfo);
      const parsed = outboundCreateRequest.safeParse({
        orderNo: order.deliveryOrderCode,
        warehouseCode: order.warehouseCode,
        priority: order.isUrgency === 'Y' ? 'HIGH' : 'NORMAL',
        timeRequirement: 'STANDARD',
        items: linesOf(request),
        consignee: {
          name: receiver.name,
          phone: receiver.mobile,
          province: receiver.province,
          city: receiver.city,
          district: receiver.area,
          address: receiver.detailAddress,
        },
      });
      if (!parsed.success)
        return failure('invalid-fields', parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
      book.countCreateCall(parsed.data.orderNo);
      if (book.wasCancelledUnseen(parsed.data)) return failure('ORDER_CANCELED', `${parsed.data.orderNo} was cancelled before it arrived`);
      const taken = book.outboundAt(parsed.data) ?? options.takeOutbound(parsed.data);
      return success({ deliveryOrderId: taken.outboundNo, createTime: qimenTime(taken.takenAt) });
    },
    'taobao.qimen.order.cancel': (request) => {
      const orderNo = textOf(request.orderCode) ?? '';
      const outcome = book.cancel({ orderNo, warehouseCode: textOf(request.warehouseCode) ?? '' });
      logger.info({ orderNo }, `(Qimen) ${outcome.intercepted ? 'cancelled' : 'could not cancel'} ${orderNo}: ${outcome.detail}`);
      return outcome.intercepted ? success({ message: outcome.detail }) : failure('ORDER_SHIPPED', outcome.detail);
    },
    'taobao.qimen.entryorder.create': (request) => inbound(request, fieldsOf(request.entryOrder), 'PURCHASE'),
    'taobao.qimen.returnorder.create': (request) => inbound(request, fieldsOf(request.returnOrder), 'RETURN'),
    'taobao.qimen.stock.query': (request) => {
      const pageSize = Math.min(Number(textOf(request.pageSize) ?? 100), 100);
      const pageNo = Number(textOf(request.page) ?? 1);
      const warehouseCode = textOf(request.warehouseCode) ?? '';
      const page = stock.page({ warehouseCode, pageNo, pageSize });
      return success({
        totalCount: String(page.total),
        items: {
          item: page.items.map((item) => ({
            itemCode: item.sku,
            inventoryType: item.inventoryType === 'SELLABLE' ? 'ZP' : 'CC',
            quantity: String(item.quantity),
          })),
        },
      });
    },
  };
  const inbound = (request: Fields, document: Fields, type: 'PURCHASE' | 'RETURN'): Fields => {
    const number = textOf(type === 'PURCHASE' ? document.entryOrderCode : document.returnOrderCode);
    const parsed = inboundCreateRequest.safeParse({
      inboundNo: number,
      warehouseCode: document.warehouseCode,
      type,
      supplier: textOf(document.supplierCode) ?? null,
      poNumber: textOf(document.purchaseOrderCode) ?? null,
      returnNo: type === 'RETURN' ? (number ?? null) : null,
      items: linesOf(request).map(({ sku, quantity }) => ({ sku, quantity })),
    });
    if (!parsed.success)
      return failure('invalid-fields', parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
    const taken = book.inboundOf(parsed.data.inboundNo) ?? options.takeInbound(parsed.data);
    return success(type === 'PURCHASE' ? { entryOrderId: taken.wmsInboundNo } : { returnOrderId: taken.wmsInboundNo });
  };
  app.post('/qimen', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const parameters = Object.fromEntries(Object.entries(req.query).map(([name, value]) => [name, String(value)]));
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!qimenSignHolds(key.signMethod, key.secret, parameters, body, parameters.sign ?? ''))
      return respond(res, failure('sign-check-failure', 'Illegal request: the sign does not match'));
    const read = readXml(body.toString('utf8'));
    if (!read.ok || read.root !== 'request') return respond(res, failure('invalid-xml', read.ok ? `root <${read.root}>` : read.error));
    const method = methods[parameters.method ?? ''];
    if (method === undefined)
      return respond(res, failure('invalid-method', `the sandbox does not handle ${parameters.method ?? '(none)'}`));
    const what = `(Qimen) ${parameters.method ?? ''}`;
    if (await faults.delayOrFail(res, what)) return logger.warn(`${what} answered 503 (errorRate ${faults.current.errorRate})`);
    const { rejectRate, timeoutRate } = faults.current;
    if (faults.hits(rejectRate)) {
      logger.warn(`${what} refused (rejectRate ${rejectRate})`);
      return respond(res, failure('SANDBOX_REJECTED', `sandbox fault (rejectRate ${rejectRate}): ${what} refused`));
    }
    const answer = method(fieldsOf(read.value));
    if (faults.hits(timeoutRate)) return logger.warn(`${what} done, but the answer is never sent (timeoutRate ${timeoutRate})`);
    return respond(res, answer);
  });
};

/** The Qimen message (method and <request>) that reports what a JSON callback reports. */
const qimenMessageOf = (book: WmsBook, path: string, body: unknown): Readonly<{ method: string; content: Fields }> => {
  switch (path) {
    case '/api/oms/outbound/progress': {
      const report = body as OutboundProgressCallback;
      return {
        method: 'taobao.qimen.orderprocess.report',
        content: {
          order: { orderCode: report.orderNo, orderId: report.outboundNo, orderType: 'JYCK', warehouseCode: report.warehouseCode },
          process: { processStatus: report.status === 'PICKING' ? 'PICK' : 'PACKAGE', operateTime: qimenTime(report.time) },
          outBizCode: `${report.outboundNo}-${report.status}`,
        },
      };
    }
    case '/api/oms/outbound/shortage': {
      const report = body as OutboundShortageCallback;
      const order = book.outboundNumbered(report.outboundNo);
      const planned = (sku: string) => order?.items.filter((item) => item.sku === sku).reduce((sum, item) => sum + item.quantity, 0);
      return {
        method: 'taobao.qimen.itemlack.report',
        content: {
          warehouseCode: report.warehouseCode,
          deliveryOrderCode: report.orderNo,
          deliveryOrderId: report.outboundNo,
          createTime: qimenTime(report.time),
          outBizCode: `${report.outboundNo}-LACK`,
          items: {
            item: report.shortItems.map((item) => ({
              itemCode: item.sku,
              planQty: String(planned(item.sku) ?? item.quantity),
              lackQty: String(item.quantity),
              reason: '实物报缺',
            })),
          },
        },
      };
    }
    case '/api/oms/outbound/callback': {
      const shipment = body as OutboundCallback;
      const order = book.outboundNumbered(shipment.outboundNo);
      const final = order?.status === 'SHIPPED' && order.shortItems.length === 0;
      return {
        method: 'taobao.qimen.deliveryorder.confirm',
        content: {
          deliveryOrder: {
            deliveryOrderCode: shipment.orderNo,
            deliveryOrderId: shipment.outboundNo,
            warehouseCode: order?.warehouseCode ?? '',
            orderType: 'JYCK',
            status: final ? 'DELIVERED' : 'PARTDELIVERED',
            outBizCode: `${shipment.outboundNo}-${shipment.waybillNo}`,
            confirmType: final ? '0' : '1',
            orderConfirmTime: qimenTime(shipment.shippedTime),
          },
          packages: {
            package: [
              {
                logisticsCode: carrierCode(shipment.carrier),
                logisticsName: shipment.carrier,
                expressCode: shipment.waybillNo,
                items: { item: shipment.actualItems.map((item) => ({ itemCode: item.sku, quantity: String(item.quantity) })) },
              },
            ],
          },
        },
      };
    }
    case '/api/oms/inbound/callback': {
      const receipt = body as InboundCallback;
      return {
        method: 'taobao.qimen.entryorder.confirm',
        content: {
          entryOrder: {
            entryOrderCode: receipt.inboundNo,
            ownerCode: OWNER,
            warehouseCode: receipt.warehouseCode,
            entryOrderId: receipt.wmsInboundNo,
            entryOrderType: 'CGRK',
            outBizCode: `${receipt.wmsInboundNo}-IN`,
            confirmType: '0',
            status: 'FULFILLED',
            operateTime: qimenTime(receipt.receivedTime),
          },
          orderLines: {
            orderLine: receipt.receivedItems.map((item, index) => ({
              orderLineNo: String(index + 1),
              itemCode: item.sku,
              inventoryType: 'ZP',
              actualQty: String(item.quantity),
              ...(item.batchNo === undefined ? {} : { batchCode: item.batchNo }),
            })),
          },
        },
      };
    }
    case '/api/oms/return/callback': {
      const inspection = body as ReturnCallback;
      return {
        method: 'taobao.qimen.returnorder.confirm',
        content: {
          returnOrder: {
            returnOrderCode: inspection.returnNo,
            warehouseCode: inspection.warehouseCode,
            outBizCode: `${inspection.returnNo}-TH`,
            orderConfirmTime: qimenTime(inspection.inspectedTime),
            logisticsCode: 'OTHER',
          },
          orderLines: {
            orderLine: inspection.inspectedItems.flatMap((item) => [
              ...(item.qualified > 0 ? [{ itemCode: item.sku, inventoryType: 'ZP', actualQty: String(item.qualified) }] : []),
              ...(item.defective > 0 ? [{ itemCode: item.sku, inventoryType: 'CC', actualQty: String(item.defective) }] : []),
            ]),
          },
        },
      };
    }
    default:
      throw new Error(`no Qimen message reports ${path}`);
  }
};

/** Callbacks written as Qimen messages to the hub's `/api/qimen`, signed anew at each delivery; accepted when the answer's flag is success. */
export const qimenEncoding =
  (key: SandboxQimenKey, book: WmsBook): Encoding =>
  (path, body) => {
    const { method, content } = qimenMessageOf(book, path, body);
    const xml = writeXml('request', content);
    return {
      path: `/api/qimen?${signedQuery(key, 'SANDBOX', method, xml, Date.now())}`,
      headers: { 'content-type': 'text/xml;charset=utf-8' },
      body: xml,
      accepted: (status, answer) => {
        const read = readXml(answer);
        return status === 200 && read.ok && fieldsOf(read.value).flag === 'success';
      },
    };
  };
