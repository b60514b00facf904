/**
 * What the sandbox warehouse holds: its outbound orders (by warehouse and orderNo: an order moved
 * to another warehouse is a new order there) and inbounds, how many create calls each orderNo
 * received, the orders cancelled before they arrived, and the document and waybill numbers it
 * hands out, in its own local time.
 */
import type { z } from 'zod';
import type { inboundCreateRequest, outboundCreateRequest } from '../wms/wms-wire.ts';
import { dayStamp, localTime } from './sandbox-time.ts';

export type OutboundRequest = z.output<typeof outboundCreateRequest>;
export type InboundRequest = z.output<typeof inboundCreateRequest>;
export type Item = OutboundRequest['items'][number];
export type SkuQuantity = Readonly<{ sku: string; quantity: number }>;

export type OutboundStatus = 'PENDING' | 'PICKING' | 'PACKED' | 'SHORT' | 'PARTIALLY_SHIPPED' | 'SHIPPED' | 'CANCELLED';
export type SandboxOutbound = OutboundRequest & {
  outboundNo: string;
  status: OutboundStatus;
  waybills: Array<{ waybillNo: string; items: Item[] }>;
  shortItems: SkuQuantity[];
  takenAt: string;
};
export type SandboxInbound = InboundRequest & { wmsInboundNo: string; status: 'EXPECTED' | 'RECEIVED' | 'INSPECTED'; takenAt: string };

/** The order a warehouse's status moves through; out-of-order callbacks never move it back. */
const rank: Readonly<Record<OutboundStatus, number>> = {
  PENDING: 0,
  PICKING: 1,
  PACKED: 2,
  SHORT: 3,
  PARTIALLY_SHIPPED: 3,
  SHIPPED: 4,
  CANCELLED: 5,
};

export const hasShipped = (status: OutboundStatus): boolean => status === 'PARTIALLY_SHIPPED' || status === 'SHIPPED';

/** Moves the order to `status` if that is further along (never back). */
export const advance = (order: SandboxOutbound, status: OutboundStatus): void => {
  if (rank[status] > rank[order.status]) order.status = status;
};

/** Where an outbound order is held: by warehouse and orderNo. */
type OrderKey = Readonly<{ warehouseCode: string; orderNo: string }>;

const keyOf = (order: OrderKey): string => `${order.warehouseCode}/${order.orderNo}`;

export type WmsBookOptions = Readonly<{
  /** the warehouse's zone, for its local times and document numbers */
  zone: string;
  random: () => number;
  now: () => number;
}>;

export class WmsBook {
  private readonly outbound = new Map<string, SandboxOutbound>();
  private readonly inbound = new Map<string, SandboxInbound>();
  private readonly calls = new Map<string, number>();
  /** orders cancelled before they arrived (by warehouse and orderNo): refused if they come */
  private readonly cancelledUnseen = new Set<string>();
  private readonly waybillNos = new Set<string>();
  private sequence = 0;

  constructor(private readonly options: WmsBookOptions) {}

  orders(): readonly Readonly<SandboxOutbound>[] {
    return [...this.outbound.values()];
  }

  inbounds(): readonly Readonly<SandboxInbound>[] {
    return [...this.inbound.values()];
  }

  outboundAt(key: OrderKey): SandboxOutbound | undefined {
    return this.outbound.get(keyOf(key));
  }

  inboundOf(inboundNo: string): SandboxInbound | undefined {
    return this.inbound.get(inboundNo);
  }

  /** How many `outbound/create` calls arrived for this orderNo, faulted ones included. */
  createCalls(orderNo: string): number {
    return this.calls.get(orderNo) ?? 0;
  }

  /** Every orderNo's count of create calls. */
  createCallCounts(): Record<string, number> {
    return Object.fromEntries(this.calls);
  }

  countCreateCall(orderNo: string): void {
    this.calls.set(orderNo, this.createCalls(orderNo) + 1);
  }

  /** An order cancelled before it arrived: it will be refused if it comes. */
  cancelUnseen(key: OrderKey): void {
    this.cancelledUnseen.add(keyOf(key));
  }

  wasCancelledUnseen(key: OrderKey): boolean {
    return this.cancelledUnseen.has(keyOf(key));
  }

  /** Stop an order if it has not left: intercepted (one never received is refused if it comes), or too late. */
  cancel(key: OrderKey): Readonly<{ intercepted: boolean; status: string; detail: string }> {
    const { orderNo, warehouseCode } = key;
    const order = this.outboundAt(key);
    if (order === undefined) {
      this.cancelUnseen(key);
      return {
        intercepted: true,
        status: 'CANCELLED',
        detail: `${warehouseCode} never received ${orderNo}; it will refuse it if it comes`,
      };
    }
    if (hasShipped(order.status)) {
      const waybills = order.waybills.map((waybill) => waybill.waybillNo).join(', ');
      return {
        intercepted: false,
        status: order.status,
        detail: `too late: ${orderNo} already left ${order.warehouseCode} under ${waybills}`,
      };
    }
    order.status = 'CANCELLED';
    return { intercepted: true, status: 'CANCELLED', detail: `${orderNo} intercepted at ${order.warehouseCode} before it shipped` };
  }

  /** The order that was given this outbound number. */
  outboundNumbered(outboundNo: string): SandboxOutbound | undefined {
    return [...this.outbound.values()].find((order) => order.outboundNo === outboundNo);
  }

  /** A new outbound order, PENDING under its outboundNo. */
  addOutbound(request: OutboundRequest): SandboxOutbound {
    const order: SandboxOutbound = {
      ...request,
      outboundNo: this.outboundNoFor(request.orderNo),
      status: 'PENDING',
      waybills: [],
      shortItems: [],
      takenAt: this.localNow(),
    };
    this.outbound.set(keyOf(order), order);
    return order;
  }

  /** A new inbound, EXPECTED under its wmsInboundNo. */
  addInbound(request: InboundRequest): SandboxInbound {
    const inbound: SandboxInbound = { ...request, wmsInboundNo: this.documentNo('RK'), status: 'EXPECTED', takenAt: this.localNow() };
    this.inbound.set(inbound.inboundNo, inbound);
    return inbound;
  }

  /** A waybill number no waybill of this warehouse has had. */
  newWaybillNo(): string {
    let waybillNo: string;
    do waybillNo = `SF${String(Math.floor(this.options.random() * 1e10)).padStart(10, '0')}`;
    while (this.waybillNos.has(waybillNo));
    this.waybillNos.add(waybillNo);
    return waybillNo;
  }

  /** The warehouse's wall clock (docs/contracts.md#warehouse-time). */
  localNow(): string {
    return localTime(this.options.now(), this.options.zone);
  }

  /**
   * The article's pairing: order OMS202511220001 becomes WMS202511220001 (so its callback example
   * can be sent as it is in manual mode); any other order number, or one already taken, gets the
   * next `WMS{day}{sequence}`.
   */
  private outboundNoFor(orderNo: string): string {
    const digits = /^OMS(\d{12})$/.exec(orderNo)?.[1];
    const candidate = digits === undefined ? null : `WMS${digits}`;
    const taken = candidate !== null && [...this.outbound.values()].some((order) => order.outboundNo === candidate);
    return candidate !== null && !taken ? candidate : this.documentNo('WMS');
  }

  private documentNo(prefix: string): string {
    this.sequence += 1;
    return `${prefix}${dayStamp(this.options.now(), this.options.zone)}${String(this.sequence).padStart(4, '0')}`;
  }
}
