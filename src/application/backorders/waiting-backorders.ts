import { Refused } from '../../domain/kernel/refused.ts';
import { orderStreamName } from '../../domain/outbound-order/index.ts';
import { onOrder, orders } from '../commands/aggregates.ts';
import { causedBy } from '../commands/cause.ts';
import { loadState } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';
import { KeptRows } from '../events/kept-rows.ts';
import type { HubEvent } from '../events/recorded-event.ts';
import type { Subscription } from '../ports/event-store.ts';
import type { KeptReadModel } from '../ports/kept-read-model.ts';
import { undecodableAlert } from '../events/undecodable-event.ts';
import { type BookRow, type Owed, bookRowCodec, owedKey, shortKey } from './book-row.ts';
import { dropBackorderOfCancelledOrder } from './drop-backorder.ts';
import { ReportedShort } from './reported-short.ts';
import { type StockArrival, stockArrival } from './stock-arrival.ts';

type Waiting = Omit<Owed, 'kind'> &
  Readonly<{
    /** why it could not be placed (it waits for a person), or null while it waits for stock */
    blocked: string | null;
  }>;

/** The name the book is kept under. */
export const BACKORDER_BOOK_MODEL = 'backorder-book';

/**
 * Partial shipment and backorder (部分发货 + 缺货单, docs/architecture.md#backorders): what an order
 * and its backorders could not ship is owed to the customer as backorders numbered from the original
 * order (`{orderNo}-BO{n}`), each placed as an order of its own (same consignee, priority and policy)
 * once stock covers it: in its own warehouse if possible, else in any warehouse that covers it, never
 * in one that reported its SKUs short until that warehouse's stock is replenished (reported-short.ts).
 *
 * Nothing owed leaves the book unrecorded: a backorder leaves it when it is placed (`OrderPlaced`) or
 * cancelled on its original (`BackorderCancelled`: the original was cancelled, or a person said so).
 * One that cannot be placed (refused) stays in the book, blocked, and is raised for a person. The
 * book is kept (`deps.keptReadModels`: a table in the hub's data directory) with the position of
 * the last event it has taken in, and resumed there at start (without a place to keep it, it is
 * rebuilt from the events); `placeCovered` runs after start and whenever stock arrives.
 */
export class WaitingBackorders {
  private readonly waiting = new Map<string, Waiting>();
  private readonly reportedShort = new ReportedShort();
  /** being placed now (looked for a warehouse, placed): a second pass leaves them alone */
  private readonly placing = new Set<string>();
  /** what is owed and the reports in force, as kept */
  private readonly book: KeptRows<BookRow>;
  private subscription: Subscription | undefined;

  constructor(
    private readonly deps: Dependencies,
    kept: KeptReadModel<BookRow> | undefined = deps.keptReadModels?.model(BACKORDER_BOOK_MODEL, bookRowCodec),
  ) {
    this.book = new KeptRows(kept);
  }

  async start(): Promise<void> {
    const after = await this.book.load();
    this.waiting.clear();
    for (const row of this.book.values()) {
      if (row.kind === 'owed') {
        const { kind: _kind, ...owed } = row;
        this.waiting.set(row.backorderNo, { ...owed, blocked: null });
      } else
        for (const { warehouseCode, sku, position } of row.reports)
          this.reportedShort.report(row.orderNo, warehouseCode, [{ sku, quantity: 1 }], position);
    }
    this.subscription = this.deps.events.subscribe({
      ...(after === undefined ? {} : { after }),
      types: [
        'BackorderCreated',
        'BackorderCarriedOver',
        'BackorderCancelled',
        'OrderPlaced',
        'StockReceived',
        'StockAdjusted',
        'StockVarianceRecorded',
      ],
      onEvent: (event) => {
        this.observe(event);
        this.book.reached(event.position);
      },
      // the book stands at every event it has looked at, so that a restart starts after them
      onPassedOver: (position) => this.book.reached(position),
      onUndecodable: async (problem) => {
        await this.deps.alerting.raise(undecodableAlert(problem, this.deps.clock.now()));
        this.book.reached(problem.stored.position);
      },
    });
    await this.subscription.caughtUp;
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    await this.book.flush();
  }

  /** Every backorder owed and not yet placed, blocked ones included. */
  list(): readonly Omit<Waiting, 'cause'>[] {
    return [...this.waiting.values()].map(({ cause: _cause, ...waiting }) => waiting);
  }

  /** Stock arrived: a warehouse that reported it short before may have backorders again; place what it now covers. */
  async stockArrived(arrival: StockArrival): Promise<void> {
    if (arrival.replenished) this.replenished(arrival);
    await this.placeCovered(arrival);
  }

  /** Place every waiting backorder that stock now covers (of one warehouse and SKU, or all); blocked ones wait for a person. */
  async placeCovered(arrival?: Readonly<{ warehouseCode: string; sku: string }>): Promise<void> {
    for (const waiting of [...this.waiting.values()]) {
      const { backorderNo } = waiting;
      if (waiting.blocked !== null || this.placing.has(backorderNo)) continue;
      if (arrival !== undefined && !waiting.lines.some((line) => line.sku === arrival.sku)) continue;
      this.placing.add(backorderNo);
      try {
        const warehouseCode = await this.warehouseFor(waiting);
        // still waiting as it was: not placed or cancelled while the warehouse was looked for
        if (warehouseCode !== null && this.waiting.get(backorderNo) === waiting) await this.place(waiting, warehouseCode);
      } finally {
        this.placing.delete(backorderNo);
      }
    }
  }

  private async warehouseFor(waiting: Waiting): Promise<string | null> {
    const avoid = this.reportedShort.warehousesToAvoid(waiting.orderNo, waiting.lines);
    if (!avoid.includes(waiting.warehouseCode)) {
      const levels = await Promise.all(waiting.lines.map((line) => this.deps.inventory.level(waiting.warehouseCode, line.sku)));
      if (waiting.lines.every((line, i) => (levels[i]?.available ?? 0) >= line.quantity)) return waiting.warehouseCode;
    }
    return this.deps.inventory.warehouseCovering(waiting.lines, avoid);
  }

  private async place(waiting: Waiting, warehouseCode: string): Promise<void> {
    const { backorderNo, orderNo } = waiting;
    try {
      const original = await loadState(this.deps, orders, orderStreamName(orderNo));
      const now = this.deps.clock.now();
      const cause = { ...waiting.cause, recordedAt: now };
      if (!original.issuedBackorders.some((issued) => issued.backorderNo === backorderNo)) {
        this.owedNoMore(backorderNo); // cancelled meanwhile: its BackorderCancelled is on its way to the book
      } else if (original.status === 'CANCELLED') {
        await dropBackorderOfCancelledOrder(this.deps, orderNo, backorderNo, cause);
        this.owedNoMore(backorderNo);
      } else if (original.consignee === null) {
        await this.block(waiting, `order ${orderNo} is not known`);
      } else {
        const { priority, timeRequirement, consignee, policy } = original;
        await onOrder(
          this.deps,
          backorderNo,
          {
            type: 'PlaceOrder',
            data: {
              orderNo: backorderNo,
              warehouseCode,
              priority,
              timeRequirement,
              items: waiting.lines,
              consignee,
              policy,
              backorderOf: orderNo,
              now,
            },
          },
          cause,
        );
        this.owedNoMore(backorderNo);
      }
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      await this.block(waiting, `${error.reason}: ${error.message}`);
    }
  }

  /** It stays owed, in the book, until a person cancels it; they are told. */
  private async block(waiting: Waiting, reason: string): Promise<void> {
    const { backorderNo, orderNo, lines } = waiting;
    this.waiting.set(backorderNo, { ...waiting, blocked: reason });
    await this.deps.alerting.raise({
      key: `backorder:${backorderNo}`,
      kind: 'MANUAL_INTERVENTION',
      subject: orderStreamName(orderNo),
      message: `backorder ${backorderNo} of order ${orderNo} cannot be placed (${reason}); it stays owed until a person cancels it (POST /api/oms/orders/${orderNo}/backorders/${backorderNo}/cancel)`,
      details: { backorderNo, orderNo, lines, reason },
      raisedAt: this.deps.clock.now(),
    });
  }

  private observe(event: HubEvent): void {
    const arrival = stockArrival(event);
    if (arrival?.replenished === true) this.replenished(arrival);
    if (event.category !== 'order') return;
    switch (event.type) {
      case 'BackorderCreated':
      case 'BackorderCarriedOver': {
        const { backorderNo, warehouseCode, lines, reportedShortBy } = event.data;
        if (reportedShortBy !== null) {
          this.reportedShort.report(event.streamId, reportedShortBy, lines, event.position);
          this.keepReports(event.streamId);
        }
        const owed: Owed = {
          kind: 'owed',
          backorderNo,
          orderNo: event.streamId,
          warehouseCode,
          lines,
          cause: causedBy(event, event.metadata.recordedAt),
        };
        this.book.set(owedKey(backorderNo), owed);
        const { kind: _kind, ...waiting } = owed;
        this.waiting.set(backorderNo, { ...waiting, blocked: null });
        return;
      }
      case 'BackorderCancelled':
        this.owedNoMore(event.data.backorderNo);
        return;
      case 'OrderPlaced':
        // placed as a backorder; an order a channel placed under the same number does not pay what is owed
        if (event.data.backorderOf !== undefined) this.owedNoMore(event.data.orderNo);
        return;
      default:
        return;
    }
  }

  private owedNoMore(backorderNo: string): void {
    this.waiting.delete(backorderNo);
    this.book.delete(owedKey(backorderNo));
  }

  private replenished(arrival: StockArrival): void {
    for (const orderNo of this.reportedShort.replenished(arrival.warehouseCode, arrival.sku, arrival.position)) this.keepReports(orderNo);
  }

  /** The family's reports in force, as kept (none left: its row goes). */
  private keepReports(orderNo: string): void {
    const reports = this.reportedShort.reportsOf(orderNo);
    if (reports.length === 0) this.book.delete(shortKey(orderNo));
    else this.book.set(shortKey(orderNo), { kind: 'short', orderNo, reports });
  }
}
