/**
 * Start the hub: its store, ports and adapters (wired by the container), the background work
 * (reactions, due retries, backorders), the REST API and, when no WMS/TMS URL is configured, the
 * sandbox warehouse and carrier on loopback.
 */
import { type Server, createServer } from 'node:http';
import type { Logger } from 'pino';
import type { Dependencies } from '../application/dependencies.ts';
import { type HubWork, startHubWork } from '../application/hub-work.ts';
import { createHttpApp } from '../adapters/http/http-app.ts';
import type { SqliteProjections } from '../adapters/projections/sqlite-projections.ts';
import { type Sandbox, startSandbox } from '../adapters/sandbox/sandbox.ts';
import { type Config, allowedHostsOf } from './config.ts';
import { type Overrides, buildHubContainer, hubParts } from './container.ts';
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
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
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
  const { deps, store, checkpoints, alerting, idempotencyKeys, inventory, projections } = hubParts(
    buildHubContainer(config, logger, urls, overrides),
  );
  await inventory.start();
  if (config.DEMO_STOCK === 'true' || (config.DEMO_STOCK === undefined && sandboxed)) await receiveDemoStock(deps);
  const work = await startHubWork(deps, checkpoints);
  await projections.start(store);

  const app = createHttpApp(
    { deps, zoneOf: () => config.WAREHOUSE_ZONE },
    {
      bodyLimit: config.BODY_LIMIT,
      idempotencyKeys,
      guard: { allowedHosts: allowedHostsOf(config), allowedOrigins: config.ALLOWED_ORIGINS },
      apiKeys: config.OMS_API_KEYS,
      authFailures: { limit: config.AUTH_FAILURE_LIMIT, windowMs: 15 * 60_000 },
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
      await alerting.close();
      checkpoints.close();
      idempotencyKeys.close();
      await store.close();
    },
  };
};
