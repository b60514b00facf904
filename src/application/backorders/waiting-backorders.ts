import type { Line } from '../../domain/kernel/lines.ts';
import { orderStreamName } from '../../domain/outbound-order/index.ts';
import { onOrder, orders } from '../commands/aggregates.ts';
import { causedBy } from '../commands/cause.ts';
import { loadState } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';
import type { HubEvent, RecordedOf } from '../events/recorded-event.ts';
import type { Subscription } from '../ports/event-store.ts';
import { undecodableAlert } from '../events/undecodable-event.ts';

type Waiting = Readonly<{
  backorderNo: string;
  orderNo: string;
  warehouseCode: string;
  lines: readonly Line[];
  event: RecordedOf<'order', 'BackorderCreated'>;
}>;

/**
 * Partial shipment and backorder (部分发货 + 缺货单, docs/architecture.md#backorders): the remainder of a partly shipped order is owed to the customer
 * as a backorder, placed as an order of its own (`{orderNo}-BO{n}`, same consignee, priority and
 * policy) once stock covers it: in its own warehouse if possible, else in any warehouse that
 * covers it. The book of waiting backorders is rebuilt from the events at start; `placeCovered`
 * runs after start and whenever stock arrives.
 */
export class WaitingBackorders {
  private readonly waiting = new Map<string, Waiting>();
  private subscription: Subscription | undefined;

  constructor(private readonly deps: Dependencies) {}

  async start(): Promise<void> {
    this.subscription = this.deps.events.subscribe({
      category: 'order',
      types: ['BackorderCreated', 'OrderPlaced'],
      onEvent: (event) => this.observe(event),
      onUndecodable: (problem) => this.deps.alerting.raise(undecodableAlert(problem, this.deps.clock.now())),
    });
    await this.subscription.caughtUp;
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  list(): readonly Omit<Waiting, 'event'>[] {
    return [...this.waiting.values()].map(({ event: _event, ...waiting }) => waiting);
  }

  /** Place every waiting backorder that stock now covers (of one warehouse and SKU, or all). */
  async placeCovered(arrival?: Readonly<{ warehouseCode: string; sku: string }>): Promise<void> {
    for (const waiting of [...this.waiting.values()]) {
      if (arrival !== undefined && !waiting.lines.some((line) => line.sku === arrival.sku)) continue;
      const warehouseCode = await this.warehouseFor(waiting);
      if (warehouseCode !== null) await this.place(waiting, warehouseCode);
    }
  }

  private async warehouseFor(waiting: Waiting): Promise<string | null> {
    const levels = await Promise.all(waiting.lines.map((line) => this.deps.inventory.level(waiting.warehouseCode, line.sku)));
    if (waiting.lines.every((line, i) => (levels[i]?.available ?? 0) >= line.quantity)) return waiting.warehouseCode;
    return this.deps.inventory.warehouseCovering(waiting.lines, []);
  }

  private async place(waiting: Waiting, warehouseCode: string): Promise<void> {
    const original = await loadState(this.deps, orders, orderStreamName(waiting.orderNo));
    this.waiting.delete(waiting.backorderNo);
    if (original.status === 'CANCELLED' || original.consignee === null) return;
    await onOrder(
      this.deps,
      waiting.backorderNo,
      {
        type: 'PlaceOrder',
        data: {
          orderNo: waiting.backorderNo,
          warehouseCode,
          priority: original.priority,
          timeRequirement: original.timeRequirement,
          items: waiting.lines,
          consignee: original.consignee,
          policy: original.policy,
          backorderOf: waiting.orderNo,
          now: this.deps.clock.now(),
        },
      },
      causedBy(waiting.event, this.deps.clock.now()),
    );
  }

  private observe(event: HubEvent): void {
    if (event.category !== 'order') return;
    if (event.type === 'BackorderCreated') {
      const { backorderNo, warehouseCode, lines } = event.data;
      this.waiting.set(backorderNo, { backorderNo, orderNo: event.streamId, warehouseCode, lines, event });
    } else if (event.type === 'OrderPlaced') {
      this.waiting.delete(event.data.orderNo);
    }
  }
}
