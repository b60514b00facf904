import { WaitingBackorders } from './backorders/waiting-backorders.ts';
import type { Dependencies } from './dependencies.ts';
import type { CheckpointStore } from './ports/checkpoint-store.ts';
import type { Subscription } from './ports/event-store.ts';
import { alertWhenAPersonIsNeeded } from './reactions/alert-when-a-person-is-needed.ts';
import { carryOverWhenABackorderIsShort } from './reactions/carry-over-when-a-backorder-is-short.ts';
import { deductStockWhenShipped } from './reactions/deduct-stock-when-shipped.ts';
import { dropBackordersWhenCancelled } from './reactions/drop-backorders-when-cancelled.ts';
import { expectReturnAtWarehouse } from './reactions/expect-return-at-warehouse.ts';
import { handOffWhenShipmentRegistered } from './reactions/hand-off-when-shipment-registered.ts';
import { lowerStockWhenWarehouseReportsShort } from './reactions/lower-stock-when-warehouse-reports-short.ts';
import { placeBackordersWhenStockArrives } from './reactions/place-backorders-when-stock-arrives.ts';
import { pushInboundWhenCreated } from './reactions/push-inbound-when-created.ts';
import { pushOutboundWhenReserved } from './reactions/push-outbound-when-reserved.ts';
import { registerHandOffWhenShipped } from './reactions/register-hand-off-when-shipped.ts';
import { receiveStockWhenPurchaseArrives } from './reactions/receive-stock-when-purchase-arrives.ts';
import { releaseStockWhenNotShipping } from './reactions/release-stock-when-not-shipping.ts';
import { reserveStockWhenRequested } from './reactions/reserve-stock-when-requested.ts';
import { restockWhenReturnInspected } from './reactions/restock-when-return-inspected.ts';
import { withdrawWhenCancelledOrMoved } from './reactions/withdraw-when-cancelled-or-moved.ts';
import { DueRetries } from './retries/due-retries.ts';
import { type ReactionLag, reactionLags } from './reactions/reaction-lag.ts';
import { type CallbackReplay, applyParkedCallbacks } from './callbacks/parked-callbacks.ts';

/** Every reaction of the hub (docs/architecture.md#reactions): what happens by itself after an event. */
const reactionsOf = (deps: Dependencies, backorders: WaitingBackorders, replay: CallbackReplay | undefined) => [
  reserveStockWhenRequested(deps),
  pushOutboundWhenReserved(deps),
  releaseStockWhenNotShipping(deps),
  withdrawWhenCancelledOrMoved(deps),
  deductStockWhenShipped(deps),
  lowerStockWhenWarehouseReportsShort(deps),
  registerHandOffWhenShipped(deps),
  handOffWhenShipmentRegistered(deps),
  placeBackordersWhenStockArrives(backorders),
  carryOverWhenABackorderIsShort(deps),
  dropBackordersWhenCancelled(deps),
  pushInboundWhenCreated(deps),
  receiveStockWhenPurchaseArrives(deps),
  expectReturnAtWarehouse(deps),
  restockWhenReturnInspected(deps),
  alertWhenAPersonIsNeeded(deps),
  // a callback that came before its order: applied once the order is there (absent: no HTTP adapter to apply it, e.g. in tests of the application alone)
  ...(replay === undefined ? [] : [applyParkedCallbacks(deps, replay)]),
];

/**
 * The parts of the background work, not started: the retry index, the backorder book and every
 * reaction. `startHubWork` starts them all in this process; hub processes sharing one database
 * start each reaction only while they hold its lease (src/main/leased-hub-work.ts).
 */
export const backgroundWorkOf = (deps: Dependencies, replay: CallbackReplay | undefined) => {
  const dueRetries = new DueRetries(deps);
  const backorders = new WaitingBackorders(deps);
  /** the reactions, calling out through `calling` (a worker's WMS and TMS, fenced by a lease) */
  const reactionsWith = (calling: Dependencies) => reactionsOf(calling, backorders, replay);
  return { dueRetries, backorders, reactions: reactionsWith(deps), reactionsWith };
};

export type HubWork = Readonly<{
  /** the reactions' names, which their checkpoints are saved under */
  reactions: readonly string[];
  /** how far behind each reaction is (./reactions/reaction-lag.ts) */
  lags: () => Promise<Record<string, ReactionLag>>;
  dueRetries: DueRetries;
  /** make the retries that are due (`dueRetries.runDue`), as this process may: with hub processes sharing one database, under the due retries' lease */
  runDueRetries: () => Promise<number>;
  backorders: WaitingBackorders;
  subscriptions: readonly Subscription[];
  /** resolves once every reaction has handled every event stored before start */
  caughtUp: Promise<void>;
  stop(): Promise<void>;
}>;

/**
 * Start the hub's background work: the retry index and the backorder book (resumed where they
 * were kept, or built from the events), every reaction from its checkpoint beside them, and, once
 * all have caught up, one pass over the backorders in case stock arrived while the hub was down.
 * The reactions do not wait for the index and the book: built from a long history (a first start,
 * a lost read-models file) they would keep a new order waiting behind it. Meanwhile a due retry
 * the index has not read yet waits for it, and the book places what it knows.
 */
export const startHubWork = async (deps: Dependencies, checkpoints: CheckpointStore, replay?: CallbackReplay): Promise<HubWork> => {
  const { dueRetries, backorders, reactions } = backgroundWorkOf(deps, replay);
  const indexes = Promise.all([dueRetries.start(), backorders.start()]);
  // its failure is caughtUp's; a stop waits for it before stopping them
  indexes.catch(() => undefined);
  const subscriptions = await Promise.all(reactions.map((reaction) => reaction.start({ ...deps, checkpoints })));
  const caughtUp = Promise.all([indexes, ...subscriptions.map((s) => s.caughtUp)]).then(() => backorders.placeCovered());
  return {
    reactions: reactions.map((reaction) => reaction.name),
    lags: () => reactionLags(deps.store, checkpoints, reactions),
    dueRetries,
    runDueRetries: () => dueRetries.runDue(),
    backorders,
    subscriptions,
    caughtUp,
    stop: async () => {
      await Promise.all(subscriptions.map((s) => s.stop()));
      // an index still starting has no subscription to stop yet
      await indexes.catch(() => undefined);
      await Promise.all([dueRetries.stop(), backorders.stop()]);
    },
  };
};
