/**
 * The sandbox warehouse's HTTP side: the calls the hub makes (outbound create and cancel, inbound
 * create, the stock query), each meeting the request faults first; what it holds (`GET
 * /sandbox/orders`, `GET /sandbox/inbounds`, `GET /sandbox/stock`); a person's "ship it now" in
 * manual mode, and "these units are lost / found"; and the faults' own routes.
 */
import type { Express, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  type OutboundCallback,
  inboundCreateRequest,
  inventoryType,
  outboundCancelRequest,
  outboundCreateRequest,
  quantity,
  stockQueryRequest,
} from '../wms/wms-wire.ts';
import type { Faults, wmsFaults } from './sandbox-faults.ts';
import type { HubCaller } from './sandbox-hub-caller.ts';
import { answer, validBody } from './sandbox-http.ts';
import {
  type InboundRequest,
  type OutboundRequest,
  type SandboxInbound,
  type SandboxOutbound,
  type WmsBook,
  advance,
  hasShipped,
} from './sandbox-wms-book.ts';
import { carrier } from './sandbox-wms-steps.ts';
import type { ShelfStock } from './sandbox-wms-stock.ts';

/** What a person says was lost or found: how many units, sellable unless said otherwise. */
const shelfMove = z.object({ quantity, inventoryType: inventoryType.default('SELLABLE') });

export type WmsRoutesOptions = Readonly<{
  book: WmsBook;
  stock: ShelfStock;
  faults: Faults<typeof wmsFaults>;
  /** who tells the hub of an order's shipment: the caller of the side that took it (JSON or Qimen) */
  hubOf: (order: SandboxOutbound) => HubCaller;
  logger: Logger;
  /** a new outbound order into the book (and into play, in auto mode) */
  takeOutbound: (request: OutboundRequest) => SandboxOutbound;
  /** a new inbound into the book (and into play, in auto mode) */
  takeInbound: (request: InboundRequest) => SandboxInbound;
}>;

export class WmsRoutes {
  constructor(private readonly options: WmsRoutesOptions) {}

  serve(app: Express): void {
    const { book, faults } = this.options;
    app.post('/api/wms/outbound/create', (req, res) => this.createOutbound(req.body, res));
    app.post('/api/wms/outbound/cancel', (req, res) => this.cancelOutbound(req.body, res));
    app.post('/api/wms/inbound/create', (req, res) => this.createInbound(req.body, res));
    app.post('/api/wms/stock/query', (req, res) => this.queryStock(req.body, res));
    app.get('/sandbox/stock', (_req, res) => answer(res, 200, { shelves: this.options.stock.shelves() }));
    app.post('/sandbox/stock/:warehouseCode/:sku/:move', (req, res) => this.loseOrFind(req.params, req.body, res));
    app.get('/sandbox/orders', (_req, res) => answer(res, 200, { orders: book.orders(), createCalls: book.createCallCounts() }));
    app.get('/sandbox/inbounds', (_req, res) => answer(res, 200, { inbounds: book.inbounds() }));
    app.post('/sandbox/outbound/:warehouseCode/:orderNo/ship', (req, res) => this.shipNow(req.params, req.body, res));
    faults.serve(app);
  }

  // ---- the three calls the hub makes ----

  private async createOutbound(raw: unknown, res: Response): Promise<void> {
    const { book } = this.options;
    const orderNo = typeof raw === 'object' && raw !== null && 'orderNo' in raw && typeof raw.orderNo === 'string' ? raw.orderNo : '(none)';
    book.countCreateCall(orderNo);
    if (await this.refuses(res, `outbound ${orderNo}`)) return;
    const request = validBody(outboundCreateRequest, raw, res);
    if (request === undefined) return;
    if (book.wasCancelledUnseen(request)) {
      answer(res, 409, null, `${request.orderNo} was cancelled before it reached ${request.warehouseCode}; it is not taken`);
      return;
    }
    const order = book.outboundAt(request) ?? this.options.takeOutbound(request);
    if (this.hangs(`outbound ${order.orderNo}`)) return;
    answer(res, 200, { outboundNo: order.outboundNo, status: order.status });
  }

  private async cancelOutbound(raw: unknown, res: Response): Promise<void> {
    if (await this.refuses(res, 'cancel')) return;
    const request = validBody(outboundCancelRequest, raw, res);
    if (request === undefined) return;
    const { orderNo, warehouseCode } = request;
    const data = { orderNo, ...this.options.book.cancel(request) };
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
    const inbound = this.options.book.inboundOf(request.inboundNo) ?? this.options.takeInbound(request);
    if (this.hangs(`inbound ${inbound.inboundNo}`)) return;
    answer(res, 200, { wmsInboundNo: inbound.wmsInboundNo, status: inbound.status });
  }

  private async queryStock(raw: unknown, res: Response): Promise<void> {
    if (await this.refuses(res, 'stock query')) return;
    const request = validBody(stockQueryRequest, raw, res);
    if (request === undefined) return;
    const page = this.options.stock.page(request);
    if (this.hangs(`stock query of ${request.warehouseCode}`)) return;
    answer(res, 200, { warehouseCode: request.warehouseCode, pageNo: request.pageNo, items: page.items, hasMore: page.hasMore });
  }

  // ---- faults every call meets ----

  /** latency, then 503 at errorRate, 400 at rejectRate: true when the call was answered so */
  private async refuses(res: Response, what: string): Promise<boolean> {
    const { faults, logger } = this.options;
    if (await faults.delayOrFail(res, what)) {
      logger.warn(`${what} answered 503 (errorRate ${faults.current.errorRate})`);
      return true;
    }
    const { rejectRate } = faults.current;
    if (!faults.hits(rejectRate)) return false;
    logger.warn(`${what} answered 400 (rejectRate ${rejectRate})`);
    answer(res, 400, null, `sandbox fault (rejectRate ${rejectRate}): ${what} refused`);
    return true;
  }

  /** at timeoutRate the call is done but never answered: the caller times out */
  private hangs(what: string): boolean {
    const { timeoutRate } = this.options.faults.current;
    if (!this.options.faults.hits(timeoutRate)) return false;
    this.options.logger.warn(`${what} done, but the answer is never sent (timeoutRate ${timeoutRate})`);
    return true;
  }

  // ---- a person playing the warehouse ----

  /**
   * A person says units went missing from the shelves (`lose`) or turned up (`find`), without
   * telling the hub: the next reconciliation finds the difference. `{ "quantity": 3 }`, sellable
   * unless `"inventoryType": "DEFECTIVE"`; at most what the shelves hold is lost.
   */
  private loseOrFind(params: Readonly<{ warehouseCode?: string; sku?: string; move?: string }>, raw: unknown, res: Response): void {
    const { warehouseCode = '', sku = '', move } = params;
    if (move !== 'lose' && move !== 'find') return answer(res, 404, null, `no such move ${move ?? ''}: lose or find`);
    const request = validBody(shelfMove, raw, res);
    if (request === undefined) return;
    const { stock, logger } = this.options;
    let moved = request.quantity;
    if (move === 'lose') moved = stock.take(warehouseCode, sku, request.inventoryType, request.quantity);
    else stock.put(warehouseCode, sku, request.inventoryType, request.quantity);
    logger.info(
      { warehouseCode, sku },
      `${warehouseCode} ${move === 'lose' ? 'lost' : 'found'} ${sku}×${moved} (${request.inventoryType})`,
    );
    const shelf = stock.shelves().find((s) => s.warehouseCode === warehouseCode && s.sku === sku);
    answer(res, 200, {
      warehouseCode,
      sku,
      [move === 'lose' ? 'lost' : 'found']: moved,
      sellable: shelf?.sellable ?? 0,
      defective: shelf?.defective ?? 0,
    });
  }

  /**
   * A person playing the warehouse (manual mode) ships an order now, in full, under a new waybill.
   * `{ "callback": false }` ships without telling the hub (to play a cancellation that comes too
   * late); the answer carries the article's callback body either way, ready to send with curl.
   */
  private async shipNow(params: Readonly<{ warehouseCode?: string; orderNo?: string }>, raw: unknown, res: Response): Promise<void> {
    const { book, hubOf, logger } = this.options;
    const order = book.outboundAt({ warehouseCode: params.warehouseCode ?? '', orderNo: params.orderNo ?? '' });
    if (order === undefined) return answer(res, 404, null, `${params.warehouseCode ?? ''} holds no order ${params.orderNo ?? ''}`);
    if (hasShipped(order.status) || order.status === 'CANCELLED') return answer(res, 409, null, `${order.orderNo} is ${order.status}`);
    const callback = !(typeof raw === 'object' && raw !== null && 'callback' in raw && raw.callback === false);
    const waybillNo = book.newWaybillNo();
    order.waybills.push({ waybillNo, items: order.items });
    advance(order, 'SHIPPED');
    for (const item of order.items) this.options.stock.take(order.warehouseCode, item.sku, 'SELLABLE', item.quantity);
    const body: OutboundCallback = {
      orderNo: order.orderNo,
      outboundNo: order.outboundNo,
      waybillNo,
      carrier,
      actualItems: order.items,
      shippedTime: book.localNow(),
    };
    logger.info(
      { orderNo: order.orderNo, waybillNo },
      `${order.warehouseCode} shipped ${order.orderNo} by hand under ${waybillNo}${callback ? '' : ' (the hub is not told)'}`,
    );
    if (callback) await hubOf(order).deliver('/api/oms/outbound/callback', body, `shipment ${waybillNo} of ${order.orderNo}`);
    answer(res, 200, { callback: body, delivered: callback });
  }
}
