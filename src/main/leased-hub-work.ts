/**
 * The background work of hub processes sharing one PostgreSQL (EVENT_STORE=postgres): each piece
 * runs in one process at a time, the holder of its lease (../adapters/leases/lease-keeper.ts).
 *
 * - Each reaction has a lease of its own, named as the reaction. The holder starts it with the
 *   PostgreSQL checkpoints fenced by that lease (`fencedBy(lease)`): a reaction's checkpoint is
 *   in the shared `checkpoints` table, so a standby that takes over carries on from where the
 *   last holder saved; a holder that lost the lease fails its next save with `LeaseLost`, and
 *   stops. A reaction with no checkpoint in PostgreSQL yet starts from its checkpoint in this
 *   process's SQLite file (`carriedOver`: a single hub upgraded to this carries on where it was),
 *   else from the beginning of the store, as it does on a new SQLite checkpoint file.
 * - The due retries (`due-retries`): every worker keeps the retry index (it follows the store),
 *   but only the holder runs what is due. Two processes running the same due retry would both
 *   call the WMS or TMS: the retry routines check the stream first, but both can pass that check
 *   before either records the outcome.
 * - The backorder book: every worker keeps it (it follows the store); it places backorders from
 *   the reaction `place-backorders-when-stock-arrives` and once after start. Both go with that
 *   reaction's lease: its holder makes the pass after start once the reaction has caught up. No
 *   lease of its own: the book places nothing by itself otherwise.
 * - The scheduled reconciliations (`scheduled-reconciliations`): only the holder compares the
 *   warehouses' snapshots on the schedule; two would each record the same variance.
 * - The projections (`projections`), in the shared database's schema `read_models`: the holder
 *   follows the store into them; every process reads its reports from them.
 *
 * HUB_ROLE=api starts none of it (no lease is ever asked for): the retry index and the book are
 * not even read. Its /health still shows every reaction's lag, from the shared checkpoints.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Dependencies } from '../application/dependencies.ts';
import { type HubWork, backgroundWorkOf } from '../application/hub-work.ts';
import type { CallbackReplay } from '../application/callbacks/parked-callbacks.ts';
import type { CheckpointStore } from '../application/ports/checkpoint-store.ts';
import type { Lease, Leases } from '../application/ports/lease.ts';
import { reactionLags } from '../application/reactions/reaction-lag.ts';
import type { PostgresCheckpointStore } from '../adapters/checkpoints/postgres-checkpoint-store.ts';
import { leaseFencedTransport, leaseFencedWarehouse } from '../adapters/outside-call/lease-fenced-calls.ts';
import { HEARTBEAT, type LeasedWork, LeaseKeeper } from '../adapters/leases/lease-keeper.ts';

export const DUE_RETRIES_LEASE = 'due-retries';
export const RECONCILIATIONS_LEASE = 'scheduled-reconciliations';
export const PROJECTIONS_LEASE = 'projections';
const PLACE_BACKORDERS = 'place-backorders-when-stock-arrives';

/** This process, as the leases name their holders: the host, the pid, and a random part (a restarted process is a new holder). */
export const holderOfThisProcess = (): string => `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;

export type LeasedHubWork = Readonly<{
  work: HubWork;
  /** null with HUB_ROLE=api: it holds nothing */
  keeper: LeaseKeeper | null;
}>;

export type LeasedHubWorkOptions = Readonly<{
  role: 'all' | 'api' | 'worker';
  leases: Leases;
  checkpoints: PostgresCheckpointStore;
  holder: string;
  ttlMs: number;
  logger: Logger;
  /** where a reaction starts when PostgreSQL has no checkpoint of it yet (this process's SQLite checkpoints) */
  carriedOver?: Pick<CheckpointStore, 'load'>;
  replay?: CallbackReplay;
  /** the projections in the shared database: followed by the holder of their lease */
  projections?: FollowedProjections;
}>;

/** Projections a worker follows while it holds their lease (../adapters/projections/projections.ts). */
export type FollowedProjections = Readonly<{ start(): Promise<void>; stop(): Promise<void> }>;

const noWork = { stop: async () => undefined };

export const startLeasedHubWork = async (deps: Dependencies, options: LeasedHubWorkOptions): Promise<LeasedHubWork> => {
  const { checkpoints, logger } = options;
  const { dueRetries, backorders, reactions, reactionsWith } = backgroundWorkOf(deps, options.replay);
  const lags = () => reactionLags(deps.store, checkpoints, reactions);
  const names = reactions.map((reaction) => reaction.name);
  // the reactions' subscriptions come and go with their leases: none to hand out, nothing to wait for
  // set once the keeper exists: the works it starts ask it whether their lease is still theirs
  const holding: { keeper?: LeaseKeeper } = {};
  /** The dependencies a work calls out through under `lease`: no call once the lease is not this process's by its own clock. */
  const callingUnder = (lease: Lease): Dependencies => {
    const stillHeld = () => holding.keeper?.stillHolds(lease) ?? false;
    return {
      ...deps,
      warehouse: leaseFencedWarehouse(deps.warehouse, lease, stillHeld),
      transport: leaseFencedTransport(deps.transport, lease, stillHeld),
    };
  };
  const runDueRetries = async (): Promise<number> => {
    const lease = holding.keeper?.leaseOf(DUE_RETRIES_LEASE);
    return lease === undefined ? 0 : dueRetries.runDue(callingUnder(lease));
  };
  const workWith = (stop: () => Promise<void>): HubWork => ({
    reactions: names,
    lags,
    dueRetries,
    runDueRetries,
    backorders,
    subscriptions: [],
    caughtUp: Promise.resolve(),
    stop,
  });
  if (options.role === 'api') return { work: workWith(async () => undefined), keeper: null };
  await Promise.all([dueRetries.start(), backorders.start()]);
  const leased: LeasedWork[] = names.map((name) => ({
    name,
    start: async (lease) => {
      // this lease's own reaction: its checkpoints and its calls to the WMS and TMS fenced by the lease
      const reaction = reactionsWith(callingUnder(lease)).find((candidate) => candidate.name === name);
      if (reaction === undefined) throw new Error(`no reaction ${name}`);
      const fenced = checkpoints.fencedBy(lease);
      const { carriedOver } = options;
      const load = async (checkpoint: string) => (await fenced.load(checkpoint)) ?? (await carriedOver?.load(checkpoint));
      const subscription = await reaction.start({ ...deps, checkpoints: { load, save: fenced.save } });
      if (reaction.name === PLACE_BACKORDERS)
        subscription.caughtUp
          .then(() => backorders.placeCovered())
          .catch((error: unknown) => logger.error({ err: error }, 'placing the covered backorders failed'));
      return subscription;
    },
  }));
  const { projections } = options;
  // the projections' batches are transactions that read their checkpoints under a lock of the
  // database: a holder that lost the lease wastes a batch, it never applies an event twice
  const following: LeasedWork[] =
    projections === undefined
      ? []
      : [
          {
            name: PROJECTIONS_LEASE,
            start: async () => {
              const caughtUp = projections.start().catch((error: unknown) => logger.error({ err: error }, 'the projections stopped'));
              return {
                stop: async () => {
                  await projections.stop();
                  await caughtUp;
                },
              };
            },
          },
        ];
  const started = new LeaseKeeper(
    options.leases,
    [
      ...leased,
      ...following,
      { name: DUE_RETRIES_LEASE, start: async () => noWork },
      { name: RECONCILIATIONS_LEASE, start: async () => noWork },
    ],
    {
      holder: options.holder,
      ttlMs: options.ttlMs,
      onError: (error, name) =>
        name === HEARTBEAT
          ? logger.error({ err: error }, 'the heartbeat to the other workers failed')
          : logger.error({ err: error, lease: name }, `the work of lease ${name} failed`),
      onChange: (name, held, why) =>
        logger.info({ lease: name, holder: options.holder, held, why }, held ? `holding ${name}` : `no longer holding ${name} (${why})`),
    },
  );
  holding.keeper = started;
  await started.start();
  const work = workWith(async () => {
    await started.stop();
    await Promise.all([dueRetries.stop(), backorders.stop()]);
  });
  return { work, keeper: started };
};
