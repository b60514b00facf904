import { stockLedgers } from '../../application/commands/aggregates.ts';
import { type StateSource, loadFolded, loadState } from '../../application/commands/handle-command.ts';
import type { EventReader } from '../../application/events/event-reader.ts';
import { KeptRows } from '../../application/events/kept-rows.ts';
import type { RecordedEvent } from '../../application/events/recorded-event.ts';
import { UndecodableEvent } from '../../application/events/undecodable-event.ts';
import type { Subscription } from '../../application/ports/event-store.ts';
import type { Inventory, StockLevel } from '../../application/ports/inventory.ts';
import type { KeptReadModel } from '../../application/ports/kept-read-model.ts';
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
  /** where the view is kept between runs (./stock-level-codec.ts); absent: in memory, rebuilt from the events at start */
  kept?: KeptReadModel<StockLevel>;
  /**
   * Where a ledger's state is folded from (`level`, and a ledger the view meets again after a
   * start): the hub's state cache and snapshots, so that neither reads a long ledger from its
   * first event. Absent: the ledger's stream, from its first event.
   */
  ledgers?: StateSource;
}>;

/** The name the view is kept under. */
export const INVENTORY_MODEL = 'inventory';

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
const figuresOf = (state: StockLedgerState): StockLedgerState => ({ ...state, handled: initialStockLedgerState.handled });

const evolveFigures = (state: StockLedgerState, event: StockEvent): StockLedgerState => figuresOf(stockLedgerDecider.evolve(state, event));

/** A ledger as the view last folded it: its figures, up to this revision of its stream. */
type Folded = Readonly<{ revision: bigint; state: StockLedgerState }>;

/**
 * The `Inventory` port over the stock ledgers (`stock-{warehouseCode}.{sku}`) of any event store.
 * `level` folds the one ledger's stream, so it sees every append already made (read-your-writes).
 * `levels` and `warehouseCovering` answer from a view of every ledger's level, kept current by a
 * catch-up subscription to category `stock`: they may trail the latest appends by the moment the
 * subscription needs to hear of them. The view is kept (`kept`) with the position of the last
 * stock event it has taken in, and `start()` resumes it there: a restart reads only what came
 * since, never the whole history. A ledger is folded in memory once it moves again: from its first
 * event when the view sees that, else from its stream, read once.
 */
export class EventStoreInventory implements Inventory {
  /** stream name → the ledger's level, as kept */
  private readonly view: KeptRows<StockLevel>;
  /** stream name → the ledger's figures, for the ledgers that moved since start */
  private readonly folded = new Map<string, Folded>();
  private readonly knownWarehouses: readonly string[];
  private readonly onUndecodable: (problem: UndecodableEvent) => Promise<void>;
  private subscription: Subscription | undefined;
  /** following since `start()`, caught up once it resolves */
  private starting: Promise<void> | undefined;
  private stopped = false;
  private failure: Readonly<{ error: unknown }> | null = null;

  private readonly ledgerSource: StateSource;

  constructor(
    private readonly events: EventReader,
    options: EventStoreInventoryOptions = {},
  ) {
    this.ledgerSource = options.ledgers ?? { events };
    this.knownWarehouses = options.knownWarehouses ?? [];
    this.view = new KeptRows(options.kept);
    this.onUndecodable =
      options.onUndecodable ??
      ((problem) => {
        throw problem;
      });
  }

  /** Resumes the view where it was kept, and follows the ledgers from there; resolves once it has caught up with the store. Once is enough. */
  start(): Promise<void> {
    this.starting ??= this.follow();
    return this.starting;
  }

  /** Stops following (a catch-up under way ends where it got to) and saves what the view has taken in. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop();
    await this.view.flush();
  }

  private async follow(): Promise<void> {
    const after = await this.view.load();
    if (this.stopped) return;
    this.subscription = this.events.subscribe({
      ...(after === undefined ? {} : { after }),
      category: 'stock',
      onEvent: async (event) => {
        if (event.category === 'stock') await this.take(event);
        this.view.reached(event.position);
      },
      onUndecodable: async (problem) => {
        await this.onUndecodable(problem);
        this.view.reached(problem.stored.position);
      },
    });
    this.subscription.done.catch((error: unknown) => {
      this.failure = { error };
    });
    await this.subscription.caughtUp;
  }

  /** One ledger event into the view: the ledger folded on, and its level kept. */
  private async take(event: RecordedEvent<'stock'>): Promise<void> {
    let folded = this.folded.get(event.stream);
    try {
      folded ??= await this.foldedBefore(event);
    } catch (error) {
      // a ledger whose stream cannot be folded keeps its last level; the other ledgers go on
      if (!(error instanceof UndecodableEvent)) throw error;
      return this.onUndecodable(error);
    }
    // a ledger read from its stream may be ahead of the event: the stream had it already
    const now = event.revision > folded.revision ? { revision: event.revision, state: evolveFigures(folded.state, event) } : folded;
    this.folded.set(event.stream, now);
    const { warehouseCode, sku } = now.state;
    if (warehouseCode !== null && sku !== null) this.view.set(event.stream, toLevel(warehouseCode, sku, now.state));
  }

  /**
   * A ledger the view has not folded since start: nothing before its first event, else the ledger
   * as it stands (from the hub's cached state or newest snapshot and the events after it), its
   * handled references dropped.
   */
  private async foldedBefore(event: RecordedEvent<'stock'>): Promise<Folded> {
    if (event.revision === 0n) return { revision: -1n, state: initialStockLedgerState };
    const { state, revision } = await loadFolded(this.ledgerSource, stockLedgers, event.stream);
    return { revision: revision ?? -1n, state: figuresOf(state) };
  }

  async level(warehouseCode: string, sku: string): Promise<StockLevel> {
    return toLevel(warehouseCode, sku, await loadState(this.ledgerSource, stockLedgers, stockStreamName(warehouseCode, sku)));
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
    if (this.starting === undefined) throw new Error('EventStoreInventory: call start() before asking the view');
    await this.starting;
    if (this.failure !== null)
      throw new Error('EventStoreInventory: the view stopped following the ledgers', { cause: this.failure.error });
    return [...this.view.values()];
  }
}
