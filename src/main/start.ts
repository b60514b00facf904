/**
 * `npm start`: read the configuration, start the hub, say where it listens and what to try.
 * Stops cleanly on Ctrl-C / SIGTERM.
 */
import { pino } from 'pino';
import { ConfigError, readConfig } from './config.ts';
import { startHub } from './hub.ts';
import { CredentialsFileError } from '../adapters/credentials/credentials-file.ts';
import { PostgresEventStoreUnavailable } from '../adapters/event-store/postgres/postgres-event-store.ts';

const articleOrder = JSON.stringify({
  orderNo: 'OMS202511220001',
  warehouseCode: 'WH001',
  priority: 'HIGH',
  timeRequirement: 'STANDARD',
  items: [{ sku: 'SKU001', quantity: 2, batchNo: 'BATCH001' }],
  consignee: { name: '张三', phone: '13800138000', province: '北京市', city: '北京市', district: '朝阳区', address: 'XX街道XX号' },
});

const main = async (): Promise<void> => {
  let config;
  try {
    config = readConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  const logger = pino({ level: config.LOG_LEVEL, base: null });
  let hub;
  try {
    hub = await startHub(config, logger);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof CredentialsFileError || error instanceof PostgresEventStoreUnavailable) {
      console.error(error.message);
      process.exit(2);
    }
    const { code, port } = error as { code?: string; port?: number };
    if (code !== 'EADDRINUSE') throw error;
    console.error(
      `port ${String(port)} is already in use: stop what listens there, or choose other ports (PORT, SANDBOX_WMS_PORT, SANDBOX_TMS_PORT)`,
    );
    process.exit(2);
  }
  const key = hub.callers.open ? '' : " -H 'X-Api-Key: <a channel key>'";
  const lines = [
    `fulfilment hub listening on ${hub.url} (events: ${config.EVENT_STORE}${config.EVENT_STORE === 'sqlite' ? ` in ${config.OMS_DATA_DIR}` : ''})`,
    hub.sandbox === null
      ? `warehouse: ${config.WMS_URL ?? ''}, transport: ${config.TMS_URL ?? ''}`
      : `sandbox warehouse at ${hub.sandbox.wmsUrl} (${config.SANDBOX_MODE === 'manual' ? 'manual: it never calls back, play the warehouse with curl' : `ships after ${config.SANDBOX_DELAY_MS} ms`}), sandbox carrier at ${hub.sandbox.tmsUrl}`,
    ...(hub.sandbox === null || hub.sandboxQimenWarehouses.length === 0
      ? []
      : [
          `Qimen: the sandbox runs ${hub.sandboxQimenWarehouses.join(', ')} in Qimen (the hub calls ${hub.sandbox.qimenUrl}, the warehouse reports to ${hub.url}/api/qimen); the other warehouses in the article's JSON`,
        ]),
    hub.callers.open
      ? 'open: no credentials are configured, so any caller on this machine may do anything (set OMS_CREDENTIALS_FILE or OMS_API_KEYS to require keys)'
      : `credentials: ${hub.callers.count} callers${config.OMS_CREDENTIALS_FILE === undefined ? '' : ` from ${config.OMS_CREDENTIALS_FILE} (reloaded when it changes)`}`,
    `API: ${hub.url}/openapi.json   alerts: ${hub.url}/api/oms/alerts   stock: ${hub.url}/api/oms/stock`,
    '',
    "try the article's order:",
    `  curl -s ${hub.url}/api/oms/orders -H 'Content-Type: application/json'${key} -d '${articleOrder}'`,
    `  curl -s ${hub.url}/api/oms/orders/OMS202511220001${key}`,
    ...(hub.sandboxQimenWarehouses.includes('WH002')
      ? [
          'the same order at WH002, a warehouse that speaks Qimen:',
          `  curl -s ${hub.url}/api/oms/orders -H 'Content-Type: application/json'${key} -d '${articleOrder.replace('OMS202511220001', 'OMS202511220002').replace('WH001', 'WH002')}'`,
        ]
      : []),
  ];
  console.log(lines.join('\n'));
  const stop = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    await hub.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
};

await main();
