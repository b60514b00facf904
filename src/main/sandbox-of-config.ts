/**
 * The sandbox WMS and TMS as the configuration asks for them: on loopback in the hub's own process
 * (no WMS_URL/TMS_URL: ./hub.ts), or in a process of their own (`npm run sandbox`:
 * ./sandbox-start.ts), e.g. so that a benchmark of the hub does not measure the sandbox too.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Callers } from '../adapters/credentials/callers.ts';
import { type Sandbox, startSandbox } from '../adapters/sandbox/sandbox.ts';
import type { SandboxQimenKey } from '../adapters/sandbox/sandbox-qimen.ts';
import { type Config, ConfigError } from './config.ts';
import { demoStock } from './demo-stock.ts';

export type CalledBack = Readonly<{ key?: string; secret: string | null; qimen: SandboxQimenKey | undefined }>;

/** The key the sandbox WMS calls back with, the secret it signs with, and its Qimen key: a warehouse caller's (SANDBOX_WAREHOUSE_KEY), else the first of OMS_API_KEYS. */
export const sandboxCaller = (config: Config, callers: Callers): CalledBack => {
  // open: a key of its own, the hub checking nothing (as for the JSON callbacks)
  if (callers.open) return { secret: null, qimen: { appKey: 'sandbox-qimen', secret: randomBytes(24).toString('hex'), signMethod: 'md5' } };
  const key = config.SANDBOX_WAREHOUSE_KEY ?? config.OMS_API_KEYS[0];
  if (key === undefined)
    throw new ConfigError(
      'invalid configuration:\n  SANDBOX_WAREHOUSE_KEY: the sandbox WMS calls the hub back as a warehouse: set it to the key of a warehouse caller of OMS_CREDENTIALS_FILE (or set WMS_URL and TMS_URL)',
    );
  const caller = callers.identify(key);
  if (caller === undefined)
    throw new ConfigError('invalid configuration:\n  SANDBOX_WAREHOUSE_KEY: is not the key of any caller of OMS_CREDENTIALS_FILE');
  const qimen =
    caller.qimen === null ? undefined : { appKey: caller.qimen.appKey, secret: caller.qimen.secret, signMethod: caller.qimen.signMethod };
  return { key, secret: caller.signingSecret, qimen };
};

/** The sandbox, calling the hub back as `calledBack` says (at `hubUrl`, or where the hub tells it later). */
export const startConfiguredSandbox = (
  config: Config,
  callers: Callers,
  calledBack: CalledBack,
  withDemoStock: boolean,
  logger: Logger,
  hubUrl?: string,
): Promise<Sandbox> =>
  startSandbox({
    host: config.SANDBOX_HOST,
    wmsPort: config.SANDBOX_WMS_PORT,
    tmsPort: config.SANDBOX_TMS_PORT,
    delayMs: config.SANDBOX_DELAY_MS,
    zone: config.WAREHOUSE_ZONE,
    faults: { mode: config.SANDBOX_MODE },
    // the sandbox's shelves start with what the hub's ledgers start with
    stock: withDemoStock ? demoStock : [],
    ...(hubUrl === undefined ? {} : { hubUrl }),
    ...(calledBack.key === undefined ? {} : { hubApiKey: calledBack.key }),
    ...(calledBack.qimen === undefined || config.SANDBOX_QIMEN_WAREHOUSES.length === 0 ? {} : { qimen: calledBack.qimen }),
    signing: { callbacks: calledBack.secret, warehouse: callers.warehouse, tms: callers.tms },
    logger: logger.child({ component: 'sandbox' }),
  });
