/**
 * No owed unit is lost (docs/architecture.md#backorders, issue 11): over long random sequences of
 * orders, shortages the warehouse reports, shipments (final or not), receipts, reroutes, cancellations
 * and a person cancelling backorders, run against the real use cases and reactions over an
 * in-memory store, after every step, per original order and SKU:
 *
 *   ordered = shipped + cancelled + still owed
 *
 * over the original and every backorder numbered from it (shipped and cancelled from their lines, a
 * backorder cancelled before it was placed from the original's `BackorderCancelled`), where what is
 * still owed is open in an order of the family or waiting in the backorder book; and every backorder
 * the original numbered is placed, waiting in the book, or cancelled. Backorder numbers never nest.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { RandomIds } from '../../src/adapters/ids/random-ids.ts';
import { EventStoreInventory } from '../../src/adapters/inventory/event-store-inventory.ts';
import { cancelBackorder } from '../../src/application/backorders/cancel-backorder.ts';
import type { Dependencies } from '../../src/application/dependencies.ts';
import { isOfCategory } from '../../src/application/events/recorded-event.ts';
import { type HubWork, startHubWork } from '../../src/application/hub-work.ts';
import { cancelOrder, rerouteOrder } from '../../src/application/outbound/order-requests.ts';
import { placeOrder } from '../../src/application/outbound/place-order.ts';
import { recordShipment, recordShortage } from '../../src/application/outbound/warehouse-reports.ts';
import { receiveStock } from '../../src/application/stock/count-stock.ts';
import type { Line } from '../../src/domain/kernel/lines.ts';
import { Refused } from '../../src/domain/kernel/refused.ts';
import { type OrderState, type Placement, openQuantity, outboundOrder } from '../../src/domain/outbound-order/index.ts';
import { decoded } from '../support/decode.ts';
import { readerOf } from '../support/decode.ts';
import { FaultyWarehouse, type HeldOutbound } from '../support/faulty-warehouse.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { MemoryAlerting, MemoryCheckpoints } from '../support/memory-ports.ts';
import { RecordingTransport } from '../support/recording-transport.ts';
import { WatchedStore } from '../support/watched-store.ts';

const policy = { maxAttempts: 2, baseDelayMs: 1000, maxDelayMs: 2000 };
const warehouses = ['WH1', 'WH2'] as const;
const skus = ['SKU1', 'SKU2'] as const;
const consignee = { name: '张三', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', address: '科技园路1号' };

type Real = Readonly<{
  deps: Dependencies;
  store: WatchedStore;
  warehouse: FaultyWarehouse;
  work: HubWork;
  clock: ManualClock;
  next: (prefix: string) => string;
}>;
type Model = { placed: string[] };

const start = async (stock: readonly Readonly<{ warehouseCode: string; sku: string; quantity: number }>[]) => {
  const store = new WatchedStore();
  const clock = new ManualClock();
  const warehouse = new FaultyWarehouse();
  const events = readerOf(store);
  const inventory = new EventStoreInventory(events, { knownWarehouses: [...warehouses] });
  let counter = 0;
  const next = (prefix: string): string => `${prefix}${(counter += 1)}`;
  const deps: Dependencies = {
    store,
    events,
    ids: new RandomIds(),
    clock,
    warehouse,
    transport: new RecordingTransport(),
    inventory,
    alerting: new MemoryAlerting(),
    wmsRetryPolicy: policy,
    tmsRetryPolicy: policy,
    varianceAlertUnits: 1_000_000,
    callClaimMs: 30_000,
  };
  for (const { warehouseCode, sku, quantity } of stock) {
    if (quantity === 0) continue;
    await receiveStock(deps, { reference: next('OPENING'), warehouseCode, sku, quantity, condition: 'SELLABLE' });
    warehouse.receive(warehouseCode, sku, quantity);
  }
  await inventory.start();
  const work = await startHubWork(deps, new MemoryCheckpoints());
  await work.caughtUp;
  await store.settle();
  const real: Real = { deps, store, warehouse, work, clock, next };
  return { real, stop: async () => (await work.stop(), await inventory.stop()) };
};

const refusalAllowed = async (request: () => Promise<unknown>): Promise<void> => {
  try {
    await request();
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
  }
};

const orderStates = async (real: Real): Promise<Map<string, OrderState>> => {
  const states = new Map<string, OrderState>();
  for (const event of (await real.store.readAll({ category: 'order' })).map(decoded)) {
    if (!isOfCategory(event, 'order')) continue;
    states.set(event.streamId, outboundOrder.evolve(states.get(event.streamId) ?? outboundOrder.initialState, event));
  }
  return states;
};

const cancelledBackorders = async (real: Real, orderNo: string): Promise<Line[]> =>
  (await real.deps.events.readStream('order', `order-${orderNo}`)).flatMap((event) =>
    event.type === 'BackorderCancelled' ? event.data.lines : [],
  );

const sumOf = (lines: readonly Line[], sku: string): number =>
  lines.filter((line) => line.sku === sku).reduce((sum, line) => sum + line.quantity, 0);

/** The property, on the hub as it stands once settled. */
const nothingOwedIsLost = async (model: Model, real: Real): Promise<void> => {
  const states = await orderStates(real);
  const book = real.work.backorders.list();
  for (const no of states.keys()) expect(no).toMatch(/^O\d(-BO\d+)?$/);
  for (const orderNo of model.placed) {
    const original = states.get(orderNo);
    if (original === undefined) continue;
    const family = [...states.values()].filter((state) => state.orderNo === orderNo || state.backorderOf === orderNo);
    const waiting = book.filter((backorder) => backorder.orderNo === orderNo);
    const dropped = await cancelledBackorders(real, orderNo);
    for (const line of original.lines) {
      const of = (pick: (state: OrderState) => number) => family.reduce((sum, state) => sum + pick(state), 0);
      const lineOf = (state: OrderState) => state.lines.find((l) => l.sku === line.sku);
      const shipped = of((state) => lineOf(state)?.shipped ?? 0);
      const cancelled = of((state) => lineOf(state)?.cancelled ?? 0) + sumOf(dropped, line.sku);
      const open = of((state) => {
        const own = lineOf(state);
        return own === undefined ? 0 : openQuantity(own);
      });
      const inTheBook = waiting.reduce((sum, backorder) => sum + sumOf(backorder.lines, line.sku), 0);
      expect({ orderNo, sku: line.sku, ordered: line.ordered }).toEqual({
        orderNo,
        sku: line.sku,
        ordered: shipped + cancelled + open + inTheBook,
      });
    }
    for (const { backorderNo } of original.issuedBackorders) {
      expect({ backorderNo, placedOrWaiting: states.has(backorderNo) || waiting.some((b) => b.backorderNo === backorderNo) }).toEqual({
        backorderNo,
        placedOrWaiting: true,
      });
    }
  }
};

type Command = fc.AsyncCommand<Model, Real>;

abstract class Step implements Command {
  check(_model: Readonly<Model>): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    await this.act(model, real);
    await real.store.settle();
    await nothingOwedIsLost(model, real);
  }
  protected abstract act(model: Model, real: Real): Promise<void>;
  abstract toString(): string;
}

const show = (lines: readonly Line[]): string => lines.map((l) => `${l.sku}×${l.quantity}`).join(',');
const held = (real: Real, pick: number): HeldOutbound | undefined => {
  const live = real.warehouse.live();
  return live[pick % Math.max(1, live.length)];
};
const anyOrder = async (real: Real, pick: number): Promise<string | undefined> => {
  const orders = [...(await orderStates(real)).keys()].sort();
  return orders[pick % Math.max(1, orders.length)];
};

class PlaceOrder extends Step {
  constructor(private readonly placement: Placement) {
    super();
  }
  override check(model: Readonly<Model>): boolean {
    return !model.placed.includes(this.placement.orderNo);
  }
  protected async act(model: Model, real: Real): Promise<void> {
    await placeOrder(real.deps, this.placement, real.next('REQ'));
    model.placed.push(this.placement.orderNo);
  }
  toString(): string {
    const p = this.placement;
    return `PlaceOrder(${p.orderNo}@${p.warehouseCode} ${show(p.items)} partial=${p.policy.allowPartialShip} cancel=${p.policy.allowCancel})`;
  }
}

class Receive extends Step {
  constructor(
    private readonly warehouseCode: string,
    private readonly sku: string,
    private readonly quantity: number,
  ) {
    super();
  }
  protected async act(_model: Model, real: Real): Promise<void> {
    await receiveStock(real.deps, {
      reference: real.next('RCV'),
      warehouseCode: this.warehouseCode,
      sku: this.sku,
      quantity: this.quantity,
      condition: 'SELLABLE',
    });
    real.warehouse.receive(this.warehouseCode, this.sku, this.quantity);
  }
  toString(): string {
    return `Receive(${this.warehouseCode} ${this.sku}×${this.quantity})`;
  }
}

class Ship extends Step {
  constructor(
    private readonly pick: number,
    private readonly take: number,
    private readonly final: boolean,
  ) {
    super();
  }
  protected async act(_model: Model, real: Real): Promise<void> {
    const outbound = held(real, this.pick);
    if (outbound === undefined) return;
    const wanted = real.warehouse.remaining(outbound).map((line) => ({ sku: line.sku, quantity: Math.min(line.quantity, this.take) }));
    const items = real.warehouse.ship(outbound, wanted);
    if (items.length === 0) return;
    if (this.final) real.warehouse.reportShort(outbound, real.warehouse.remaining(outbound));
    const report = {
      orderNo: outbound.orderNo,
      outboundNo: outbound.outboundNo,
      waybillNo: real.next('W'),
      carrier: 'SF',
      items,
      shippedAt: real.clock.now(),
      final: this.final,
    };
    await recordShipment(real.deps, report, real.next('CB'));
  }
  toString(): string {
    return `Ship(#${this.pick} up to ${this.take} each${this.final ? ', final' : ''})`;
  }
}

class ReportShort extends Step {
  constructor(
    private readonly pick: number,
    private readonly quantity: number,
  ) {
    super();
  }
  protected async act(_model: Model, real: Real): Promise<void> {
    const outbound = held(real, this.pick);
    if (outbound === undefined) return;
    const lines = real.warehouse.reportShort(
      outbound,
      real.warehouse.remaining(outbound).map((line) => ({ sku: line.sku, quantity: this.quantity })),
    );
    if (lines.length === 0) return;
    await recordShortage(real.deps, { orderNo: outbound.orderNo, warehouseCode: outbound.warehouseCode, lines }, real.next('CB'));
  }
  toString(): string {
    return `ReportShort(#${this.pick} ${this.quantity} each)`;
  }
}

class Cancel extends Step {
  constructor(private readonly pick: number) {
    super();
  }
  protected async act(_model: Model, real: Real): Promise<void> {
    const orderNo = await anyOrder(real, this.pick);
    if (orderNo === undefined) return;
    await refusalAllowed(() => cancelOrder(real.deps, orderNo, 'customer', { requestId: real.next('REQ'), requestedBy: 'model' }));
  }
  toString(): string {
    return `Cancel(#${this.pick})`;
  }
}

class Reroute extends Step {
  constructor(
    private readonly pick: number,
    private readonly warehouseCode: string,
  ) {
    super();
  }
  protected async act(_model: Model, real: Real): Promise<void> {
    const orderNo = await anyOrder(real, this.pick);
    if (orderNo === undefined) return;
    await refusalAllowed(() =>
      rerouteOrder(real.deps, orderNo, this.warehouseCode, 'model', { requestId: real.next('REQ'), requestedBy: 'model' }),
    );
  }
  toString(): string {
    return `Reroute(#${this.pick} → ${this.warehouseCode})`;
  }
}

/** The WMS goes down (pushes fail, orders wait for a person or a reroute) or comes back; time passes for the retries. */
class WmsDown extends Step {
  constructor(private readonly down: boolean) {
    super();
  }
  protected async act(_model: Model, real: Real): Promise<void> {
    real.warehouse.fault = this.down ? 'down' : 'ok';
    real.clock.advance({ seconds: 10 });
    await real.work.dueRetries.runDue();
  }
  toString(): string {
    return this.down ? 'WmsDown' : 'WmsBack';
  }
}

class CancelWaitingBackorder extends Step {
  constructor(private readonly pick: number) {
    super();
  }
  protected async act(_model: Model, real: Real): Promise<void> {
    const book = real.work.backorders.list();
    const backorder = book[this.pick % Math.max(1, book.length)];
    if (backorder === undefined) return;
    await refusalAllowed(() =>
      cancelBackorder(real.deps, backorder.orderNo, backorder.backorderNo, 'refunded', {
        requestId: real.next('REQ'),
        requestedBy: 'model',
      }),
    );
  }
  toString(): string {
    return `CancelWaitingBackorder(#${this.pick})`;
  }
}

const warehouse = fc.constantFrom(...warehouses);
const sku = fc.constantFrom(...skus);
const pick = fc.nat({ max: 7 });
const placement: fc.Arbitrary<Placement> = fc.record({
  orderNo: fc.constantFrom('O1', 'O2', 'O3'),
  warehouseCode: warehouse,
  priority: fc.constant('NORMAL' as const),
  timeRequirement: fc.constant('STANDARD' as const),
  items: fc.uniqueArray(fc.record({ sku, quantity: fc.integer({ min: 1, max: 6 }) }), {
    minLength: 1,
    maxLength: 2,
    selector: (line) => line.sku,
  }),
  consignee: fc.constant(consignee),
  policy: fc.record({ allowPartialShip: fc.oneof(fc.constant(true), fc.boolean()), allowCancel: fc.boolean() }),
});
const commands = [
  placement.map((p) => new PlaceOrder(p)),
  fc.tuple(warehouse, sku, fc.integer({ min: 1, max: 6 })).map(([wh, s, q]) => new Receive(wh, s, q)),
  fc.tuple(pick, fc.integer({ min: 1, max: 4 }), fc.boolean()).map(([p, take, final]) => new Ship(p, take, final)),
  fc.tuple(pick, fc.integer({ min: 1, max: 4 }), fc.boolean()).map(([p, take, final]) => new Ship(p, take, final)),
  fc.tuple(pick, fc.integer({ min: 1, max: 3 })).map(([p, q]) => new ReportShort(p, q)),
  fc.tuple(pick, fc.integer({ min: 1, max: 3 })).map(([p, q]) => new ReportShort(p, q)),
  pick.map((p) => new Cancel(p)),
  fc.tuple(pick, warehouse).map(([p, wh]) => new Reroute(p, wh)),
  fc.boolean().map((down) => new WmsDown(down)),
  pick.map((p) => new CancelWaitingBackorder(p)),
];
const initialStock = fc.tuple(
  ...warehouses.flatMap((warehouseCode) =>
    skus.map((s) => fc.integer({ min: 0, max: 6 }).map((quantity) => ({ warehouseCode, sku: s, quantity }))),
  ),
);

/** Sequences to try; BACKORDER_RUNS=2000 explores further. */
const numRuns = Number(process.env.BACKORDER_RUNS ?? 300);

describe('backorders, over long random sequences', () => {
  test('per original order and SKU, ordered = shipped + cancelled + still owed, and every owed unit is in the book or in an open order', async () => {
    await fc.assert(
      fc.asyncProperty(initialStock, fc.commands(commands, { maxCommands: 40, size: 'max' }), async (stock, steps) => {
        const { real, stop } = await start(stock);
        try {
          await fc.asyncModelRun(() => ({ model: { placed: [] }, real }), steps);
        } finally {
          await stop();
        }
      }),
      { numRuns },
    );
  }, 180_000);
});
