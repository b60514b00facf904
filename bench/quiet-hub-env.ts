/** The environment of a benchmark's hub child: everything in `dataDir`, the sandbox shipping at once, no demo data, no retries, no reconciliation, no logs. */
export const quietHubEnv = (dataDir: string, port: number): Record<string, string> => ({
  PORT: String(port),
  HOST: '127.0.0.1',
  OMS_DATA_DIR: dataDir,
  SQLITE_SYNCHRONOUS: 'NORMAL',
  SANDBOX_MODE: 'auto',
  SANDBOX_DELAY_MS: '0',
  SANDBOX_WMS_PORT: '0',
  SANDBOX_TMS_PORT: '0',
  DEMO_STOCK: 'false',
  DEMO_ORDERS: 'false',
  RETRY_MAX_ATTEMPTS: '1',
  RECONCILE_EVERY_MS: '0',
  LOG_LEVEL: 'silent',
});
