/**
 * The `Warehouse` port against a Qimen WMS (./qimen-call.ts): the hub's instructions in Qimen's
 * methods and fields (the README's mapping table).
 *
 *   createOutbound  taobao.qimen.deliveryorder.create   orderType JYCK; priority HIGH → isUrgency Y,
 *                                                        else N; the answer's deliveryOrderId is the
 *                                                        outboundNo
 *   cancelOutbound  taobao.qimen.order.cancel           success → intercepted; a failure that is not
 *                                                        transient → not intercepted (too late),
 *                                                        with the WMS's words
 *   createInbound   taobao.qimen.entryorder.create      a purchase (CGRK); entryOrderId
 *                   taobao.qimen.returnorder.create     a customer return (THRK), returnOrderCode the
 *                                                        return's number; returnOrderId
 *   stockSnapshot   taobao.qimen.stock.query            a page (at most 100 lines) and the total
 *
 * Lines go as sellable (`inventoryType` ZP), numbered from 1, with the warehouse's owner code.
 */
import type { CallContext, CallOutcome } from '../../application/ports/outside-call.ts';
import type {
  CancelInstruction,
  InboundInstruction,
  OutboundInstruction,
  ShelfLine,
  StockSnapshotPage,
  StockSnapshotQuery,
  Warehouse,
} from '../../application/ports/warehouse.ts';
import type { Line } from '../../domain/kernel/lines.ts';
import { type QimenPeer, callQimen, qimenTimestamp } from './qimen-call.ts';
import { listOf, textOf } from './qimen-xml.ts';

export type QimenWarehouse = QimenPeer & Readonly<{ ownerCode: string }>;

const linesOf = (ownerCode: string, lines: readonly Line[]) => ({
  orderLine: lines.map((line, index) => ({
    orderLineNo: String(index + 1),
    ownerCode,
    itemCode: line.sku,
    planQty: String(line.quantity),
    inventoryType: 'ZP',
    ...(line.batchNo === undefined ? {} : { batchCode: line.batchNo }),
  })),
});

/** The answer's `field`, which a success must carry; or the refusal saying it did not. */
const required = (outcome: CallOutcome<Readonly<Record<string, unknown>>>, method: string, field: string): CallOutcome<string> => {
  if (!outcome.ok) return outcome;
  const value = textOf(outcome.value[field]);
  return value === undefined ? { ok: false, error: `${method}: success without ${field}`, retryable: false } : { ok: true, value };
};

const shelfLineOf = (fields: Readonly<Record<string, unknown>>): ShelfLine | string => {
  const sku = textOf(fields.itemCode);
  const quantity = Number(textOf(fields.quantity));
  if (sku === undefined || !Number.isSafeInteger(quantity) || quantity < 0) return `an item without itemCode or a whole quantity`;
  const type = textOf(fields.inventoryType) ?? 'ZP';
  return { sku, condition: type === 'ZP' ? 'SELLABLE' : 'DEFECTIVE', quantity, batchNo: textOf(fields.batchCode) ?? null };
};

export class QimenWmsClient implements Warehouse {
  constructor(
    private readonly warehouse: QimenWarehouse,
    private readonly nowMs: () => number = Date.now,
  ) {}

  private call(method: string, content: Readonly<Record<string, unknown>>, context: CallContext | undefined) {
    return callQimen(this.warehouse, method, content, this.nowMs(), context);
  }

  async createOutbound(instruction: OutboundInstruction, context?: CallContext): Promise<CallOutcome<{ outboundNo: string }>> {
    const method = 'taobao.qimen.deliveryorder.create';
    const { consignee } = instruction;
    const outcome = await this.call(
      method,
      {
        deliveryOrder: {
          deliveryOrderCode: instruction.orderNo,
          orderType: 'JYCK',
          warehouseCode: instruction.warehouseCode,
          createTime: qimenTimestamp(this.nowMs()),
          isUrgency: instruction.priority === 'HIGH' ? 'Y' : 'N',
          receiverInfo: {
            name: consignee.name,
            mobile: consignee.phone,
            province: consignee.province,
            city: consignee.city,
            area: consignee.district,
            detailAddress: consignee.address,
          },
        },
        orderLines: linesOf(this.warehouse.ownerCode, instruction.items),
      },
      context,
    );
    const id = required(outcome, method, 'deliveryOrderId');
    return id.ok ? { ok: true, value: { outboundNo: id.value } } : id;
  }

  async cancelOutbound(
    instruction: CancelInstruction,
    context?: CallContext,
  ): Promise<CallOutcome<{ intercepted: boolean; detail: string }>> {
    const outcome = await this.call(
      'taobao.qimen.order.cancel',
      {
        warehouseCode: instruction.warehouseCode,
        ownerCode: this.warehouse.ownerCode,
        orderCode: instruction.orderNo,
        ...(instruction.outboundNo === null ? {} : { orderId: instruction.outboundNo }),
        orderType: 'JYCK',
        cancelReason: instruction.reason.slice(0, 500),
      },
      context,
    );
    if (outcome.ok) return { ok: true, value: { intercepted: true, detail: textOf(outcome.value.message) ?? 'cancelled' } };
    return outcome.retryable ? outcome : { ok: true, value: { intercepted: false, detail: outcome.error } };
  }

  async createInbound(instruction: InboundInstruction, context?: CallContext): Promise<CallOutcome<{ wmsInboundNo: string }>> {
    const { ownerCode } = this.warehouse;
    const purchase = instruction.kind === 'PURCHASE';
    const method = purchase ? 'taobao.qimen.entryorder.create' : 'taobao.qimen.returnorder.create';
    const orderLines = linesOf(ownerCode, instruction.lines);
    const outcome = await this.call(
      method,
      purchase
        ? {
            entryOrder: {
              entryOrderCode: instruction.inboundNo,
              ownerCode,
              warehouseCode: instruction.warehouseCode,
              orderType: 'CGRK',
              ...(instruction.poNumber === null ? {} : { purchaseOrderCode: instruction.poNumber }),
              ...(instruction.supplier === null ? {} : { supplierCode: instruction.supplier }),
            },
            orderLines,
          }
        : {
            returnOrder: {
              // the hub's return number: what the WMS's returnorder.confirm names
              returnOrderCode: instruction.returnNo ?? instruction.inboundNo,
              ownerCode,
              warehouseCode: instruction.warehouseCode,
              orderType: 'THRK',
              preDeliveryOrderCode: instruction.returnNo ?? instruction.inboundNo,
              logisticsCode: 'OTHER',
            },
            orderLines,
          },
      context,
    );
    const id = required(outcome, method, purchase ? 'entryOrderId' : 'returnOrderId');
    return id.ok ? { ok: true, value: { wmsInboundNo: id.value } } : id;
  }

  async stockSnapshot(query: StockSnapshotQuery, context?: CallContext): Promise<CallOutcome<StockSnapshotPage>> {
    const method = 'taobao.qimen.stock.query';
    const outcome = await this.call(
      method,
      {
        warehouseCode: query.warehouseCode,
        ownerCode: this.warehouse.ownerCode,
        page: String(query.pageNo),
        pageSize: String(Math.min(query.pageSize, 100)),
      },
      context,
    );
    if (!outcome.ok) return outcome;
    const lines: ShelfLine[] = [];
    for (const item of listOf(outcome.value.items, 'item')) {
      const line = shelfLineOf(item);
      if (typeof line === 'string') return { ok: false, error: `${method}: ${line}`, retryable: false };
      lines.push(line);
    }
    const total = Number(textOf(outcome.value.totalCount) ?? textOf(outcome.value.totalLines) ?? NaN);
    if (!Number.isSafeInteger(total))
      return { ok: false, error: `${method}: no totalCount (or totalLines) in the answer`, retryable: false };
    const seen = (query.pageNo - 1) * Math.min(query.pageSize, 100) + lines.length;
    return { ok: true, value: { lines, hasMore: lines.length > 0 && seen < total } };
  }
}
