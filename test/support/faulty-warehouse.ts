/**
 * A fake WMS for model-based tests: one warehouse management system per warehouse code, holding
 * the goods physically, answering `createOutbound` as the fault the test has set says, and
 * playing the warehouse's side (ship, report short) only when the test asks it to.
 *
 * - `createOutbound` is idempotent by orderNo (per warehouse): the same order sent again answers
 *   with the same outboundNo. An order the warehouse already cancelled (or was told to cancel
 *   before it arrived) is refused, not revived.
 * - `cancelOutbound` intercepts unless something of the order has already left the warehouse; it
 *   fails (retryable) while the WMS is down, and its answer is lost on a timeout.
 * - Every call is recorded, faulted ones included.
 */
import type { Line } from '../../src/domain/kernel/lines.ts';
import type { CallOutcome } from '../../src/application/ports/outside-call.ts';
import type {
  CancelInstruction,
  InboundInstruction,
  OutboundInstruction,
  StockSnapshotPage,
  StockSnapshotQuery,
  Warehouse,
} from '../../src/application/ports/warehouse.ts';

/**
 * ok: answers; down: answers 503 without doing anything; reject: answers 400 without doing
 * anything; timeout: does it, but the answer never arrives (the caller sees a retryable failure).
 */
export type WmsFault = 'ok' | 'down' | 'reject' | 'timeout';

export type CreateOutboundCall = Readonly<{
  orderNo: string;
  warehouseCode: string;
  items: readonly Line[];
  fault: WmsFault;
  outboundNo: string | null;
}>;
export type CancelOutboundCall = Readonly<{
  orderNo: string;
  warehouseCode: string;
  outboundNo: string | null;
  fault: WmsFault;
  intercepted: boolean | null;
}>;

/** An outbound order as the warehouse holds it. */
export type HeldOutbound = {
  readonly orderNo: string;
  readonly warehouseCode: string;
  readonly outboundNo: string;
  /** what the instruction asked for */
  readonly instructed: readonly Line[];
  /** per SKU: what has left the warehouse, and what it reported it cannot ship */
  readonly shipped: Map<string, number>;
  readonly short: Map<string, number>;
  cancelled: boolean;
};

const keyOf = (warehouseCode: string, other: string): string => `${warehouseCode}\n${other}`;

export class FaultyWarehouse implements Warehouse {
  fault: WmsFault = 'ok';
  readonly createCalls: CreateOutboundCall[] = [];
  readonly cancelCalls: CancelOutboundCall[] = [];
  private readonly outbounds = new Map<string, HeldOutbound>();
  private readonly cancelledUnseen = new Set<string>();
  private readonly goods = new Map<string, number>();
  private sequence = 0;

  // ---- the warehouse floor, driven by the test ----

  /** Goods physically arrive. */
  receive(warehouseCode: string, sku: string, quantity: number): void {
    this.goods.set(keyOf(warehouseCode, sku), this.onHand(warehouseCode, sku) + quantity);
  }

  /** Goods go missing from the shelves by no order (at most what they hold), or turn up (a negative quantity). Returns the units that went. */
  lose(warehouseCode: string, sku: string, quantity: number): number {
    const lost = Math.min(quantity, this.onHand(warehouseCode, sku));
    this.goods.set(keyOf(warehouseCode, sku), this.onHand(warehouseCode, sku) - lost);
    return lost;
  }

  /** What is physically on the shelves. */
  onHand(warehouseCode: string, sku: string): number {
    return this.goods.get(keyOf(warehouseCode, sku)) ?? 0;
  }

  /** every (warehouseCode, sku) that ever held goods */
  shelves(): readonly Readonly<{ warehouseCode: string; sku: string; onHand: number }>[] {
    return [...this.goods].map(([key, onHand]) => {
      const [warehouseCode = '', sku = ''] = key.split('\n');
      return { warehouseCode, sku, onHand };
    });
  }

  /** Outbound orders still to be worked: not cancelled, something neither shipped nor reported short. Stable order. */
  live(): readonly HeldOutbound[] {
    return [...this.outbounds.values()].filter((o) => !o.cancelled && this.remaining(o).length > 0);
  }

  remaining(outbound: HeldOutbound): Line[] {
    return outbound.instructed
      .map((line) => ({
        sku: line.sku,
        quantity: line.quantity - (outbound.shipped.get(line.sku) ?? 0) - (outbound.short.get(line.sku) ?? 0),
      }))
      .filter((line) => line.quantity > 0);
  }

  /** Ship up to the quantities wanted: no more than is left to ship, nor than is on the shelves. Returns what left. */
  ship(outbound: HeldOutbound, wanted: readonly Line[]): Line[] {
    const left = new Map(this.remaining(outbound).map((line) => [line.sku, line.quantity]));
    const shipped: Line[] = [];
    for (const line of wanted) {
      const quantity = Math.min(line.quantity, left.get(line.sku) ?? 0, this.onHand(outbound.warehouseCode, line.sku));
      if (quantity <= 0) continue;
      this.goods.set(keyOf(outbound.warehouseCode, line.sku), this.onHand(outbound.warehouseCode, line.sku) - quantity);
      outbound.shipped.set(line.sku, (outbound.shipped.get(line.sku) ?? 0) + quantity);
      shipped.push({ sku: line.sku, quantity });
    }
    return shipped;
  }

  /** The warehouse finds it cannot ship these quantities (no more than is left). Returns what it reports. */
  reportShort(outbound: HeldOutbound, wanted: readonly Line[]): Line[] {
    const left = new Map(this.remaining(outbound).map((line) => [line.sku, line.quantity]));
    const short: Line[] = [];
    for (const line of wanted) {
      const quantity = Math.min(line.quantity, left.get(line.sku) ?? 0);
      if (quantity <= 0) continue;
      outbound.short.set(line.sku, (outbound.short.get(line.sku) ?? 0) + quantity);
      short.push({ sku: line.sku, quantity });
    }
    return short;
  }

  /** A person enters the order at the warehouse by other means (phone, the WMS's own screen): no fault, no record of a hub call. */
  createByHand(orderNo: string, warehouseCode: string, items: readonly Line[]): string | null {
    const key = keyOf(warehouseCode, orderNo);
    const existing = this.outbounds.get(key);
    if (this.cancelledUnseen.has(key) || existing?.cancelled === true) return null;
    return (existing ?? this.take({ orderNo, warehouseCode, items })).outboundNo;
  }

  // ---- the port ----

  async createOutbound(instruction: OutboundInstruction): Promise<CallOutcome<{ outboundNo: string }>> {
    const { orderNo, warehouseCode } = instruction;
    const record = (outboundNo: string | null): void => {
      this.createCalls.push({
        orderNo,
        warehouseCode,
        items: instruction.items.map((line) => ({ ...line })),
        fault: this.fault,
        outboundNo,
      });
    };
    if (this.fault === 'down' || this.fault === 'reject') {
      record(null);
      return this.fault === 'down'
        ? { ok: false, error: `${warehouseCode} WMS unavailable (503)`, retryable: true }
        : { ok: false, error: `${warehouseCode} WMS refused ${orderNo} (400)`, retryable: false };
    }
    const key = keyOf(warehouseCode, orderNo);
    const existing = this.outbounds.get(key);
    if (this.cancelledUnseen.has(key) || existing?.cancelled === true) {
      record(null);
      return { ok: false, error: `${orderNo} was cancelled at ${warehouseCode}; it is not taken again (409)`, retryable: false };
    }
    const outbound = existing ?? this.take(instruction);
    record(outbound.outboundNo);
    if (this.fault === 'timeout') return { ok: false, error: `${warehouseCode} WMS did not answer in time`, retryable: true };
    return { ok: true, value: { outboundNo: outbound.outboundNo } };
  }

  async cancelOutbound(instruction: CancelInstruction): Promise<CallOutcome<{ intercepted: boolean; detail: string }>> {
    const { orderNo, warehouseCode, outboundNo } = instruction;
    if (this.fault === 'down') {
      this.cancelCalls.push({ orderNo, warehouseCode, outboundNo, fault: this.fault, intercepted: null });
      return { ok: false, error: `${warehouseCode} WMS unavailable (503)`, retryable: true };
    }
    const key = keyOf(warehouseCode, orderNo);
    const outbound = this.outbounds.get(key);
    let answer: { intercepted: boolean; detail: string };
    if (outbound === undefined) {
      this.cancelledUnseen.add(key);
      answer = { intercepted: true, detail: `${warehouseCode} never received ${orderNo}` };
    } else if ([...outbound.shipped.values()].some((quantity) => quantity > 0)) {
      answer = { intercepted: false, detail: `too late: ${orderNo} has left ${warehouseCode}` };
    } else {
      outbound.cancelled = true;
      answer = { intercepted: true, detail: `${orderNo} intercepted at ${warehouseCode}` };
    }
    this.cancelCalls.push({ orderNo, warehouseCode, outboundNo, fault: this.fault, intercepted: answer.intercepted });
    if (this.fault === 'timeout') return { ok: false, error: `${warehouseCode} WMS did not answer in time`, retryable: true };
    return { ok: true, value: answer };
  }

  async createInbound(instruction: InboundInstruction): Promise<CallOutcome<{ wmsInboundNo: string }>> {
    return { ok: true, value: { wmsInboundNo: `${instruction.warehouseCode}-IN-${instruction.inboundNo}` } };
  }

  /** The shelves of one warehouse, a page at a time, SKU by SKU; it answers as its fault says (down, reject, timeout: no snapshot). */
  async stockSnapshot(query: StockSnapshotQuery): Promise<CallOutcome<StockSnapshotPage>> {
    if (this.fault !== 'ok')
      return { ok: false, error: `${query.warehouseCode} WMS did not give its stock (${this.fault})`, retryable: true };
    const lines = this.shelves()
      .filter((shelf) => shelf.warehouseCode === query.warehouseCode && shelf.onHand > 0)
      .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0))
      .map((shelf) => ({ sku: shelf.sku, condition: 'SELLABLE' as const, quantity: shelf.onHand, batchNo: null }));
    const from = (query.pageNo - 1) * query.pageSize;
    return { ok: true, value: { lines: lines.slice(from, from + query.pageSize), hasMore: lines.length > from + query.pageSize } };
  }

  private take(instruction: Readonly<{ orderNo: string; warehouseCode: string; items: readonly Line[] }>): HeldOutbound {
    this.sequence += 1;
    const outbound: HeldOutbound = {
      orderNo: instruction.orderNo,
      warehouseCode: instruction.warehouseCode,
      outboundNo: `${instruction.warehouseCode}-OUT${this.sequence}`,
      instructed: instruction.items.map((line) => ({ sku: line.sku, quantity: line.quantity })),
      shipped: new Map(),
      short: new Map(),
      cancelled: false,
    };
    this.outbounds.set(keyOf(instruction.warehouseCode, instruction.orderNo), outbound);
    return outbound;
  }
}
