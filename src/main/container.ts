/**
 * The composition root's wiring: inversify binds each port to the adapter the configuration asks
 * for (SQLite or EventStoreDB; the sandbox or real WMS/TMS URLs), and hands out the parts the hub
 * and the `oms` CLI use. Adapters a caller must close are bound by their class, and their port
 * resolves to that same instance, so nothing is cast back out of the container: each `get<T>`
 * names the type its `bind<T>` did.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Container } from 'inversify';
import type { Logger } from 'pino';
import type { Snapshots } from '../application/commands/snapshots.ts';
import { StateCache } from '../application/commands/state-cache.ts';
import type { StateSource } from '../application/commands/handle-command.ts';
import type { Dependencies } from '../application/dependencies.ts';
import { EventReader } from '../application/events/event-reader.ts';
import { undecodableAlert } from '../application/events/undecodable-event.ts';
import type { Alerting } from '../application/ports/alerting.ts';
import type { CheckpointStore } from '../application/ports/checkpoint-store.ts';
import type { Clock } from '../application/ports/clock.ts';
import type { EventDecoder } from '../application/ports/event-decoder.ts';
import type { Ids } from '../application/ports/ids.ts';
import type { Inventory } from '../application/ports/inventory.ts';
import type { Random } from '../application/ports/random.ts';
import type { SnapshotStore } from '../application/ports/snapshot-store.ts';
import type { Transport } from '../application/ports/transport.ts';
import type { Warehouse } from '../application/ports/warehouse.ts';
import type { AlertingOptions } from '../adapters/alerting/alert-announcer.ts';
import { PostgresAlerting } from '../adapters/alerting/postgres-alerting.ts';
import { SqliteAlerting } from '../adapters/alerting/sqlite-alerting.ts';
import type { IdempotencyKeys } from '../adapters/http/idempotency-key.ts';
import { PostgresIdempotencyKeys } from '../adapters/idempotency/postgres-idempotency-keys.ts';
import { SqliteIdempotencyKeys } from '../adapters/idempotency/sqlite-idempotency-keys.ts';
import type { SeenSignatures } from '../adapters/signature/hub-signature.ts';
import { PostgresSeenSignatures } from '../adapters/signature/postgres-seen-signatures.ts';
import { SqliteSeenSignatures } from '../adapters/signature/sqlite-seen-signatures.ts';
import type { OutgoingSecrets, QimenWarehouseKey } from '../adapters/credentials/callers.ts';
import { SqliteCheckpointStore } from '../adapters/checkpoints/sqlite-checkpoint-store.ts';
import { SystemClock } from '../adapters/clock/system-clock.ts';
import { PostgresSnapshotStore } from '../adapters/snapshots/postgres-snapshot-store.ts';
import { SqliteSnapshotStore } from '../adapters/snapshots/sqlite-snapshot-store.ts';
import { ZodEventDecoder } from '../adapters/event-codec/zod-event-decoder.ts';
import { RandomIds } from '../adapters/ids/random-ids.ts';
import { EventStoreInventory, INVENTORY_MODEL } from '../adapters/inventory/event-store-inventory.ts';
import { stockLevelCodec } from '../adapters/inventory/stock-level-codec.ts';
import { SqliteKeptReadModels } from '../adapters/projections/sqlite-kept-read-models.ts';
import { PlatformRandom } from '../adapters/random/platform-random.ts';
import type { Projections } from '../adapters/projections/projections.ts';
import { openProjections } from './open-projections.ts';
import { TmsHttpClient } from '../adapters/tms/tms-http-client.ts';
import { WmsHttpClient } from '../adapters/wms/wms-http-client.ts';
import { WarehouseByProtocol } from '../adapters/wms/warehouse-by-protocol.ts';
import { WarehouseBreaker } from '../adapters/outside-call/warehouse-breaker.ts';
import { HubMetrics } from '../adapters/metrics/hub-metrics.ts';
import { MeasuredStore } from '../adapters/metrics/measured-store.ts';
import { measuredTransport, measuredWarehouse } from '../adapters/metrics/measured-outside-calls.ts';
import type { Config } from './config.ts';
import { type OpenedEventStore, openEventStore } from './open-event-store.ts';

export const TYPES = {
  Config: Symbol('Config'),
  Metrics: Symbol('Metrics'),
  Logger: Symbol('Logger'),
  EventStore: Symbol('EventStore'),
  EventDecoder: Symbol('EventDecoder'),
  EventReader: Symbol('EventReader'),
  CheckpointStore: Symbol('CheckpointStore'),
  Alerting: Symbol('Alerting'),
  Inventory: Symbol('Inventory'),
  Clock: Symbol('Clock'),
  Ids: Symbol('Ids'),
  Warehouse: Symbol('Warehouse'),
  Transport: Symbol('Transport'),
  Dependencies: Symbol('Dependencies'),
  // the adapters a caller must close, as their own classes or closable types (their ports resolve to the same instance)
  SqliteCheckpointStore: Symbol('SqliteCheckpointStore'),
  OpenedAlerting: Symbol('OpenedAlerting'),
  OpenedIdempotencyKeys: Symbol('OpenedIdempotencyKeys'),
  OpenedSeenSignatures: Symbol('OpenedSeenSignatures'),
  EventStoreInventory: Symbol('EventStoreInventory'),
  StateSource: Symbol('StateSource'),
  WarehouseBreaker: Symbol('WarehouseBreaker'),
  Projections: Symbol('Projections'),
  SqliteKeptReadModels: Symbol('SqliteKeptReadModels'),
  SnapshotStore: Symbol('SnapshotStore'),
} as const;

/** Where the WMS and TMS are (the configured URLs, or the sandbox's when none is configured), and what the hub signs its calls to them with. */
export type Outside = Readonly<{
  wmsUrl: string;
  tmsUrl: string;
  secrets: OutgoingSecrets;
  /** the warehouses the hub calls in Qimen (their caller has a Qimen URL); null: the article's JSON at wmsUrl */
  qimenWarehouse: (warehouseCode: string) => QimenWarehouseKey | null;
  /** a warehouse's own timeout, when its caller has one */
  timeoutOf: (warehouseCode: string) => number | undefined;
}>;

/** `retryJitter`: where retries draw their jitter, instead of RETRY_JITTER's choice (a seeded source in tests). */
export type Overrides = Partial<Readonly<{ clock: Clock; retryJitter: Random }>>;

const dataFile = (config: Config, name: string): string => {
  mkdirSync(config.OMS_DATA_DIR, { recursive: true });
  return join(config.OMS_DATA_DIR, name);
};

/** A snapshot store the opener owns: close it when done. */
export type OpenedSnapshotStore = SnapshotStore & Readonly<{ close(): Promise<void> }>;

/**
 * Where snapshots are kept: beside the events when they are in PostgreSQL (the hubs sharing the
 * database share them too), else in `snapshots.sqlite` in the data directory (one hub's own).
 */
const openSnapshotStore = (config: Config): OpenedSnapshotStore => {
  if (config.EVENT_STORE === 'postgres' && config.DATABASE_URL !== undefined) return PostgresSnapshotStore.connect(config.DATABASE_URL);
  return SqliteSnapshotStore.open(dataFile(config, 'snapshots.sqlite'));
};

/** The PostgreSQL database of the event store, when it is there (EVENT_STORE=postgres): what the hubs on it share. */
const sharedDatabase = (config: Config): string | undefined => (config.EVENT_STORE === 'postgres' ? config.DATABASE_URL : undefined);

/** Alerts, idempotency keys and seen signatures the opener owns (in SQLite or PostgreSQL): close each when done. */
export type OpenedAlerting = Alerting & Readonly<{ close(): Promise<void> }>;
export type OpenedIdempotencyKeys = IdempotencyKeys & Readonly<{ close(): Promise<void> }>;
export type OpenedSeenSignatures = SeenSignatures & Readonly<{ close(): Promise<void> }>;

/**
 * Where alerts, idempotency keys and seen signatures are kept: beside the events when they are in
 * PostgreSQL (the hubs sharing the database share them too, so that an alert is raised once, a
 * key is bound once and a signature is seen once across the hubs), else in SQLite files in the
 * data directory (one hub's own).
 */
const openAlerting = (config: Config, options: AlertingOptions): OpenedAlerting => {
  const database = sharedDatabase(config);
  return database === undefined
    ? SqliteAlerting.open(dataFile(config, 'alerts.sqlite'), options)
    : PostgresAlerting.connect(database, options);
};

const openIdempotencyKeys = (config: Config): OpenedIdempotencyKeys => {
  const database = sharedDatabase(config);
  return database === undefined
    ? SqliteIdempotencyKeys.open(dataFile(config, 'idempotency-keys.sqlite'))
    : PostgresIdempotencyKeys.connect(database);
};

const openSeenSignatures = (config: Config): OpenedSeenSignatures => {
  const database = sharedDatabase(config);
  return database === undefined
    ? SqliteSeenSignatures.open(dataFile(config, 'seen-signatures.sqlite'))
    : PostgresSeenSignatures.connect(database);
};

/** The event store and how its events are read: what the hub and the CLI share. */
const bindEvents = (container: Container, config: Config, options: Readonly<{ mustExist?: boolean }>): void => {
  container.bind<Config>(TYPES.Config).toConstantValue(config);
  container.bind<OpenedEventStore>(TYPES.EventStore).toDynamicValue(() => openEventStore(config, options));
  container.bind<EventDecoder>(TYPES.EventDecoder).toConstantValue(new ZodEventDecoder());
  container
    .bind<EventReader>(TYPES.EventReader)
    .toResolvedValue(
      (store: OpenedEventStore, decoder: EventDecoder) => new EventReader(store, decoder),
      [TYPES.EventStore, TYPES.EventDecoder],
    );
};

/** SNAPSHOT_EVERY: how often a stock ledger is snapshotted; 0, never (every restart folds whole ledgers). */
const snapshotsOf = (config: Config, store: SnapshotStore, logger: Logger): Snapshots | undefined =>
  config.SNAPSHOT_EVERY === 0
    ? undefined
    : {
        store,
        every: config.SNAPSHOT_EVERY,
        onError: (error, stream) => logger.warn({ err: error, stream }, 'snapshot passed over: the stream is folded from its events'),
      };

/** Every part of a running hub. */
export const buildHubContainer = (config: Config, logger: Logger, outside: Outside, overrides: Overrides = {}): Container => {
  const container = new Container({ defaultScope: 'Singleton' });
  bindEvents(container, config, {});
  container.bind<Logger>(TYPES.Logger).toConstantValue(logger);
  container.bind<Clock>(TYPES.Clock).toConstantValue(overrides.clock ?? new SystemClock());
  container.bind<Ids>(TYPES.Ids).toConstantValue(new RandomIds());
  container
    .bind<SqliteCheckpointStore>(TYPES.SqliteCheckpointStore)
    .toDynamicValue(() => SqliteCheckpointStore.open(dataFile(config, 'checkpoints.sqlite')));
  container.bind<CheckpointStore>(TYPES.CheckpointStore).toService(TYPES.SqliteCheckpointStore);
  container.bind<OpenedIdempotencyKeys>(TYPES.OpenedIdempotencyKeys).toDynamicValue(() => openIdempotencyKeys(config));
  container.bind<OpenedSeenSignatures>(TYPES.OpenedSeenSignatures).toDynamicValue(() => openSeenSignatures(config));
  container.bind<OpenedAlerting>(TYPES.OpenedAlerting).toDynamicValue(() =>
    openAlerting(config, {
      logger: logger.child({ component: 'alerting' }),
      ...(config.ALERT_WEBHOOK_URL === undefined ? {} : { webhook: { url: config.ALERT_WEBHOOK_URL } }),
    }),
  );
  container.bind<Alerting>(TYPES.Alerting).toService(TYPES.OpenedAlerting);
  // the retry index, the backorder book and the inventory view, kept between runs (whatever the event store)
  container
    .bind<SqliteKeptReadModels>(TYPES.SqliteKeptReadModels)
    .toDynamicValue(() => SqliteKeptReadModels.open(dataFile(config, 'read-models.sqlite')));
  // where states are folded from: the commands' and the inventory's (one cache, one set of snapshots)
  container.bind<StateSource>(TYPES.StateSource).toDynamicValue((ctx) => ({
    events: ctx.get<EventReader>(TYPES.EventReader),
    stateCache: new StateCache(),
    snapshots: snapshotsOf(config, ctx.get<OpenedSnapshotStore>(TYPES.SnapshotStore), logger),
  }));
  container.bind<EventStoreInventory>(TYPES.EventStoreInventory).toResolvedValue(
    (events: EventReader, alerting: Alerting, clock: Clock, kept: SqliteKeptReadModels, ledgers: StateSource) =>
      new EventStoreInventory(events, {
        onUndecodable: (problem) => alerting.raise(undecodableAlert(problem, clock.now())),
        kept: kept.model(INVENTORY_MODEL, stockLevelCodec),
        ledgers,
      }),
    [TYPES.EventReader, TYPES.Alerting, TYPES.Clock, TYPES.SqliteKeptReadModels, TYPES.StateSource],
  );
  container.bind<Inventory>(TYPES.Inventory).toService(TYPES.EventStoreInventory);
  container.bind<Projections>(TYPES.Projections).toResolvedValue(
    (decoder: EventDecoder, alerting: Alerting, clock: Clock) =>
      openProjections(config, {
        zone: config.WAREHOUSE_ZONE,
        decoder,
        onError: (error) => logger.error({ err: error }, 'projections stopped'),
        onUndecodable: (problem) => {
          alerting.raise(undecodableAlert(problem, clock.now())).catch((error: unknown) => logger.error({ err: error }, 'alert failed'));
        },
      }),
    [TYPES.EventDecoder, TYPES.Alerting, TYPES.Clock],
  );
  container.bind<OpenedSnapshotStore>(TYPES.SnapshotStore).toDynamicValue(() => openSnapshotStore(config));
  const metrics = new HubMetrics();
  container.bind<HubMetrics>(TYPES.Metrics).toConstantValue(metrics);
  // outermost, the breaker: a call it does not let through is not counted as a call
  container.bind<WarehouseBreaker>(TYPES.WarehouseBreaker).toResolvedValue(
    (clock: Clock) =>
      new WarehouseBreaker(
        measuredWarehouse(
          new WarehouseByProtocol(
            new WmsHttpClient({
              baseUrl: outside.wmsUrl,
              timeoutMs: config.WMS_TIMEOUT_MS,
              timeoutOf: outside.timeoutOf,
              signingSecret: outside.secrets.warehouse,
            }),
            outside.qimenWarehouse,
            config.WMS_TIMEOUT_MS,
          ),
          metrics,
        ),
        {
          failures: config.WMS_BREAKER_FAILURES,
          cooldownMs: config.WMS_BREAKER_COOLDOWN_MS,
          clock,
          onOpen: (warehouseCode, failures, until) =>
            logger.warn(
              { warehouseCode, failures, until },
              `${warehouseCode} failed ${failures} times in a row: not called until ${until}`,
            ),
        },
      ),
    [TYPES.Clock],
  );
  container.bind<Warehouse>(TYPES.Warehouse).toService(TYPES.WarehouseBreaker);
  container
    .bind<Transport>(TYPES.Transport)
    .toConstantValue(
      measuredTransport(
        new TmsHttpClient({ baseUrl: outside.tmsUrl, timeoutMs: config.TMS_TIMEOUT_MS, signingSecret: outside.secrets.tms }),
        metrics,
      ),
    );
  container.bind<Dependencies>(TYPES.Dependencies).toDynamicValue((ctx) => {
    const policy = {
      maxAttempts: config.RETRY_MAX_ATTEMPTS,
      baseDelayMs: config.RETRY_BASE_DELAY_MS,
      maxDelayMs: config.RETRY_MAX_DELAY_MS,
    };
    const { events, stateCache, snapshots } = ctx.get<StateSource>(TYPES.StateSource);
    return {
      // every append the hub makes is counted and timed (its reads, the projections' and the CLI's go to the store itself)
      store: new MeasuredStore(ctx.get<OpenedEventStore>(TYPES.EventStore), metrics),
      events,
      stateCache,
      snapshots,
      ids: ctx.get<Ids>(TYPES.Ids),
      clock: ctx.get<Clock>(TYPES.Clock),
      warehouse: ctx.get<Warehouse>(TYPES.Warehouse),
      transport: ctx.get<Transport>(TYPES.Transport),
      inventory: ctx.get<Inventory>(TYPES.Inventory),
      alerting: ctx.get<Alerting>(TYPES.Alerting),
      keptReadModels: ctx.get<SqliteKeptReadModels>(TYPES.SqliteKeptReadModels),
      wmsRetryPolicy: policy,
      tmsRetryPolicy: policy,
      retryJitter: overrides.retryJitter ?? (config.RETRY_JITTER === 'full' ? new PlatformRandom() : undefined),
      varianceAlertUnits: config.VARIANCE_ALERT_UNITS,
      callClaimMs: config.CALL_CLAIM_MS,
    };
  });
  return container;
};

/** What a running hub is made of, each part as the type it was bound as. */
export type HubParts = Readonly<{
  deps: Dependencies;
  store: OpenedEventStore;
  checkpoints: SqliteCheckpointStore;
  alerting: OpenedAlerting;
  idempotencyKeys: OpenedIdempotencyKeys;
  seenSignatures: OpenedSeenSignatures;
  inventory: EventStoreInventory;
  projections: Projections;
  keptReadModels: SqliteKeptReadModels;
  metrics: HubMetrics;
  snapshots: OpenedSnapshotStore;
  /** the WMS calls' circuit breaker (its open circuits are in /health) */
  breaker: WarehouseBreaker;
}>;

export const hubParts = (container: Container): HubParts => ({
  deps: container.get<Dependencies>(TYPES.Dependencies),
  store: container.get<OpenedEventStore>(TYPES.EventStore),
  checkpoints: container.get<SqliteCheckpointStore>(TYPES.SqliteCheckpointStore),
  alerting: container.get<OpenedAlerting>(TYPES.OpenedAlerting),
  idempotencyKeys: container.get<OpenedIdempotencyKeys>(TYPES.OpenedIdempotencyKeys),
  seenSignatures: container.get<OpenedSeenSignatures>(TYPES.OpenedSeenSignatures),
  inventory: container.get<EventStoreInventory>(TYPES.EventStoreInventory),
  projections: container.get<Projections>(TYPES.Projections),
  keptReadModels: container.get<SqliteKeptReadModels>(TYPES.SqliteKeptReadModels),
  metrics: container.get<HubMetrics>(TYPES.Metrics),
  snapshots: container.get<OpenedSnapshotStore>(TYPES.SnapshotStore),
  breaker: container.get<WarehouseBreaker>(TYPES.WarehouseBreaker),
});

/** What the `oms` CLI reads with: the existing store (never a new, empty one), decoded. */
export type AuditParts = Readonly<{ store: OpenedEventStore; decoder: EventDecoder; events: EventReader }>;

export const auditParts = (config: Config): AuditParts => {
  const container = new Container({ defaultScope: 'Singleton' });
  bindEvents(container, config, { mustExist: true });
  return {
    store: container.get<OpenedEventStore>(TYPES.EventStore),
    decoder: container.get<EventDecoder>(TYPES.EventDecoder),
    events: container.get<EventReader>(TYPES.EventReader),
  };
};
