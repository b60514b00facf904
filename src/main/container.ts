/**
 * The composition root's wiring: inversify binds each port to the adapter the configuration
 * asks for (SQLite or EventStoreDB; the sandbox or real WMS/TMS URLs).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Container } from 'inversify';
import type { Logger } from 'pino';
import { StateCache } from '../application/commands/state-cache.ts';
import type { Dependencies } from '../application/dependencies.ts';
import { EventReader } from '../application/events/event-reader.ts';
import { undecodableAlert } from '../application/events/undecodable-event.ts';
import { ZodEventDecoder } from '../adapters/event-codec/zod-event-decoder.ts';
import type { Alerting } from '../application/ports/alerting.ts';
import type { CheckpointStore } from '../application/ports/checkpoint-store.ts';
import type { Clock } from '../application/ports/clock.ts';
import type { EventStore } from '../application/ports/event-store.ts';
import type { Ids } from '../application/ports/ids.ts';
import type { Inventory } from '../application/ports/inventory.ts';
import type { Transport } from '../application/ports/transport.ts';
import type { Warehouse } from '../application/ports/warehouse.ts';
import { SqliteAlerting } from '../adapters/alerting/sqlite-alerting.ts';
import { SqliteCheckpointStore } from '../adapters/checkpoints/sqlite-checkpoint-store.ts';
import { SystemClock } from '../adapters/clock/system-clock.ts';
import { RandomIds } from '../adapters/ids/random-ids.ts';
import { EventStoreInventory } from '../adapters/inventory/event-store-inventory.ts';
import { TmsHttpClient } from '../adapters/tms/tms-http-client.ts';
import { WmsHttpClient } from '../adapters/wms/wms-http-client.ts';
import type { Config } from './config.ts';
import { openEventStore } from './open-event-store.ts';

export const TYPES = {
  Config: Symbol('Config'),
  Logger: Symbol('Logger'),
  EventStore: Symbol('EventStore'),
  EventReader: Symbol('EventReader'),
  CheckpointStore: Symbol('CheckpointStore'),
  Alerting: Symbol('Alerting'),
  Inventory: Symbol('Inventory'),
  Clock: Symbol('Clock'),
  Ids: Symbol('Ids'),
  Warehouse: Symbol('Warehouse'),
  Transport: Symbol('Transport'),
  Dependencies: Symbol('Dependencies'),
} as const;

/** Where the WMS and TMS are: the configured URLs, or the sandbox's when none is configured. */
export type OutsideUrls = Readonly<{ wmsUrl: string; tmsUrl: string }>;

export type Overrides = Partial<Readonly<{ clock: Clock; eventStore: EventStore }>>;

export const buildContainer = (config: Config, logger: Logger, urls: OutsideUrls, overrides: Overrides = {}): Container => {
  const container = new Container({ defaultScope: 'Singleton' });
  const dataFile = (name: string) => {
    mkdirSync(config.OMS_DATA_DIR, { recursive: true });
    return join(config.OMS_DATA_DIR, name);
  };
  container.bind<Config>(TYPES.Config).toConstantValue(config);
  container.bind<Logger>(TYPES.Logger).toConstantValue(logger);
  container.bind<EventStore>(TYPES.EventStore).toDynamicValue(() => overrides.eventStore ?? openEventStore(config));
  container.bind<CheckpointStore>(TYPES.CheckpointStore).toDynamicValue(() => SqliteCheckpointStore.open(dataFile('checkpoints.sqlite')));
  container.bind<Alerting>(TYPES.Alerting).toDynamicValue(() =>
    SqliteAlerting.open(dataFile('alerts.sqlite'), {
      logger: logger.child({ component: 'alerting' }),
      ...(config.ALERT_WEBHOOK_URL === undefined ? {} : { webhook: { url: config.ALERT_WEBHOOK_URL } }),
    }),
  );
  container
    .bind<EventReader>(TYPES.EventReader)
    .toResolvedValue((store: EventStore) => new EventReader(store, new ZodEventDecoder()), [TYPES.EventStore]);
  container
    .bind<Inventory>(TYPES.Inventory)
    .toResolvedValue(
      (events: EventReader, alerting: Alerting, clock: Clock) =>
        new EventStoreInventory(events, { onUndecodable: (problem) => alerting.raise(undecodableAlert(problem, clock.now())) }),
      [TYPES.EventReader, TYPES.Alerting, TYPES.Clock],
    );
  container.bind<Clock>(TYPES.Clock).toConstantValue(overrides.clock ?? new SystemClock());
  container.bind<Ids>(TYPES.Ids).toConstantValue(new RandomIds());
  container.bind<Warehouse>(TYPES.Warehouse).toConstantValue(new WmsHttpClient({ baseUrl: urls.wmsUrl, timeoutMs: config.WMS_TIMEOUT_MS }));
  container.bind<Transport>(TYPES.Transport).toConstantValue(new TmsHttpClient({ baseUrl: urls.tmsUrl, timeoutMs: config.TMS_TIMEOUT_MS }));
  container.bind<Dependencies>(TYPES.Dependencies).toDynamicValue((ctx) => {
    const policy = {
      maxAttempts: config.RETRY_MAX_ATTEMPTS,
      baseDelayMs: config.RETRY_BASE_DELAY_MS,
      maxDelayMs: config.RETRY_MAX_DELAY_MS,
    };
    return {
      store: ctx.get<EventStore>(TYPES.EventStore),
      events: ctx.get<EventReader>(TYPES.EventReader),
      stateCache: new StateCache(),
      ids: ctx.get<Ids>(TYPES.Ids),
      clock: ctx.get<Clock>(TYPES.Clock),
      warehouse: ctx.get<Warehouse>(TYPES.Warehouse),
      transport: ctx.get<Transport>(TYPES.Transport),
      inventory: ctx.get<Inventory>(TYPES.Inventory),
      alerting: ctx.get<Alerting>(TYPES.Alerting),
      wmsRetryPolicy: policy,
      tmsRetryPolicy: policy,
    };
  });
  return container;
};
