import type { EventReader } from '../../application/events/event-reader.ts';
import type { UndecodableEvent } from '../../application/events/undecodable-event.ts';
import type { Subscription } from '../../application/ports/event-store.ts';
import type { Inventory, StockLevel } from '../../application/ports/inventory.ts';
import { type Line, totalsBySku } from '../../domain/kernel/lines.ts';
import {
  type StockEvent,
  type StockLedgerState,
  available,
  fefoOrder,
  initialStockLedgerState,
  stockLedgerDecider,
  stockStreamName,
} from '../../domain/stock-ledger/index.ts';

export type EventStoreInventoryOptions = Readonly<{
  /**
   * Warehouses the hub ships from, stocked or not yet: each is a candidate of `warehouseCovering`
   * even before its first ledger event. Warehouses met in the ledgers are candidates anyway.
   */
  knownWarehouses?: readonly string[];
  /** a stock event that does not decode: reported here and left out of the view; without it, the view stops with that error */
  onUndecodable?: (problem: UndecodableEvent) => Promise<void>;
}>;

/** The batches of a ledger that has met one, first expiry first; none for a ledger that never has. */
const batchLevels = (state: StockLedgerState): Pick<StockLevel, 'batches'> => {
  const batches = fefoOrder(state);
  if (batches.every((batch) => batch.batchNo === null)) return {};
  return {
    batches: batches.map(({ batchNo, productionDate, expiryDate, onHand, reserved, defective }) => ({
      batchNo,
      productionDate,
      expiryDate,
      onHand,
      reserved,
      available: onHand - reserved,
      defective,
    })),
  };
};

const toLevel = (warehouseCode: string, sku: string, state: StockLedgerState): StockLevel => ({
  warehouseCode,
  sku,
  onHand: state.onHand,
  reserved: state.reserved,
  available: available(state),
  defective: state.defective,
  ...batchLevels(state),
});

const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The view keeps a ledger's figures, not the references it has handled: those only make the
 * decider idempotent and grow with every order, and no figure of `evolve` reads them.
 */
const evolveFigures = (state: StockLedgerState, event: StockEvent): StockLedgerState => ({
  ...stockLedgerDecider.evolve(state, event),
  handled: initialStockLedgerState.handled,
});

/**
 * The `Inventory` port over the stock ledgers (`stock-{warehouseCode}.{sku}`) of any event store.
 * `level` folds the one ledger's stream, so it sees every append already made (read-your-writes).
 * `levels` and `warehouseCovering` answer from a view of every ledger held in memory, rebuilt
 * from the events by `start()` and kept current by a catch-up subscription to category `stock`:
 * they may trail the latest appends by the moment the subscription needs to hear of them.
 */
export class EventStoreInventory implements Inventory {
  /** stream name → the ledger's figures, its identity included */
  private readonly view = new Map<string, StockLedgerState>();
  private readonly knownWarehouses: readonly string[];
  private readonly onUndecodable: (problem: UndecodableEvent) => Promise<void>;
  private subscription: Subscription | undefined;
  private failure: Readonly<{ error: unknown }> | null = null;

  constructor(
    private readonly events: EventReader,
    options: EventStoreInventoryOptions = {},
  ) {
    this.knownWarehouses = options.knownWarehouses ?? [];
    this.onUndecodable =
      options.onUndecodable ??
      ((problem) => {
        throw problem;
      });
  }

  /** Builds the view from the events; resolves once it has caught up with the store. Once is enough. */
  start(): Promise<void> {
    if (this.subscription === undefined) {
      this.subscription = this.events.subscribe({
        category: 'stock',
        onEvent: (event) => {
          if (event.category === 'stock')
            this.view.set(event.stream, evolveFigures(this.view.get(event.stream) ?? initialStockLedgerState, event));
        },
        onUndecodable: (problem) => this.onUndecodable(problem),
      });
      this.subscription.done.catch((error: unknown) => {
        this.failure = { error };
      });
    }
    return this.subscription.caughtUp;
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  async level(warehouseCode: string, sku: string): Promise<StockLevel> {
    const events = await this.events.readStream('stock', stockStreamName(warehouseCode, sku));
    return toLevel(warehouseCode, sku, events.reduce(stockLedgerDecider.evolve, initialStockLedgerState));
  }

  async levels(filter: Readonly<{ warehouseCode?: string; sku?: string }> = {}): Promise<readonly StockLevel[]> {
    return (await this.ledgers())
      .filter((level) => (filter.warehouseCode ?? level.warehouseCode) === level.warehouseCode && (filter.sku ?? level.sku) === level.sku)
      .sort((a, b) => byCode(a.warehouseCode, b.warehouseCode) || byCode(a.sku, b.sku));
  }

  /**
   * Of the warehouses not excluded whose available stock covers every SKU of the lines (quantities
   * summed per SKU), the one with the most available across those SKUs; a tie goes to the lowest code.
   * No lines at all are covered by any candidate: the lowest code is chosen.
   */
  async warehouseCovering(lines: readonly Line[], excluding: readonly string[]): Promise<string | null> {
    const ledgers = await this.ledgers();
    const availableIn = new Map(ledgers.map((level) => [`${level.warehouseCode}\n${level.sku}`, level.available]));
    const needed = [...totalsBySku(lines)];
    const candidates = new Set([...this.knownWarehouses, ...ledgers.map((level) => level.warehouseCode)]);
    let best: Readonly<{ warehouseCode: string; total: number }> | null = null;
    for (const warehouseCode of [...candidates].sort(byCode)) {
      if (excluding.includes(warehouseCode)) continue;
      const free = needed.map(([sku]) => availableIn.get(`${warehouseCode}\n${sku}`) ?? 0);
      if (!needed.every(([, quantity], i) => (free[i] ?? 0) >= quantity)) continue;
      const total = free.reduce((sum, quantity) => sum + quantity, 0);
      if (best === null || total > best.total) best = { warehouseCode, total };
    }
    return best?.warehouseCode ?? null;
  }

  /** Every ledger the view holds, once it has caught up; a view that stopped on a failure answers with that failure. */
  private async ledgers(): Promise<StockLevel[]> {
    if (this.subscription === undefined) throw new Error('EventStoreInventory: call start() before asking the view');
    await this.subscription.caughtUp;
    if (this.failure !== null)
      throw new Error('EventStoreInventory: the view stopped following the ledgers', { cause: this.failure.error });
    return [...this.view.values()].flatMap((state) =>
      state.warehouseCode === null || state.sku === null ? [] : [toLevel(state.warehouseCode, state.sku, state)],
    );
  }
}
