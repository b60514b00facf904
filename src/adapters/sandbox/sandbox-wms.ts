/**
 * A warehouse management system to run the hub against: it takes outbound and inbound orders in
 * the contract of `wms-wire.ts` (idempotent by orderNo / inboundNo), then plays the warehouse and
 * calls the hub back: PICKING, PACKED, the shipment (docs/contracts.md#shipment-callback); a shortage, a receipt, a
 * return inspection. It plays the faults it is set to (`sandbox-faults.ts`), and in manual mode
 * takes orders and calls nothing back, for a person to play the warehouse with curl.
 *
 * `GET /sandbox/orders` and `GET /sandbox/inbounds` show what it holds, with how many create
 * calls each orderNo received (nothing should ever be taken twice under a different number).
 */
import type { Express, Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import {
  type InboundCallback,
  type OutboundCallback,
  type OutboundProgressCallback,
  type OutboundShortageCallback,
  type ReturnCallback,
  inboundCreateRequest,
  outboundCancelRequest,
  outboundCreateRequest,
} from '../wms/wms-wire.ts';
import { Faults, type WmsFaults, type WmsFaultsInput, wmsFaults } from './sandbox-faults.ts';
import type { HubCaller } from './sandbox-hub-caller.ts';
import { answer, jsonApp, validBody } from './sandbox-http.ts';
import { type Schedule, dayStamp, localTime, waitOn } from './sandbox-time.ts';

export type SandboxWmsOptions = Readonly<{
  hub: HubCaller;
  faults: WmsFaultsInput;
  /** from taking an order to its last callback; the callbacks are spread over it */
  delayMs: number;
  /** the warehouse's zone, for its local times and document numbers */
  zone: string;
  random: () => number;
  schedule: Schedule;
  now: () => number;
  logger: Logger;
}>;

type OutboundRequest = z.output<typeof outboundCreateRequest>;
type InboundRequest = z.output<typeof inboundCreateRequest>;
type Item = OutboundRequest['items'][number];
type SkuQuantity = Readonly<{ sku: string; quantity: number }>;

export type OutboundStatus = 'PENDING' | 'PICKING' | 'PACKED' | 'SHORT' | 'PARTIALLY_SHIPPED' | 'SHIPPED' | 'CANCELLED';
export type SandboxOutbound = OutboundRequest & {
  outboundNo: string;
  status: OutboundStatus;
  waybills: Array<{ waybillNo: string; items: Item[] }>;
  shortItems: SkuQuantity[];
  takenAt: string;
};
export type SandboxInbound = InboundRequest & { wmsInboundNo: string; status: 'EXPECTED' | 'RECEIVED' | 'INSPECTED'; takenAt: string };

const carrier = '顺丰速运';

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
const hasShipped = (status: OutboundStatus): boolean => status === 'PARTIALLY_SHIPPED' || status === 'SHIPPED';

/** A warehouse action (status change, waybill) and the callback that reports it. */
type Step = Readonly<{ progress: boolean; act: () => Readonly<{ path: string; body: object; what: string }> }>;

/** Take what the shortage fault says is missing (sku → units, per order) out of the lines. */
const pick = (items: readonly Item[], shortage: Readonly<Record<string, number>>): { shipped: Item[]; short: SkuQuantity[] } => {
  const missingLeft = new Map(Object.entries(shortage));
  const short = new Map<string, number>();
  const shipped: Item[] = [];
  for (const item of items) {
    const missing = Math.min(missingLeft.get(item.sku) ?? 0, item.quantity);
    if (missing > 0) {
      missingLeft.set(item.sku, (missingLeft.get(item.sku) ?? 0) - missing);
      short.set(item.sku, (short.get(item.sku) ?? 0) + missing);
    }
    if (item.quantity > missing) shipped.push({ ...item, quantity: item.quantity - missing });
  }
  return { shipped, short: [...short].map(([sku, quantity]) => ({ sku, quantity })) };
};

/** Two waybills: the first half of the units (rounded up) in the first, the rest in the second. */
const splitInTwo = (items: readonly Item[]): Item[][] => {
  let firstLeft = Math.ceil(items.reduce((sum, item) => sum + item.quantity, 0) / 2);
  const first: Item[] = [];
  const second: Item[] = [];
  for (const item of items) {
    const taken = Math.min(item.quantity, firstLeft);
    firstLeft -= taken;
    if (taken > 0) first.push({ ...item, quantity: taken });
    if (item.quantity > taken) second.push({ ...item, quantity: item.quantity - taken });
  }
  return second.length === 0 ? [first] : [first, second];
};

const keyOf = (order: Readonly<{ warehouseCode: string; orderNo: string }>): string => `${order.warehouseCode}/${order.orderNo}`;

const describe = (items: readonly SkuQuantity[]): string => items.map((item) => `${item.sku}×${item.quantity}`).join(', ');

export class SandboxWms {
  readonly app: Express;
  readonly faults: Faults<typeof wmsFaults>;
  /** by warehouse and orderNo: an order moved to another warehouse is a new order there */
  private readonly outbound = new Map<string, SandboxOutbound>();
  private readonly inbound = new Map<string, SandboxInbound>();
  private readonly calls = new Map<string, number>();
  /** orders cancelled before they arrived (by warehouse and orderNo): refused if they come */
  private readonly cancelledUnseen = new Set<string>();
  private readonly waybillNos = new Set<string>();
  private readonly playing = new Set<Promise<void>>();
  private readonly wait: (ms: number) => Promise<void>;
  private sequence = 0;
  private stopped = false;

  constructor(private readonly options: SandboxWmsOptions) {
    this.wait = waitOn(options.schedule);
    this.faults = new Faults(wmsFaults, options.faults, options.random, this.wait);
    this.app = jsonApp((app) => {
      app.post('/api/wms/outbound/create', (req, res) => this.createOutbound(req.body, res));
      app.post('/api/wms/outbound/cancel', (req, res) => this.cancelOutbound(req.body, res));
      app.post('/api/wms/inbound/create', (req, res) => this.createInbound(req.body, res));
      app.get('/sandbox/orders', (_req, res) => answer(res, 200, { orders: this.orders(), createCalls: Object.fromEntries(this.calls) }));
      app.get('/sandbox/inbounds', (_req, res) => answer(res, 200, { inbounds: this.inbounds() }));
      app.post('/sandbox/outbound/:warehouseCode/:orderNo/ship', (req, res) => this.shipNow(req.params, req.body, res));
      this.faults.serve(app);
    });
  }

  orders(): readonly Readonly<SandboxOutbound>[] {
    return [...this.outbound.values()];
  }

  inbounds(): readonly Readonly<SandboxInbound>[] {
    return [...this.inbound.values()];
  }

  /** How many `outbound/create` calls arrived for this orderNo, faulted ones included. */
  createCalls(orderNo: string): number {
    return this.calls.get(orderNo) ?? 0;
  }

  /** Resolves when no order is being played any more (every callback delivered or dropped). */
  async settled(): Promise<void> {
    while (this.playing.size > 0) await Promise.all(this.playing);
  }

  /** Take nothing further into play; orders being played stop at their next step. */
  stop(): void {
    this.stopped = true;
  }

  // ---- the three calls the hub makes ----

  private async createOutbound(raw: unknown, res: Response): Promise<void> {
    const orderNo = typeof raw === 'object' && raw !== null && 'orderNo' in raw && typeof raw.orderNo === 'string' ? raw.orderNo : '(none)';
    this.calls.set(orderNo, this.createCalls(orderNo) + 1);
    if (await this.refuses(res, `outbound ${orderNo}`)) return;
    const request = validBody(outboundCreateRequest, raw, res);
    if (request === undefined) return;
    if (this.cancelledUnseen.has(keyOf(request))) {
      answer(res, 409, null, `${request.orderNo} was cancelled before it reached ${request.warehouseCode}; it is not taken`);
      return;
    }
    const order = this.outbound.get(keyOf(request)) ?? this.takeOutbound(request);
    if (this.hangs(`outbound ${order.orderNo}`)) return;
    answer(res, 200, { outboundNo: order.outboundNo, status: order.status });
  }

  private async cancelOutbound(raw: unknown, res: Response): Promise<void> {
    if (await this.refuses(res, 'cancel')) return;
    const request = validBody(outboundCancelRequest, raw, res);
    if (request === undefined) return;
    const { orderNo, warehouseCode } = request;
    const order = this.outbound.get(keyOf(request));
    let data: { orderNo: string; intercepted: boolean; status: string; detail: string };
    if (order === undefined) {
      this.cancelledUnseen.add(keyOf(request));
      data = {
        orderNo,
        intercepted: true,
        status: 'CANCELLED',
        detail: `${warehouseCode} never received ${orderNo}; it will refuse it if it comes`,
      };
    } else if (hasShipped(order.status)) {
      const waybills = order.waybills.map((waybill) => waybill.waybillNo).join(', ');
      data = {
        orderNo,
        intercepted: false,
        status: order.status,
        detail: `too late: ${orderNo} already left ${order.warehouseCode} under ${waybills}`,
      };
    } else {
      order.status = 'CANCELLED';
      data = {
        orderNo,
        intercepted: true,
        status: 'CANCELLED',
        detail: `${orderNo} intercepted at ${order.warehouseCode} before it shipped`,
      };
    }
    this.options.logger.info(
      { orderNo, reason: request.reason },
      `${warehouseCode} ${data.intercepted ? 'cancelled' : 'could not cancel'} ${orderNo}: ${data.detail}`,
    );
    if (this.hangs(`cancel ${orderNo}`)) return;
    answer(res, 200, data);
  }

  private async createInbound(raw: unknown, res: Response): Promise<void> {
    if (await this.refuses(res, 'inbound')) return;
    const request = validBody(inboundCreateRequest, raw, res);
    if (request === undefined) return;
    if (request.type === 'RETURN' && request.returnNo === null) {
      answer(
        res,
        422,
        { errors: [{ path: 'body.returnNo', message: 'a RETURN inbound must name the return it receives' }] },
        'invalid body',
      );
      return;
    }
    const inbound = this.inbound.get(request.inboundNo) ?? this.takeInbound(request);
    if (this.hangs(`inbound ${inbound.inboundNo}`)) return;
    answer(res, 200, { wmsInboundNo: inbound.wmsInboundNo, status: inbound.status });
  }

  // ---- faults every call meets ----

  /** latency, then 503 at errorRate, 400 at rejectRate: true when the call was answered so */
  private async refuses(res: Response, what: string): Promise<boolean> {
    if (await this.faults.delayOrFail(res, what)) {
      this.options.logger.warn(`${what} answered 503 (errorRate ${this.faults.current.errorRate})`);
      return true;
    }
    const { rejectRate } = this.faults.current;
    if (!this.faults.hits(rejectRate)) return false;
    this.options.logger.warn(`${what} answered 400 (rejectRate ${rejectRate})`);
    answer(res, 400, null, `sandbox fault (rejectRate ${rejectRate}): ${what} refused`);
    return true;
  }

  /** at timeoutRate the call is done but never answered: the caller times out */
  private hangs(what: string): boolean {
    const { timeoutRate } = this.faults.current;
    if (!this.faults.hits(timeoutRate)) return false;
    this.options.logger.warn(`${what} done, but the answer is never sent (timeoutRate ${timeoutRate})`);
    return true;
  }

  /**
   * A person playing the warehouse (manual mode) ships an order now, in full, under a new waybill.
   * `{ "callback": false }` ships without telling the hub (to play a cancellation that comes too
   * late); the answer carries the article's callback body either way, ready to send with curl.
   */
  private async shipNow(params: Readonly<{ warehouseCode?: string; orderNo?: string }>, raw: unknown, res: Response): Promise<void> {
    const order = this.outbound.get(keyOf({ warehouseCode: params.warehouseCode ?? '', orderNo: params.orderNo ?? '' }));
    if (order === undefined) return answer(res, 404, null, `${params.warehouseCode ?? ''} holds no order ${params.orderNo ?? ''}`);
    if (hasShipped(order.status) || order.status === 'CANCELLED') return answer(res, 409, null, `${order.orderNo} is ${order.status}`);
    const callback = !(typeof raw === 'object' && raw !== null && 'callback' in raw && raw.callback === false);
    const waybillNo = this.newWaybillNo();
    order.waybills.push({ waybillNo, items: order.items });
    this.advance(order, 'SHIPPED');
    const body: OutboundCallback = {
      orderNo: order.orderNo,
      outboundNo: order.outboundNo,
      waybillNo,
      carrier,
      actualItems: order.items,
      shippedTime: this.localNow(),
    };
    this.options.logger.info(
      { orderNo: order.orderNo, waybillNo },
      `${order.warehouseCode} shipped ${order.orderNo} by hand under ${waybillNo}${callback ? '' : ' (the hub is not told)'}`,
    );
    if (callback) await this.options.hub.deliver('/api/oms/outbound/callback', body, `shipment ${waybillNo} of ${order.orderNo}`);
    answer(res, 200, { callback: body, delivered: callback });
  }

  // ---- playing the warehouse ----

  private takeOutbound(request: OutboundRequest): SandboxOutbound {
    const order: SandboxOutbound = {
      ...request,
      outboundNo: this.outboundNoFor(request.orderNo),
      status: 'PENDING',
      waybills: [],
      shortItems: [],
      takenAt: this.localNow(),
    };
    this.outbound.set(keyOf(order), order);
    const faults = this.faults.current;
    this.options.logger.info(
      { orderNo: order.orderNo, outboundNo: order.outboundNo },
      `${order.warehouseCode} took ${order.orderNo} as ${order.outboundNo} (${faults.mode})`,
    );
    if (faults.mode === 'auto') this.play(this.outboundSteps(order, faults), () => order.status !== 'CANCELLED', faults.duplicateCallbacks);
    return order;
  }

  private outboundSteps(order: SandboxOutbound, faults: WmsFaults): Step[] {
    const { orderNo, outboundNo, warehouseCode } = order;
    const { logger } = this.options;
    const { shipped, short } = pick(order.items, faults.shortage);
    const waybills = shipped.length === 0 ? [] : faults.partialShipments ? splitInTwo(shipped) : [shipped];

    const progress = (status: 'PICKING' | 'PACKED'): Step => ({
      progress: true,
      act: () => {
        this.advance(order, status);
        logger.info({ orderNo }, `${warehouseCode} ${status === 'PICKING' ? 'is picking' : 'packed'} ${orderNo}`);
        const body: OutboundProgressCallback = { orderNo, outboundNo, warehouseCode, status, time: this.localNow() };
        return { path: '/api/oms/outbound/progress', body, what: `${status} of ${orderNo}` };
      },
    });
    const shortage: Step = {
      progress: false,
      act: () => {
        order.shortItems = short;
        if (waybills.length === 0) this.advance(order, 'SHORT');
        logger.info({ orderNo }, `${warehouseCode} is short of ${describe(short)} for ${orderNo}`);
        const body: OutboundShortageCallback = { orderNo, outboundNo, warehouseCode, shortItems: short, time: this.localNow() };
        return { path: '/api/oms/outbound/shortage', body, what: `shortage of ${orderNo}` };
      },
    };
    const shipment = (items: Item[], index: number): Step => ({
      progress: false,
      act: () => {
        const waybillNo = this.newWaybillNo();
        order.waybills.push({ waybillNo, items });
        this.advance(order, index === waybills.length - 1 ? 'SHIPPED' : 'PARTIALLY_SHIPPED');
        logger.info({ orderNo, waybillNo }, `${warehouseCode} shipped ${describe(items)} of ${orderNo} under ${waybillNo}`);
        const body: OutboundCallback = { orderNo, outboundNo, waybillNo, carrier, actualItems: items, shippedTime: this.localNow() };
        return { path: '/api/oms/outbound/callback', body, what: `shipment ${waybillNo} of ${orderNo}` };
      },
    });

    const steps = [
      progress('PICKING'),
      ...(short.length > 0 ? [shortage] : []),
      ...(waybills.length > 0 ? [progress('PACKED'), ...waybills.map(shipment)] : []),
    ];
    return faults.outOfOrderCallbacks ? [...steps.filter((step) => !step.progress), ...steps.filter((step) => step.progress)] : steps;
  }

  private takeInbound(request: InboundRequest): SandboxInbound {
    const inbound: SandboxInbound = { ...request, wmsInboundNo: this.documentNo('RK'), status: 'EXPECTED', takenAt: this.localNow() };
    this.inbound.set(inbound.inboundNo, inbound);
    const faults = this.faults.current;
    this.options.logger.info(
      { inboundNo: inbound.inboundNo },
      `${inbound.warehouseCode} expects ${inbound.type} ${inbound.inboundNo} as ${inbound.wmsInboundNo} (${faults.mode})`,
    );
    if (faults.mode === 'auto')
      this.play(
        [inbound.type === 'PURCHASE' ? this.receipt(inbound) : this.inspection(inbound, faults.defectiveShare)],
        () => true,
        faults.duplicateCallbacks,
      );
    return inbound;
  }

  private receipt(inbound: SandboxInbound): Step {
    return {
      progress: false,
      act: () => {
        inbound.status = 'RECEIVED';
        this.options.logger.info(
          { inboundNo: inbound.inboundNo },
          `${inbound.warehouseCode} received ${describe(inbound.items)} of ${inbound.inboundNo}`,
        );
        const body: InboundCallback = {
          inboundNo: inbound.inboundNo,
          wmsInboundNo: inbound.wmsInboundNo,
          warehouseCode: inbound.warehouseCode,
          receivedItems: inbound.items.map((item) => ({ sku: item.sku, quantity: item.quantity })),
          receivedTime: this.localNow(),
        };
        return { path: '/api/oms/inbound/callback', body, what: `receipt of ${inbound.inboundNo}` };
      },
    };
  }

  private inspection(inbound: SandboxInbound, defectiveShare: number): Step {
    return {
      progress: false,
      act: () => {
        inbound.status = 'INSPECTED';
        const inspectedItems = inbound.items.map((item) => {
          const defective = Math.round(item.quantity * defectiveShare);
          return { sku: item.sku, qualified: item.quantity - defective, defective };
        });
        const summary = inspectedItems.map((item) => `${item.sku} ${item.qualified} good, ${item.defective} defective`).join('; ');
        this.options.logger.info(
          { inboundNo: inbound.inboundNo },
          `${inbound.warehouseCode} inspected return ${inbound.returnNo ?? ''}: ${summary}`,
        );
        const body: ReturnCallback = {
          returnNo: inbound.returnNo ?? inbound.inboundNo,
          warehouseCode: inbound.warehouseCode,
          inspectedItems,
          inspectedTime: this.localNow(),
        };
        return { path: '/api/oms/return/callback', body, what: `inspection of return ${body.returnNo}` };
      },
    };
  }

  /** Each step after its share of the delay, while still wanted; every callback sent (twice when duplicating). */
  private play(steps: readonly Step[], stillWanted: () => boolean, duplicate: boolean): void {
    const pause = this.options.delayMs / steps.length;
    const played = (async () => {
      for (const step of steps) {
        await this.wait(pause);
        if (this.stopped || !stillWanted()) return;
        const { path, body, what } = step.act();
        await this.options.hub.deliver(path, body, what);
        if (duplicate) await this.options.hub.deliver(path, body, `${what} (again: duplicateCallbacks)`);
      }
    })()
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'the sandbox warehouse failed while playing an order'))
      .finally(() => this.playing.delete(played));
    this.playing.add(played);
  }

  private advance(order: SandboxOutbound, status: OutboundStatus): void {
    if (rank[status] > rank[order.status]) order.status = status;
  }

  /**
   * The article's pairing: order OMS202511220001 becomes WMS202511220001 (so its callback example
   * can be sent as it is in manual mode); any other order number, or one already taken, gets the
   * next `WMS{day}{sequence}`.
   */
  private outboundNoFor(orderNo: string): string {
    const paired = /^OMS(\d{12})$/.exec(orderNo);
    const candidate = paired === null ? null : `WMS${paired[1] as string}`;
    const taken = candidate !== null && [...this.outbound.values()].some((order) => order.outboundNo === candidate);
    return candidate !== null && !taken ? candidate : this.documentNo('WMS');
  }

  private documentNo(prefix: string): string {
    this.sequence += 1;
    return `${prefix}${dayStamp(this.options.now(), this.options.zone)}${String(this.sequence).padStart(4, '0')}`;
  }

  private newWaybillNo(): string {
    let waybillNo: string;
    do waybillNo = `SF${String(Math.floor(this.options.random() * 1e10)).padStart(10, '0')}`;
    while (this.waybillNos.has(waybillNo));
    this.waybillNos.add(waybillNo);
    return waybillNo;
  }

  private localNow(): string {
    return localTime(this.options.now(), this.options.zone);
  }
}
