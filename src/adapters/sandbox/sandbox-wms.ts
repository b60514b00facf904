/**
 * A warehouse management system to run the hub against: it takes outbound and inbound orders in
 * the contract of `wms-wire.ts` (idempotent by orderNo / inboundNo), then plays the warehouse and
 * calls the hub back: PICKING, PACKED, the shipment (docs/contracts.md#shipment-callback); a shortage, a receipt, a
 * return inspection. It plays the faults it is set to (`sandbox-faults.ts`), and in manual mode
 * takes orders and calls nothing back, for a person to play the warehouse with curl.
 *
 * `GET /sandbox/orders` and `GET /sandbox/inbounds` show what it holds, with how many create
 * calls each orderNo received (nothing should ever be taken twice under a different number).
 *
 * This class takes orders into play; its parts:
 *
 *   ./sandbox-wms-book.ts     what it holds, and the numbers it hands out
 *   ./sandbox-wms-stock.ts    what its shelves hold, and the stock snapshot it answers from them
 *   ./sandbox-wms-routes.ts   its HTTP routes, and the request faults they meet
 *   ./sandbox-wms-steps.ts    the steps an order is played in, and their callbacks
 *   ./sandbox-wms-player.ts   the steps played over time, the callbacks delivered
 *   ./sandbox-qimen.ts        its Qimen side: the hub's Qimen calls, and its callbacks as Qimen messages
 */
import type { Express } from 'express';
import type { Logger } from 'pino';
import { Faults, type WmsFaultsInput, wmsFaults } from './sandbox-faults.ts';
import type { Encoding, HubCaller } from './sandbox-hub-caller.ts';
import { jsonApp, type SecretOf } from './sandbox-http.ts';
import { type SandboxQimenKey, qimenEncoding, serveQimen } from './sandbox-qimen.ts';
import { type Schedule, waitOn } from './sandbox-time.ts';
import { type InboundRequest, type OutboundRequest, type SandboxInbound, type SandboxOutbound, WmsBook } from './sandbox-wms-book.ts';
import { StepPlayer } from './sandbox-wms-player.ts';
import { WmsRoutes } from './sandbox-wms-routes.ts';
import { type StepContext, inboundSteps, outboundSteps } from './sandbox-wms-steps.ts';
import { ShelfStock, type StockLine } from './sandbox-wms-stock.ts';

export type { OutboundStatus, SandboxInbound, SandboxOutbound } from './sandbox-wms-book.ts';

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
  /** the secret the hub signs its calls with, by the call's body (absent: calls need not be signed) */
  secretOf?: SecretOf;
  /** its shelves at start (absent: empty) */
  stock?: readonly StockLine[];
  /** its Qimen side (./sandbox-qimen.ts): the key shared with the hub, and how to make a caller of the hub that writes its callbacks so; absent: JSON only */
  qimen?: Readonly<{ key: SandboxQimenKey; hubWith: (encoding: Encoding) => HubCaller }>;
}>;

export class SandboxWms {
  readonly app: Express;
  readonly faults: Faults<typeof wmsFaults>;
  /** what its shelves hold */
  readonly stock: ShelfStock;
  private readonly book: WmsBook;
  /** the orders taken by the Qimen side: their callbacks, a person's "ship it now" included, go in Qimen */
  private readonly reportsTo = new WeakMap<SandboxOutbound, HubCaller>();
  private readonly player: StepPlayer;
  private readonly stepContext: StepContext;

  constructor(private readonly options: SandboxWmsOptions) {
    const wait = waitOn(options.schedule);
    this.faults = new Faults(wmsFaults, options.faults, options.random, wait);
    this.book = new WmsBook({ zone: options.zone, random: options.random, now: options.now });
    this.stock = new ShelfStock(options.stock ?? []);
    this.stepContext = { book: this.book, stock: this.stock, logger: options.logger };
    this.player = new StepPlayer({ hub: options.hub, delayMs: options.delayMs, wait, logger: options.logger });
    const routes = new WmsRoutes({
      book: this.book,
      stock: this.stock,
      faults: this.faults,
      hubOf: (order) => this.reportsTo.get(order) ?? options.hub,
      logger: options.logger,
      takeOutbound: (request) => this.takeOutbound(request),
      takeInbound: (request) => this.takeInbound(request),
    });
    const { qimen } = options;
    const qimenHub = qimen?.hubWith(qimenEncoding(qimen.key, this.book));
    this.app = jsonApp(
      (app) => routes.serve(app),
      options.secretOf,
      qimen === undefined || qimenHub === undefined
        ? undefined
        : (app) =>
            serveQimen(app, {
              key: qimen.key,
              book: this.book,
              stock: this.stock,
              logger: options.logger,
              faults: this.faults,
              takeOutbound: (request) => this.takeOutbound(request, qimenHub),
              takeInbound: (request) => this.takeInbound(request, qimenHub),
            }),
    );
  }

  orders(): readonly Readonly<SandboxOutbound>[] {
    return this.book.orders();
  }

  inbounds(): readonly Readonly<SandboxInbound>[] {
    return this.book.inbounds();
  }

  /** How many `outbound/create` calls arrived for this orderNo, faulted ones included. */
  createCalls(orderNo: string): number {
    return this.book.createCalls(orderNo);
  }

  /** Resolves when no order is being played any more (every callback delivered or dropped). */
  settled(): Promise<void> {
    return this.player.settled();
  }

  /** Take nothing further into play; orders being played stop at their next step. */
  stop(): void {
    this.player.stop();
  }

  /** An order into the book, and into play in auto mode, its callbacks sent by `hub` (the JSON one, or the Qimen one). */
  private takeOutbound(request: OutboundRequest, hub: HubCaller = this.options.hub): SandboxOutbound {
    const order = this.book.addOutbound(request);
    if (hub !== this.options.hub) this.reportsTo.set(order, hub);
    const faults = this.faults.current;
    this.options.logger.info(
      { orderNo: order.orderNo, outboundNo: order.outboundNo },
      `${order.warehouseCode} took ${order.orderNo} as ${order.outboundNo} (${faults.mode})`,
    );
    if (faults.mode === 'auto')
      this.player.play(outboundSteps(order, faults, this.stepContext), () => order.status !== 'CANCELLED', faults.duplicateCallbacks, hub);
    return order;
  }

  private takeInbound(request: InboundRequest, hub: HubCaller = this.options.hub): SandboxInbound {
    const inbound = this.book.addInbound(request);
    const faults = this.faults.current;
    this.options.logger.info(
      { inboundNo: inbound.inboundNo },
      `${inbound.warehouseCode} expects ${inbound.type} ${inbound.inboundNo} as ${inbound.wmsInboundNo} (${faults.mode})`,
    );
    if (faults.mode === 'auto')
      this.player.play(inboundSteps(inbound, faults, this.stepContext), () => true, faults.duplicateCallbacks, hub);
    return inbound;
  }
}
