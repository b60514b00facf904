/**
 * What the hub does with each Qimen method a WMS calls (the hub as the ERP/OMS side): the same
 * application functions the article's JSON callbacks call (../http/routes/callback-routes.ts),
 * with the same checks: the fields (./qimen-wire.ts), the warehouse the caller may report for,
 * the warehouse's zone for its times, the message id (`outBizCode`) that makes a resent message
 * one effect. A report the hub cannot apply is kept for a person (an alert) and answered with a
 * failure naming why.
 *
 * Handled: `deliveryorder.confirm`, `itemlack.report`, `orderprocess.report` (outbound orders),
 * `entryorder.confirm` (purchase inbounds), `returnorder.confirm` (customer returns),
 * `stockchange.report` (the warehouse's own stock changes).
 *
 * `deliveryorder.confirm` lists one package per waybill: each is one shipment, in the order sent,
 * with `outBizCode` as its message id (`outBizCode/2`, `/3`, … for the second package and on), and
 * only the last carries the confirmation's final flag (`confirmType` 0: what is still open closes
 * short by the order's policy).
 */
import type { z } from 'zod';
import type { Dependencies } from '../../application/dependencies.ts';
import { newFlow } from '../../application/commands/cause.ts';
import type { Cause } from '../../application/commands/handle-command.ts';
import type { WaitingFor } from '../../application/warehouse-messages/warehouse-message.ts';
import { loadState } from '../../application/commands/handle-command.ts';
import { inboundOrders, orders, returnOrders } from '../../application/commands/aggregates.ts';
import { recordReceipt } from '../../application/inbound/record-receipt.ts';
import { recordInspection } from '../../application/returns/record-inspection.ts';
import { type StockChange, recordStockChange } from '../../application/stock/record-stock-change.ts';
import { Refused } from '../../domain/kernel/refused.ts';
import { inboundStreamName } from '../../domain/inbound-order/index.ts';
import { returnStreamName } from '../../domain/return-order/index.ts';
import { recordProgress, recordShipment, recordShortage } from '../../application/outbound/warehouse-reports.ts';
import { type Line, totalsBySku } from '../../domain/kernel/lines.ts';
import { type OrderState, orderStreamName, warehouseOfOutbound } from '../../domain/outbound-order/index.ts';
import type { Caller } from '../credentials/callers.ts';
import { HttpProblem } from '../http/answer.ts';
import { reportsFor } from '../http/reports-for.ts';
import { applyWarehouseReport } from '../http/apply-warehouse-report.ts';
import { warehouseInstant } from '../http/warehouse-time.ts';
import {
  type EntryOrderConfirm,
  qimenEndpointOf,
  deliveryOrderConfirm,
  entryOrderConfirm,
  isSellable,
  itemLackReport,
  orderProcessReport,
  recordedStages,
  returnOrderConfirm,
  stockChangeReport,
} from './qimen-wire.ts';

/** What a message came to; `waitingFor`: refused only because what it names is not known yet (it is parked until it is). */
export type QimenOutcome = Readonly<{ flag: 'success' | 'failure'; code: string; message: string; waitingFor?: WaitingFor }>;

export type QimenCall = Readonly<{
  deps: Dependencies;
  zoneOf: (warehouseCode: string | null) => string;
  caller: Caller;
  /** the message's id in the archive */
  messageId: string;
  /** the method as called, e.g. `taobao.qimen.deliveryorder.confirm` */
  method: string;
  /** the `<request>` element's content, as ./qimen-xml.ts read it */
  request: unknown;
  /** a parked message applied later: the event that woke it (its events are caused by it) */
  causationId?: string | undefined;
}>;

/** The flow a message's events belong to: its own, or, parked and applied later, caused by what woke it. */
const flowOf = (call: QimenCall, part = ''): string | Cause => {
  const flow = `qimen:${call.messageId}${part}`;
  return call.causationId === undefined ? flow : { ...newFlow(flow, call.deps.clock.now()), causationId: call.causationId };
};

const success = (changed: boolean): QimenOutcome => ({ flag: 'success', code: '0', message: changed ? 'success' : 'already applied' });

class QimenRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const parsed = <S extends z.ZodType>(schema: S, request: unknown): z.output<S> => {
  const result = schema.safeParse(request);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `request.${issue.path.map(String).join('.')}: ${issue.message}`);
  throw new QimenRefusal('invalid-fields', `invalid fields (nothing was applied): ${problems.join('; ')}`);
};

/** Qimen's `yyyy-MM-dd HH:mm:ss` in the warehouse's zone, as an instant. */
const instantIn = (call: QimenCall, text: string, warehouseCode: string | null, field: string): string => {
  const instant = warehouseInstant(text.replace(' ', 'T'), call.zoneOf(warehouseCode));
  if (instant === null) throw new QimenRefusal('invalid-fields', `request.${field}: not a valid time`);
  return instant;
};

/** The warehouse an order's report is about: the one whose WMS gave that outbound number, else the order's own. */
const reportedAt = (order: OrderState, outboundNo: string | undefined): string | null =>
  order.status === 'NONE' ? null : ((outboundNo === undefined ? undefined : warehouseOfOutbound(order, outboundNo)) ?? order.warehouseCode);

/** The caller reports for `named`, and for the warehouse its subject (order, inbound, return) is at; else forbidden. */
const mayReport = (call: QimenCall, named: string, subject: Readonly<{ no: string; warehouseCode: string | null }>): void => {
  try {
    reportsFor(call.caller, named, subject);
  } catch (error) {
    if (error instanceof HttpProblem) throw new QimenRefusal('forbidden', error.message);
    throw error;
  }
};

const mayReportOnOrder = async (call: QimenCall, named: string, orderNo: string, outboundNo: string | undefined): Promise<void> => {
  const order = await loadState(call.deps, orders, orderStreamName(orderNo));
  mayReport(call, named, { no: orderNo, warehouseCode: reportedAt(order, outboundNo) });
};

/**
 * Apply a report, the events it causes keeping the message (`metadata.callback`); one the domain
 * refuses is kept for a person and answered as a failure with the refusal's reason as its code.
 */
const applying = async (
  call: QimenCall,
  deliveryKey: string,
  /** what the message reports on, when it names an order (inbound, return) the hub may not know yet */
  subject: WaitingFor | null,
  apply: (deps: Dependencies) => Promise<boolean>,
): Promise<QimenOutcome> => {
  const endpoint = qimenEndpointOf(call.method);
  const outcome = await applyWarehouseReport(call.deps, { endpoint, body: call.request, messageId: call.messageId, deliveryKey }, apply);
  if ('applied' in outcome) return success(outcome.applied);
  const { reason, message } = outcome.refused;
  if (subject !== null && reason === `${subject.kind.toUpperCase()}_NOT_FOUND`)
    return {
      flag: 'failure',
      code: reason,
      message: `${message}; the message was kept for a person to look at, and is applied once ${subject.kind} ${subject.no} is known`,
      waitingFor: subject,
    };
  return { flag: 'failure', code: reason, message: `${message}; the message was kept for a person to look at` };
};

const confirmDelivery = async (call: QimenCall): Promise<QimenOutcome> => {
  const { deliveryOrder, packages } = parsed(deliveryOrderConfirm, call.request);
  const orderNo = deliveryOrder.deliveryOrderCode;
  await mayReportOnOrder(call, deliveryOrder.warehouseCode, orderNo, deliveryOrder.deliveryOrderId);
  const shippedAt = instantIn(call, deliveryOrder.orderConfirmTime, deliveryOrder.warehouseCode, 'deliveryOrder.orderConfirmTime');
  return applying(call, `${orderNo}:${deliveryOrder.outBizCode}`, { kind: 'order', no: orderNo }, async (deps) => {
    let changed = false;
    for (const [index, parcel] of packages.package.entries()) {
      const items = [...totalsBySku(parcel.items.item.map((item) => ({ sku: item.itemCode, quantity: item.quantity })))].map(
        ([sku, quantity]) => ({ sku, quantity }),
      );
      const last = index === packages.package.length - 1;
      const outcome = await recordShipment(
        deps,
        {
          orderNo,
          outboundNo: deliveryOrder.deliveryOrderId,
          waybillNo: parcel.expressCode,
          carrier: parcel.logisticsCode,
          items,
          shippedAt,
          final: last && deliveryOrder.confirmType === '0',
          messageId: index === 0 ? deliveryOrder.outBizCode : `${deliveryOrder.outBizCode}/${index + 1}`,
        },
        flowOf(call, `:${index + 1}`),
      );
      changed ||= outcome.changed;
    }
    return changed;
  });
};

const reportLack = async (call: QimenCall): Promise<QimenOutcome> => {
  const report = parsed(itemLackReport, call.request);
  await mayReportOnOrder(call, report.warehouseCode, report.deliveryOrderCode, report.deliveryOrderId);
  instantIn(call, report.createTime, report.warehouseCode, 'createTime');
  return applying(
    call,
    `${report.deliveryOrderCode}:${report.outBizCode}`,
    { kind: 'order', no: report.deliveryOrderCode },
    async (deps) => {
      const lines = [...totalsBySku(report.items.item.map((item) => ({ sku: item.itemCode, quantity: item.lackQty })))].map(
        ([sku, quantity]) => ({ sku, quantity }),
      );
      const outcome = await recordShortage(
        deps,
        { orderNo: report.deliveryOrderCode, warehouseCode: report.warehouseCode, lines, messageId: report.outBizCode },
        flowOf(call),
      );
      return outcome.changed;
    },
  );
};

const reportProcess = async (call: QimenCall): Promise<QimenOutcome> => {
  const { order, process, outBizCode } = parsed(orderProcessReport, call.request);
  await mayReportOnOrder(call, order.warehouseCode, order.orderCode, order.orderId);
  const at = instantIn(call, process.operateTime, order.warehouseCode, 'process.operateTime');
  const stage = recordedStages[process.processStatus];
  if (stage === undefined) return { flag: 'success', code: '0', message: `${process.processStatus} noted (kept, changes nothing)` };
  return applying(
    call,
    `${order.orderCode}:${process.processStatus}:${outBizCode ?? ''}`,
    { kind: 'order', no: order.orderCode },
    async (deps) => {
      const outcome = await recordProgress(
        deps,
        { orderNo: order.orderCode, warehouseCode: order.warehouseCode, stage, at, messageId: outBizCode },
        flowOf(call),
      );
      return outcome.changed;
    },
  );
};

/** The dates of a batch, when the warehouse gives them. */
const datesOf = (line: Readonly<{ productDate?: string | undefined; expireDate?: string | undefined }>) => ({
  ...(line.productDate === undefined ? {} : { productionDate: line.productDate }),
  ...(line.expireDate === undefined ? {} : { expiryDate: line.expireDate }),
});

/**
 * An entry confirmation's sellable units, per batch when it lists `batchs`. Defective units (`CC`
 * and the damaged kinds) are not received: a purchase inbound receives sellable goods only; the
 * next reconciliation puts them on the books as defective.
 */
const receivedLines = (confirm: EntryOrderConfirm): Line[] =>
  confirm.orderLines.orderLine.flatMap((line) =>
    (line.batchs?.batch ?? [{ ...line, batchCode: line.batchCode }])
      .filter((part) => isSellable(part.inventoryType) && part.actualQty > 0)
      .map((part) => ({
        sku: line.itemCode,
        quantity: part.actualQty,
        ...(part.batchCode === undefined ? {} : { batchNo: part.batchCode }),
        ...datesOf(part),
      })),
  );

const confirmEntry = async (call: QimenCall): Promise<QimenOutcome> => {
  const confirm = parsed(entryOrderConfirm, call.request);
  const { entryOrderCode: inboundNo, warehouseCode, outBizCode } = confirm.entryOrder;
  const inbound = (await loadState(call.deps, inboundOrders, inboundStreamName(inboundNo))).inbound;
  mayReport(call, warehouseCode, { no: inboundNo, warehouseCode: inbound?.warehouseCode ?? null });
  const receivedAt = instantIn(call, confirm.entryOrder.operateTime, warehouseCode, 'entryOrder.operateTime');
  const lines = receivedLines(confirm);
  if (lines.length === 0) return { flag: 'success', code: '0', message: 'nothing sellable received (kept, changes nothing)' };
  return applying(call, `${inboundNo}:${outBizCode}`, { kind: 'inbound', no: inboundNo }, async (deps) => {
    if ((await loadState(deps, inboundOrders, inboundStreamName(inboundNo))).inbound === null)
      throw new Refused('INBOUND_NOT_FOUND', `no inbound ${inboundNo}`);
    return (await recordReceipt(deps, { inboundNo, receiptNo: outBizCode, lines, receivedAt }, flowOf(call))).changed;
  });
};

const confirmReturn = async (call: QimenCall): Promise<QimenOutcome> => {
  const confirm = parsed(returnOrderConfirm, call.request);
  const { returnOrderCode: returnNo, warehouseCode, outBizCode, orderConfirmTime } = confirm.returnOrder;
  const created = (await loadState(call.deps, returnOrders, returnStreamName(returnNo))).created;
  mayReport(call, warehouseCode, { no: returnNo, warehouseCode: created?.warehouseCode ?? null });
  const inspectedAt = instantIn(call, orderConfirmTime, warehouseCode, 'returnOrder.orderConfirmTime');
  const bySkuAndBatch = new Map<string, { sku: string; qualified: number; defective: number; batchNo?: string }>();
  for (const line of confirm.orderLines.orderLine) {
    const key = `${line.itemCode}\u0000${line.batchCode ?? ''}`;
    const counted = bySkuAndBatch.get(key) ?? {
      sku: line.itemCode,
      qualified: 0,
      defective: 0,
      ...(line.batchCode === undefined ? {} : { batchNo: line.batchCode }),
    };
    if (isSellable(line.inventoryType)) counted.qualified += line.actualQty;
    else counted.defective += line.actualQty;
    bySkuAndBatch.set(key, counted);
  }
  const inspectionNo = outBizCode ?? `${returnNo}@${orderConfirmTime}`;
  return applying(call, `${returnNo}:${inspectionNo}`, { kind: 'return', no: returnNo }, async (deps) => {
    const lines = [...bySkuAndBatch.values()];
    return (await recordInspection(deps, { returnNo, inspectionNo, lines, inspectedAt }, flowOf(call))).changed;
  });
};

/** Each warehouse's and message id's items one stock change (`outBizCode` its id), applied once however often it is sent. */
const reportStockChange = async (call: QimenCall): Promise<QimenOutcome> => {
  const report = parsed(stockChangeReport, call.request);
  const changes = new Map<string, StockChange>();
  for (const item of report.items.item) {
    mayReport(call, item.warehouseCode, { no: item.outBizCode, warehouseCode: null });
    const key = `${item.warehouseCode}\u0000${item.outBizCode}`;
    const change = changes.get(key) ?? { changeId: item.outBizCode, warehouseCode: item.warehouseCode, lines: [] };
    changes.set(key, {
      ...change,
      lines: [
        ...change.lines,
        {
          sku: item.itemCode,
          quantity: item.quantity,
          reason: `${item.orderType ?? 'stock change'} ${item.orderCode}`,
          condition: isSellable(item.inventoryType) ? 'SELLABLE' : 'DEFECTIVE',
          batchNo: item.batchCode ?? null,
        },
      ],
    });
  }
  return applying(call, [...changes.keys()].join(','), null, async (deps) => {
    let changed = false;
    for (const change of changes.values()) changed = (await recordStockChange(deps, change)).changed || changed;
    return changed;
  });
};

/** The methods handled, by their short name (`deliveryorder.confirm`; called with or without `taobao.qimen.` before it). */
const methods: Readonly<Record<string, (call: QimenCall) => Promise<QimenOutcome>>> = {
  'deliveryorder.confirm': confirmDelivery,
  'itemlack.report': reportLack,
  'orderprocess.report': reportProcess,
  'entryorder.confirm': confirmEntry,
  'returnorder.confirm': confirmReturn,
  'stockchange.report': reportStockChange,
};

export const handledMethods = Object.keys(methods).map((name) => `taobao.qimen.${name}`);

/** Handle one message; what the caller got wrong is a failure saying what, never an exception. */
export const handleQimenMethod = async (call: QimenCall): Promise<QimenOutcome> => {
  const handler = methods[call.method.replace(/^taobao\.qimen\./, '')];
  if (handler === undefined)
    return {
      flag: 'failure',
      code: 'invalid-method',
      message: `the hub does not handle ${call.method}; it handles ${handledMethods.join(', ')}`,
    };
  try {
    return await handler(call);
  } catch (error) {
    if (error instanceof QimenRefusal) return { flag: 'failure', code: error.code, message: error.message };
    throw error;
  }
};
