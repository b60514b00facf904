/**
 * The `Warehouse` port over HTTP, against one WMS at a base URL, in the article's contract
 * (`wms-wire.ts`). The WMS is idempotent by orderNo / inboundNo; this client relies on nothing more
 * and keeps no state of its own.
 */
import type { CallContext, CallOutcome } from '../../application/ports/outside-call.ts';
import type {
  CancelInstruction,
  InboundInstruction,
  OutboundInstruction,
  StockSnapshotPage,
  StockSnapshotQuery,
  Warehouse,
} from '../../application/ports/warehouse.ts';
import type { Line } from '../../domain/kernel/lines.ts';
import { postJson } from '../outside-call/http-call.ts';
import {
  type InboundCreateRequest,
  type OutboundCancelRequest,
  type OutboundCreateRequest,
  type StockQueryRequest,
  inboundCreateAnswer,
  outboundCancelAnswer,
  outboundCreateAnswer,
  stockQueryAnswer,
} from './wms-wire.ts';

export type WmsHttpClientOptions = Readonly<{
  /** e.g. http://wms.example:8080 (a path prefix is kept) */
  baseUrl: string;
  /** per call, answer included */
  timeoutMs: number;
  /** a warehouse's own timeout, when it has one (undefined: timeoutMs) */
  timeoutOf?: (warehouseCode: string) => number | undefined;
  /** the secret a warehouse's calls are signed with (../signature/hub-signature.ts); absent or null: unsigned */
  signingSecret?: (warehouseCode: string) => string | null;
}>;

const itemOf = (line: Line) =>
  line.batchNo === undefined
    ? { sku: line.sku, quantity: line.quantity }
    : { sku: line.sku, quantity: line.quantity, batchNo: line.batchNo };

export class WmsHttpClient implements Warehouse {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly timeoutOf: (warehouseCode: string) => number | undefined;
  private readonly signingSecret: (warehouseCode: string) => string | null;

  constructor(options: WmsHttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs;
    this.timeoutOf = options.timeoutOf ?? (() => undefined);
    this.signingSecret = options.signingSecret ?? (() => null);
  }

  async createOutbound(instruction: OutboundInstruction, context?: CallContext): Promise<CallOutcome<{ outboundNo: string }>> {
    const body: OutboundCreateRequest = {
      orderNo: instruction.orderNo,
      warehouseCode: instruction.warehouseCode,
      priority: instruction.priority,
      timeRequirement: instruction.timeRequirement,
      items: instruction.items.map(itemOf),
      consignee: {
        name: instruction.consignee.name,
        phone: instruction.consignee.phone,
        province: instruction.consignee.province,
        city: instruction.consignee.city,
        district: instruction.consignee.district,
        address: instruction.consignee.address,
      },
    };
    const outcome = await postJson({
      url: `${this.baseUrl}/api/wms/outbound/create`,
      body,
      answer: outboundCreateAnswer,
      timeoutMs: this.timeoutOf(body.warehouseCode) ?? this.timeoutMs,
      signingSecret: this.signingSecret(body.warehouseCode),
      context,
    });
    return outcome.ok ? { ok: true, value: { outboundNo: outcome.value.outboundNo } } : outcome;
  }

  async cancelOutbound(
    instruction: CancelInstruction,
    context?: CallContext,
  ): Promise<CallOutcome<{ intercepted: boolean; detail: string }>> {
    const body: OutboundCancelRequest = {
      orderNo: instruction.orderNo,
      warehouseCode: instruction.warehouseCode,
      outboundNo: instruction.outboundNo,
      reason: instruction.reason,
    };
    const outcome = await postJson({
      url: `${this.baseUrl}/api/wms/outbound/cancel`,
      body,
      answer: outboundCancelAnswer,
      timeoutMs: this.timeoutOf(body.warehouseCode) ?? this.timeoutMs,
      signingSecret: this.signingSecret(body.warehouseCode),
      context,
    });
    return outcome.ok ? { ok: true, value: { intercepted: outcome.value.intercepted, detail: outcome.value.detail } } : outcome;
  }

  async createInbound(instruction: InboundInstruction, context?: CallContext): Promise<CallOutcome<{ wmsInboundNo: string }>> {
    const body: InboundCreateRequest = {
      inboundNo: instruction.inboundNo,
      warehouseCode: instruction.warehouseCode,
      type: instruction.kind,
      supplier: instruction.supplier,
      poNumber: instruction.poNumber,
      returnNo: instruction.returnNo,
      items: instruction.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
    };
    const outcome = await postJson({
      url: `${this.baseUrl}/api/wms/inbound/create`,
      body,
      answer: inboundCreateAnswer,
      timeoutMs: this.timeoutOf(body.warehouseCode) ?? this.timeoutMs,
      signingSecret: this.signingSecret(body.warehouseCode),
      context,
    });
    return outcome.ok ? { ok: true, value: { wmsInboundNo: outcome.value.wmsInboundNo } } : outcome;
  }

  async stockSnapshot(query: StockSnapshotQuery, context?: CallContext): Promise<CallOutcome<StockSnapshotPage>> {
    const body: StockQueryRequest = { warehouseCode: query.warehouseCode, pageNo: query.pageNo, pageSize: query.pageSize };
    const url = `${this.baseUrl}/api/wms/stock/query`;
    const outcome = await postJson({
      url,
      body,
      answer: stockQueryAnswer,
      timeoutMs: this.timeoutOf(body.warehouseCode) ?? this.timeoutMs,
      signingSecret: this.signingSecret(body.warehouseCode),
      context,
    });
    if (!outcome.ok) return outcome;
    const page = outcome.value;
    if (page.warehouseCode !== query.warehouseCode || page.pageNo !== query.pageNo)
      return {
        ok: false,
        error: `POST ${url}: asked for page ${query.pageNo} of ${query.warehouseCode}, answered page ${page.pageNo} of ${page.warehouseCode}`,
        retryable: false,
      };
    return {
      ok: true,
      value: {
        lines: page.items.map((item) => ({
          sku: item.sku,
          condition: item.inventoryType,
          quantity: item.quantity,
          batchNo: item.batchNo ?? null,
        })),
        hasMore: page.hasMore,
      },
    };
  }
}
