/**
 * Start the hub: its store, ports and adapters (wired by the container), the background work
 * (reactions, due retries, backorders), the REST API and, when no WMS/TMS URL is configured, the
 * sandbox warehouse and carrier on loopback.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Dependencies } from '../application/dependencies.ts';
import { type HubWork, startHubWork } from '../application/hub-work.ts';
import type { CheckpointStore } from '../application/ports/checkpoint-store.ts';
import type { EventStore } from '../application/ports/event-store.ts';
import type { SqliteAlerting } from '../adapters/alerting/sqlite-alerting.ts';
import type { SqliteCheckpointStore } from '../adapters/checkpoints/sqlite-checkpoint-store.ts';
import { createHttpApp } from '../adapters/http/http-app.ts';
import type { EventStoreInventory } from '../adapters/inventory/event-store-inventory.ts';
import { SqliteProjections } from '../adapters/projections/sqlite-projections.ts';
import { type Sandbox, startSandbox } from '../adapters/sandbox/sandbox.ts';
import type { Config } from './config.ts';
import { type Overrides, TYPES, buildContainer } from './container.ts';
import { receiveDemoStock } from './demo-stock.ts';

export type RunningHub = Readonly<{
  url: string;
  deps: Dependencies;
  work: HubWork;
  projections: SqliteProjections;
  sandbox: Sandbox | null;
  stop(): Promise<void>;
}>;

const listen = (server: Server, port: number, host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });

export const startHub = async (config: Config, logger: Logger, overrides: Overrides = {}): Promise<RunningHub> => {
  const sandboxed = config.WMS_URL === undefined || config.TMS_URL === undefined;
  const sandbox = sandboxed
    ? await startSandbox({
        wmsPort: config.SANDBOX_WMS_PORT,
        tmsPort: config.SANDBOX_TMS_PORT,
        delayMs: config.SANDBOX_DELAY_MS,
        zone: config.WAREHOUSE_ZONE,
        faults: { mode: config.SANDBOX_MODE },
        ...(config.OMS_API_KEYS[0] === undefined ? {} : { hubApiKey: config.OMS_API_KEYS[0] }),
        logger: logger.child({ component: 'sandbox' }),
      })
    : null;
  const urls = { wmsUrl: config.WMS_URL ?? sandbox?.wmsUrl ?? '', tmsUrl: config.TMS_URL ?? sandbox?.tmsUrl ?? '' };
  const container = buildContainer(config, logger, urls, overrides);
  const deps = container.get<Dependencies>(TYPES.Dependencies);
  const inventory = container.get<EventStoreInventory>(TYPES.Inventory);
  const checkpoints = container.get<CheckpointStore>(TYPES.CheckpointStore);
  await inventory.start();
  if (config.DEMO_STOCK === 'true' || (config.DEMO_STOCK === undefined && sandboxed)) await receiveDemoStock(deps);
  const work = await startHubWork(deps, checkpoints);
  const projections = SqliteProjections.open(join(config.OMS_DATA_DIR, 'projections.sqlite'), {
    zone: config.WAREHOUSE_ZONE,
    onError: (error) => logger.error({ err: error }, 'projections stopped'),
  });
  await projections.start(deps.store);

  const app = createHttpApp(
    { deps, zoneOf: () => config.WAREHOUSE_ZONE },
    {
      bodyLimit: config.BODY_LIMIT,
      apiKeys: config.OMS_API_KEYS,
      reports: projections,
      logError: (error) => logger.error({ err: error }, 'request failed'),
      health: async () => ({
        store: config.EVENT_STORE,
        warehouse: sandbox === null ? config.WMS_URL : `sandbox (${config.SANDBOX_MODE}) at ${sandbox.wmsUrl}`,
        pendingRetries: work.dueRetries.pending().length,
        waitingBackorders: work.backorders.list().length,
        projectionLag: await projections.lag(deps.store),
      }),
    },
  );
  const server = createServer(app);
  const port = await listen(server, config.PORT, config.HOST);
  const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
  sandbox?.setHubUrl(url);

  let retrying: Promise<unknown> = Promise.resolve();
  const ticker = setInterval(() => {
    retrying = retrying.then(() => work.dueRetries.runDue()).catch((error: unknown) => logger.error({ err: error }, 'retrying failed'));
  }, config.RETRY_TICK_MS);

  return {
    url,
    deps,
    work,
    projections,
    sandbox,
    stop: async () => {
      clearInterval(ticker);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await retrying;
      await work.stop();
      await projections.close();
      await inventory.stop();
      await sandbox?.close();
      await container.get<SqliteAlerting>(TYPES.Alerting).close();
      container.get<SqliteCheckpointStore>(TYPES.CheckpointStore).close();
      await (container.get<EventStore>(TYPES.EventStore) as EventStore & { close(): Promise<void> }).close();
    },
  };
};
