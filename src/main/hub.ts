/**
 * Start the hub: its store, ports and adapters (wired by the container), the background work
 * (reactions, due retries, backorders, reconciliations on a schedule), the REST API and, when no
 * WMS/TMS URL is configured, the sandbox warehouse and carrier on loopback.
 */
import { type Server, createServer } from 'node:http';
import type { Logger } from 'pino';
import type { Dependencies } from '../application/dependencies.ts';
import { type HubWork, startHubWork } from '../application/hub-work.ts';
import type { ReactionLag } from '../application/reactions/reaction-lag.ts';
import { alertOnLag } from '../application/reactions/lag-alerts.ts';
import { DueReconciliations } from '../application/stock/due-reconciliations.ts';
import { createHttpApp } from '../adapters/http/http-app.ts';
import { LiveFeed } from '../adapters/http/live-feed.ts';
import { callbackReplay } from '../adapters/http/routes/callback-routes.ts';
import type { Projections } from '../adapters/projections/projections.ts';
import type { Sandbox } from '../adapters/sandbox/sandbox.ts';
import { type Config, allowedHostsOf } from './config.ts';
import type { Callers } from '../adapters/credentials/callers.ts';
import type { CredentialsWatch } from '../adapters/credentials/credentials-file.ts';
import { callersOf, watchCallers } from './callers-of-config.ts';
import { sandboxCaller, startConfiguredSandbox } from './sandbox-of-config.ts';
import { type Overrides, buildHubContainer, hubParts } from './container.ts';
import { receiveDemoStock } from './demo-stock.ts';
import { placeDemoOrders } from './demo-orders.ts';
import type { CheckpointStore } from '../application/ports/checkpoint-store.ts';
import { PostgresCheckpointStore } from '../adapters/checkpoints/postgres-checkpoint-store.ts';
import type { LeaseKeeper } from '../adapters/leases/lease-keeper.ts';
import { PostgresLeases } from '../adapters/leases/postgres-leases.ts';
import { DUE_RETRIES_LEASE, PROJECTIONS_LEASE, RECONCILIATIONS_LEASE, holderOfThisProcess, startLeasedHubWork } from './leased-hub-work.ts';

export type RunningHub = Readonly<{
  url: string;
  deps: Dependencies;
  work: HubWork;
  /** stock reconciliation every RECONCILE_EVERY_MS, by the clock; `runDue()` runs what is due now */
  reconciliations: DueReconciliations;
  projections: Projections;
  /** the store's appends as they happen, for GET /api/oms/live (`listening`: its clients now) */
  live: LiveFeed;
  sandbox: Sandbox | null;
  /** the sandbox's warehouses that speak Qimen (SANDBOX_QIMEN_WAREHOUSES, when the sandbox has a Qimen key) */
  sandboxQimenWarehouses: readonly string[];
  /** who may call, as what: the credentials file (read again when it changes) and OMS_API_KEYS */
  callers: Callers;
  /** the credentials file's watch (null: no file): `reload()` reads it now */
  credentials: CredentialsWatch | null;
  /** EVENT_STORE=postgres: which work's lease this process holds (null with SQLite or EventStoreDB: one process, it runs everything) */
  keeper: LeaseKeeper | null;
  /** alerts the reactions behind by more than LAG_ALERT_SECONDS now (the hub does every LAG_CHECK_MS); their names */
  alertLagging(): Promise<readonly string[]>;
  stop(): Promise<void>;
}>;

const listen = (server: Server, port: number, host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });

/** How often the reactions' lags are checked against LAG_ALERT_SECONDS. */
const LAG_CHECK_MS = 15_000;

/** A reaction's lag as /health and the metrics show it: the events waiting for it, and for how many seconds the oldest has. */
const waitingOf = (lags: Readonly<Record<string, ReactionLag>>, now: string) =>
  Object.fromEntries(
    Object.entries(lags).map(([name, lag]) => [
      name,
      {
        position: lag.position,
        behind: lag.behind,
        waitingSeconds: lag.waitingSince === null ? 0 : Math.max(0, (Date.parse(now) - Date.parse(lag.waitingSince)) / 1000),
      },
    ]),
  );

/** A reaction's lag, and whether this process holds its lease (on PostgreSQL; with one process, no `held`). */
const withHolding = <T extends object>(lags: Record<string, T>, holds: ((name: string) => boolean) | null) =>
  holds === null ? lags : Object.fromEntries(Object.entries(lags).map(([name, lag]) => [name, { ...lag, held: holds(name) }]));

/** The leases and the reactions' checkpoints in the event store's PostgreSQL database, for hub processes sharing it. */
const openShared = async (databaseUrl: string, config: Config) => {
  const leases = await PostgresLeases.open(databaseUrl, { ttlMs: config.LEASE_TTL_MS });
  try {
    const checkpoints = await PostgresCheckpointStore.open(databaseUrl);
    return {
      leases,
      checkpoints,
      close: async () => {
        await Promise.all([leases.close(), checkpoints.close()]);
      },
    };
  } catch (error) {
    await leases.close();
    throw error;
  }
};

export const startHub = async (config: Config, logger: Logger, overrides: Overrides = {}): Promise<RunningHub> => {
  const callers = callersOf(config);
  const sandboxed = config.WMS_URL === undefined || config.TMS_URL === undefined;
  const withDemoStock = config.DEMO_STOCK === 'true' || (config.DEMO_STOCK === undefined && sandboxed);
  const calledBack = sandboxed ? sandboxCaller(config, callers) : { secret: null, qimen: undefined };
  const credentials = watchCallers(config, callers, logger);
  const sandbox = sandboxed ? await startConfiguredSandbox(config, callers, calledBack, withDemoStock, logger) : null;
  // the sandbox's Qimen warehouses: when the sandbox plays the WMS and has a Qimen key
  const sandboxQimenWarehouses =
    sandbox !== null && calledBack.qimen !== undefined && config.WMS_URL === undefined ? config.SANDBOX_QIMEN_WAREHOUSES : [];
  const sandboxQimen = (warehouseCode: string) =>
    sandbox !== null && calledBack.qimen !== undefined && sandboxQimenWarehouses.includes(warehouseCode)
      ? { url: sandbox.qimenUrl, ...calledBack.qimen, customerId: 'SANDBOX', ownerCode: 'SANDBOX', timeoutMs: null }
      : null;
  const outside = {
    wmsUrl: config.WMS_URL ?? sandbox?.wmsUrl ?? '',
    tmsUrl: config.TMS_URL ?? sandbox?.tmsUrl ?? '',
    secrets: { warehouse: callers.warehouse, tms: callers.tms },
    qimenWarehouse: (warehouseCode: string) => callers.qimenWarehouse(warehouseCode) ?? sandboxQimen(warehouseCode),
    timeoutOf: callers.timeoutOf,
  };
  const {
    deps,
    store,
    checkpoints,
    alerting,
    idempotencyKeys,
    seenSignatures,
    inventory,
    projections,
    metrics,
    snapshots,
    keptReadModels,
    breaker,
  } = hubParts(buildHubContainer(config, logger, outside, overrides));
  // the inventory view resumes from its kept ledgers; what it still has to read, it reads while the hub serves
  const catchingUp = new Set(['inventory', 'projections']);
  inventory
    .start()
    .then(() => catchingUp.delete('inventory'))
    .catch((error: unknown) => logger.error({ err: error }, 'the inventory view could not catch up'));
  if (withDemoStock) await receiveDemoStock(deps);
  // a warehouse's local times are read in its own zone (its caller's `zone`), else WAREHOUSE_ZONE
  const routeContext = {
    deps,
    zoneOf: (warehouseCode: string | null) => (warehouseCode === null ? undefined : callers.zoneOf(warehouseCode)) ?? config.WAREHOUSE_ZONE,
  };
  const replay = callbackReplay(routeContext, (id) => callers.byId(id));
  // on PostgreSQL, hub processes share the work: each piece runs where its lease is held, its checkpoints in the database
  const shared =
    config.EVENT_STORE === 'postgres' && config.DATABASE_URL !== undefined ? await openShared(config.DATABASE_URL, config) : null;
  // The background work resumes while the hub starts to serve: the retry index and the backorder
  // book read what came since they were kept (everything, the first time), and /health says so
  // meanwhile. Orders taken before the reactions run wait for them in the store.
  catchingUp.add('background work');
  const workStarting: Promise<Readonly<{ work: HubWork; keeper: LeaseKeeper | null }>> =
    shared === null
      ? startHubWork(deps, checkpoints, replay).then((work) => ({ work, keeper: null }))
      : startLeasedHubWork(deps, {
          role: config.HUB_ROLE,
          leases: shared.leases,
          checkpoints: shared.checkpoints,
          holder: holderOfThisProcess(),
          ttlMs: config.LEASE_TTL_MS,
          logger,
          replay,
          carriedOver: checkpoints,
          projections: { start: () => projections.start(store), stop: () => projections.stop() },
        });
  let started: Awaited<typeof workStarting> | undefined;
  workStarting
    .then(async (running) => {
      started = running;
      // caught up: every reaction, and the retry index and the backorder book they no longer wait for
      await running.work.caughtUp.catch((error: unknown) => logger.error({ err: error }, 'the background work could not catch up'));
      catchingUp.delete('background work');
    })
    // a failure is the start's own, below
    .catch(() => undefined);
  const reactionCheckpoints: Pick<CheckpointStore, 'load'> = shared?.checkpoints ?? checkpoints;
  /** whether this process runs `name`'s work now: always with one process; on PostgreSQL, while it holds the lease */
  const runs = (name: string): boolean => (shared === null ? true : started?.keeper?.held(name) === true);
  const backgroundWork = config.HUB_ROLE !== 'api';
  const reconciliations = new DueReconciliations(deps, config.RECONCILE_EVERY_MS);
  // the reactions' lags read once for whoever asks meanwhile (the two lag gauges of a scrape, /health, the lag check)
  let lagsUnderWay: Promise<Record<string, ReactionLag>> | undefined;
  const lags = (): Promise<Record<string, ReactionLag>> =>
    started === undefined
      ? Promise.resolve({})
      : (lagsUnderWay ??= started.work.lags().finally(() => {
          lagsUnderWay = undefined;
        }));
  /**
   * /health's lags, from one count of the projections' and one of the reactions': per projection
   * and per reaction its position, the events behind it, how long the oldest has waited; on
   * PostgreSQL, who holds its lease and whether this process does.
   */
  const lagDetails = async () => {
    const now = deps.clock.now();
    const holders = shared === null ? null : await shared.leases.holders();
    const holderOf = (lease: string) => (holders === null ? {} : { holder: holders.get(lease) ?? null });
    const reactions = withHolding(waitingOf(await lags(), now), shared === null ? null : runs);
    const projectionLags = catchingUp.has('projections') ? null : waitingOf(await projections.lags(store), now);
    const perProjection = <T>(of: (lag: ReturnType<typeof waitingOf>[string]) => T) =>
      projectionLags === null ? 'catching up' : Object.fromEntries(Object.entries(projectionLags).map(([name, lag]) => [name, of(lag)]));
    return {
      projectionLag: perProjection((lag) => lag.behind),
      projections: perProjection((lag) => ({ ...lag, ...holderOf(PROJECTIONS_LEASE) })),
      reactions: Object.fromEntries(Object.entries(reactions).map(([name, lag]) => [name, { ...lag, ...holderOf(name) }])),
    };
  };
  metrics.watch({
    retriesPending: () => started?.work.dueRetries.pending().length ?? 0,
    backordersWaiting: () => started?.work.backorders.list().length ?? 0,
    openAlertKinds: async () => (await alerting.list({ acknowledged: false })).map((alert) => alert.kind),
    openCircuits: () => breaker.open().map((circuit) => circuit.warehouseCode),
    // counting what a catching-up projection has still to read would read it all again, at every scrape
    projectionLag: async () => (catchingUp.has('projections') ? {} : waitingOf(await projections.lags(store), deps.clock.now())),
    reactionPositions: async () =>
      Object.fromEntries(
        await Promise.all(
          (started?.work.reactions ?? []).map(async (name) => [name, (await reactionCheckpoints.load(name))?.commit] as const),
        ),
      ),
    reactionLags: async () => waitingOf(await lags(), deps.clock.now()),
  });
  const live = new LiveFeed(store, (error) => logger.error({ err: error }, 'the live feed stopped'), config.LIVE_MAX_STREAMS);
  // The live feed follows the store from where the projections stood when the hub last ran (its
  // head then, unless the hub is far behind: a client listening meanwhile hears the backlog too),
  // started before the hub listens so that no append made after a client connects is missed.
  live
    .start((await projections.furthest()) ?? undefined)
    .catch((error: unknown) => logger.error({ err: error }, 'the live feed could not start'));
  // The projections catch up while the hub serves: a hub far behind the store answers /health
  // (which says so) and takes orders at once, instead of reading its backlog first. On PostgreSQL
  // they are the shared database's, followed by the holder of their lease (../main/leased-hub-work.ts).
  if (shared !== null) catchingUp.delete('projections');
  const projectionsFollowing =
    shared !== null
      ? Promise.resolve()
      : projections
          .start(store)
          .then(() => catchingUp.delete('projections'))
          .catch((error: unknown) => logger.error({ err: error }, 'the projections could not catch up'));

  /** the warehouses this process leaves alone for now (../adapters/outside-call/warehouse-breaker.ts); none: nothing said */
  const circuitDetails = () => {
    const open = breaker.open();
    return open.length === 0 ? {} : { warehouseCircuits: open };
  };
  const app = createHttpApp(routeContext, {
    bodyLimit: config.BODY_LIMIT,
    idempotencyKeys,
    guard: { allowedHosts: allowedHostsOf(config), allowedOrigins: config.ALLOWED_ORIGINS },
    callers,
    seenSignatures,
    authFailures: { limit: config.AUTH_FAILURE_LIMIT, windowMs: 15 * 60_000 },
    reports: projections,
    metrics,
    live: { feed: live, keepAliveMs: config.LIVE_KEEP_ALIVE_MS },
    logError: (error) => logger.error({ err: error }, 'request failed'),
    health: async () => ({
      store: config.EVENT_STORE,
      warehouse: sandbox === null ? config.WMS_URL : `sandbox (${config.SANDBOX_MODE}) at ${sandbox.wmsUrl}`,
      ...(shared === null ? {} : { role: config.HUB_ROLE, held: started?.keeper?.names().filter(runs) ?? [] }),
      ...(backgroundWork && started !== undefined
        ? { pendingRetries: started.work.dueRetries.pending().length, waitingBackorders: started.work.backorders.list().length }
        : {}),
      catchingUp: [...catchingUp],
      ...circuitDetails(),
      ...(await lagDetails()),
    }),
  });
  const server = createServer(app);
  const port = await listen(server, config.PORT, config.HOST);
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
  sandbox?.setHubUrl(url);
  let work: HubWork;
  let keeper: LeaseKeeper | null;
  try {
    ({ work, keeper } = await workStarting);
  } catch (error) {
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }
  // with the sandbox only: demo orders never go to a real warehouse
  if (sandbox !== null && withDemoStock && config.DEMO_ORDERS !== 'false') await placeDemoOrders(deps);

  let retrying: Promise<unknown> = Promise.resolve();
  let reconciling: Promise<unknown> = Promise.resolve();
  const reconciled = (outcomes: Awaited<ReturnType<DueReconciliations['runDue']>>): void => {
    for (const { warehouseCode, outcome } of outcomes) {
      if (outcome.ok) logger.info({ warehouseCode, variances: outcome.reconciliation.variances.length }, `reconciled ${warehouseCode}`);
      else logger.warn({ warehouseCode }, `could not reconcile ${warehouseCode}: ${outcome.error}`);
    }
  };
  // a reaction or a projection fallen behind by more than LAG_ALERT_SECONDS is alerted; checked every LAG_CHECK_MS
  let lagChecking: Promise<unknown> = Promise.resolve();
  const alertLagging = async () => [
    ...(await alertOnLag(alerting, await lags(), config.LAG_ALERT_SECONDS, deps.clock.now())),
    ...(catchingUp.has('projections')
      ? []
      : await alertOnLag(alerting, await projections.lags(store), config.LAG_ALERT_SECONDS, deps.clock.now(), 'projection')),
  ];
  const lagTicker = setInterval(() => {
    lagChecking = lagChecking.then(alertLagging).catch((error: unknown) => logger.error({ err: error }, 'checking the lags failed'));
  }, LAG_CHECK_MS);
  const ticker = setInterval(() => {
    if (!backgroundWork) return;
    if (runs(DUE_RETRIES_LEASE))
      retrying = retrying.then(() => work.runDueRetries()).catch((error: unknown) => logger.error({ err: error }, 'retrying failed'));
    // a reconciliation that takes longer than a tick holds back the next check, never the retries
    if (runs(RECONCILIATIONS_LEASE))
      reconciling = reconciling
        .then(() => reconciliations.runDue())
        .then(reconciled)
        .catch((error: unknown) => logger.error({ err: error }, 'reconciling failed'));
  }, config.RETRY_TICK_MS);

  return {
    url,
    deps,
    work,
    reconciliations,
    projections,
    live,
    sandbox,
    sandboxQimenWarehouses,
    callers,
    credentials,
    keeper,
    alertLagging,
    stop: async () => {
      clearInterval(ticker);
      clearInterval(lagTicker);
      credentials?.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await retrying;
      await reconciling;
      await lagChecking;
      await work.stop();
      // a catch-up under way ends here, with what it has applied (a rebuild of a new projection runs to its end first)
      await projections.stop();
      await projectionsFollowing;
      await live.stop();
      await projections.close();
      await inventory.stop();
      keptReadModels.close();
      await sandbox?.close();
      await alerting.close();
      checkpoints.close();
      await shared?.close();
      await idempotencyKeys.close();
      await seenSignatures.close();
      await snapshots.close();
      await store.close();
    },
  };
};
