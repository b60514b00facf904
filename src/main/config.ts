/**
 * The service's configuration, from environment variables, validated at start-up: a bad value
 * stops the service with a message naming the variable.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';

const isPostgresUrl = (value: string): boolean => URL.canParse(value) && ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
const optionalUrl = z.url({ message: 'must be an http(s) URL' }).optional();
const milliseconds = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);

/** Whether a HOST to listen on is this machine's loopback only. */
export const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);

/** A comma-separated list, blanks dropped; `fallback` when the variable is not set, and `none` for none. */
const commaListOr = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((list) =>
      list === 'none'
        ? []
        : list
            .split(',')
            .map((item) => item.trim())
            .filter((item) => item !== ''),
    );
const commaList = commaListOr('');

const environment = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port of the hub'),
    HOST: z.string().default('127.0.0.1').describe('interface to listen on (0.0.0.0 in a container)'),
    OMS_DATA_DIR: z.string().min(1).default('./data').describe('where the embedded store, checkpoints and alerts live'),
    EVENT_STORE: z.enum(['sqlite', 'eventstoredb', 'postgres']).default('sqlite'),
    ESDB_CONNECTION_STRING: z
      .string()
      .regex(/^(esdb|esdb\+discover|kurrentdb):\/\//, 'must be an esdb:// connection string')
      .optional(),
    DATABASE_URL: z
      .string()
      .refine(isPostgresUrl, 'must be a postgres:// (or postgresql://) connection string, e.g. postgres://hub:secret@db.internal:5432/hub')
      .optional()
      .describe('the PostgreSQL database of the event store when EVENT_STORE=postgres'),
    SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
    HUB_ROLE: z
      .enum(['all', 'api', 'worker'])
      .default('all')
      .describe(
        'all: REST and the background work; api: REST only (no reactions, retries, backorder placing, reconciliations); worker: the background work (and /health, /metrics); api and worker need EVENT_STORE=postgres',
      ),
    LEASE_TTL_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(2_147_483_647)
      .default(15_000)
      .describe(
        'EVENT_STORE=postgres: how long a worker holds a reaction (its lease) without renewing it; renewed every third of it; a dead holder is taken over after about this long',
      ),
    WMS_URL: optionalUrl.describe('the WMS; absent: the sandbox WMS is started with the hub'),
    TMS_URL: optionalUrl.describe('the TMS; absent: the sandbox TMS is started with the hub'),
    WMS_TIMEOUT_MS: milliseconds(5000),
    TMS_TIMEOUT_MS: milliseconds(5000),
    WMS_BREAKER_FAILURES: z.coerce
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(5)
      .describe(
        "retryable failures in a row from one warehouse (no answer, 5xx, a transient refusal) that open its circuit: it is then not called for WMS_BREAKER_COOLDOWN_MS, its calls failing at once as retryable, so that it does not hold up the other warehouses' orders; 0: never",
      ),
    WMS_BREAKER_COOLDOWN_MS: milliseconds(30_000).describe(
      'how long an open warehouse circuit stays open; then one call is let through, and an answer closes it',
    ),
    CALL_CLAIM_MS: milliseconds(30_000).describe(
      'how long a call to the WMS or TMS, claimed in its stream before it is made, stands without an outcome before it is presumed lost (the caller died) and is made again under the same attempt; longer than WMS_TIMEOUT_MS and TMS_TIMEOUT_MS',
    ),
    SANDBOX_MODE: z.enum(['auto', 'manual']).default('auto').describe('manual: the sandbox WMS takes orders but never calls back'),
    SANDBOX_DELAY_MS: milliseconds(1500).describe('how long the sandbox WMS takes to pick, pack and ship'),
    SANDBOX_QIMEN_WAREHOUSES: commaListOr('WH002').describe(
      'the warehouse codes the sandbox WMS runs in Qimen (the hub calls them at its Qimen side, it calls back in Qimen); none: every one in JSON',
    ),
    SANDBOX_HOST: z
      .string()
      .regex(/^[A-Za-z0-9.:-]{1,253}$/, 'must be a host name or address, e.g. 127.0.0.1 or 0.0.0.0')
      .default('127.0.0.1')
      .describe('where the sandbox WMS and TMS listen (0.0.0.0 in a container of their own)'),
    SANDBOX_HUB_URL: optionalUrl.describe('`npm run sandbox` only: where the hub listens, for the sandbox WMS to call it back'),
    SANDBOX_WMS_PORT: z.coerce.number().int().min(0).max(65535).default(3101),
    SANDBOX_TMS_PORT: z.coerce.number().int().min(0).max(65535).default(3102),
    DEMO_STOCK: z.enum(['true', 'false']).optional().describe('stock WH001 and WH002 at start; default: true with the sandbox'),
    DEMO_ORDERS: z
      .enum(['true', 'false'])
      .optional()
      .describe(
        'place four demo orders at start (src/main/demo-orders.ts), only with the sandbox; default: true with the sandbox and its demo stock',
      ),
    WAREHOUSE_ZONE: z
      .string()
      .default('Asia/Shanghai')
      .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone'),
    RETRY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(3),
    RETRY_BASE_DELAY_MS: milliseconds(60_000),
    RETRY_MAX_DELAY_MS: milliseconds(15 * 60_000),
    RETRY_JITTER: z
      .enum(['full', 'none'])
      .default('full')
      .describe(
        'full: each retry comes due at a random point between now and its backoff (never before Retry-After); none: exactly after its backoff',
      ),
    RETRY_TICK_MS: z.coerce.number().int().min(10).default(1000).describe('how often due retries are looked for'),
    RECONCILE_EVERY_MS: milliseconds(3_600_000).describe(
      "how often every warehouse's stock snapshot is compared with the ledgers (0: only on demand)",
    ),
    VARIANCE_ALERT_UNITS: z.coerce
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .default(10)
      .describe('a stock variance of more units than this raises an alert'),
    ALERT_WEBHOOK_URL: optionalUrl,
    SNAPSHOT_EVERY: z.coerce
      .number()
      .int()
      .min(0)
      .default(500)
      .describe("a stock ledger's state is kept in a snapshot every this many events, so a restart folds only what came after (0: never)"),
    LIVE_KEEP_ALIVE_MS: z.coerce
      .number()
      .int()
      .min(10)
      .default(15_000)
      .describe('how often GET /api/oms/live sends a keep-alive comment on a quiet stream'),
    LAG_ALERT_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(86_400)
      .default(300)
      .describe('a reaction whose oldest waiting event has waited longer than this raises a LAGGING alert (checked every 15 s); 0: never'),
    LIVE_MAX_STREAMS: z.coerce
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(100)
      .describe('how many GET /api/oms/live streams may be open at once (each holds a connection); one more is answered 503'),
    OMS_API_KEYS: commaList.describe(
      'comma-separated keys accepted on /api/oms, each acting in every role; with neither these nor OMS_CREDENTIALS_FILE the API is open',
    ),
    OMS_CREDENTIALS_FILE: z
      .string()
      .min(1)
      .optional()
      .describe(
        'a JSON file naming the callers, their roles, keys and signing secrets (README, "Callers and roles"); reloaded when it changes',
      ),
    SANDBOX_WAREHOUSE_KEY: z
      .string()
      .min(1)
      .optional()
      .describe(
        "with OMS_CREDENTIALS_FILE and the sandbox: the key of the warehouse caller the sandbox WMS calls back as (it signs with that caller's secret)",
      ),
    ALLOWED_HOSTS: commaList.describe(
      'host names the hub answers to (421 for any other; * for every name); empty: loopback names and HOST, or every name when HOST is 0.0.0.0 or ::',
    ),
    ALLOWED_ORIGINS: commaList.describe('origins of web pages that may change things (403 for any other); empty: none but the hub itself'),
    AUTH_FAILURE_LIMIT: z.coerce
      .number()
      .int()
      .min(1)
      .default(20)
      .describe('failed authentications (no key, an unknown key) one address may make in 15 minutes before it is answered 429'),
    BODY_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb)$/i, 'must look like 256kb')
      .default('256kb'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((env) => isLoopback(env.HOST) || env.OMS_API_KEYS.length > 0 || env.OMS_CREDENTIALS_FILE !== undefined, {
    path: ['HOST'],
    message:
      'listening beyond this machine needs credentials: set OMS_CREDENTIALS_FILE (callers with roles) or OMS_API_KEYS (comma-separated keys every caller must send), or HOST=127.0.0.1 to stay on loopback',
  })
  .refine((env) => env.EVENT_STORE !== 'eventstoredb' || env.ESDB_CONNECTION_STRING !== undefined, {
    path: ['ESDB_CONNECTION_STRING'],
    message: 'is required when EVENT_STORE=eventstoredb',
  })
  .refine((env) => env.HUB_ROLE === 'all' || env.EVENT_STORE === 'postgres', {
    path: ['HUB_ROLE'],
    message:
      'api and worker need EVENT_STORE=postgres (hub processes sharing one database); with SQLite or EventStoreDB one process does everything (HUB_ROLE=all)',
  })
  .refine((env) => env.CALL_CLAIM_MS > Math.max(env.WMS_TIMEOUT_MS, env.TMS_TIMEOUT_MS), {
    path: ['CALL_CLAIM_MS'],
    message:
      'must be longer than WMS_TIMEOUT_MS and TMS_TIMEOUT_MS: a claim that ran out while its call was still waiting for an answer would let another process make the call again',
  })
  .refine((env) => env.EVENT_STORE !== 'postgres' || env.DATABASE_URL !== undefined, {
    path: ['DATABASE_URL'],
    message: 'is required when EVENT_STORE=postgres (e.g. postgres://hub:secret@db.internal:5432/hub)',
  });

export type Config = z.output<typeof environment>;

const wildcardHosts = new Set(['0.0.0.0', '::', '[::]']);

/** The host names the hub answers to (see ALLOWED_HOSTS). */
export const allowedHostsOf = (config: Config): readonly string[] | 'any' => {
  if (config.ALLOWED_HOSTS.includes('*')) return 'any';
  if (config.ALLOWED_HOSTS.length > 0) return config.ALLOWED_HOSTS.map((host) => host.toLowerCase());
  if (wildcardHosts.has(config.HOST)) return 'any';
  const own = config.HOST.includes(':') && !config.HOST.startsWith('[') ? `[${config.HOST}]` : config.HOST;
  return ['localhost', '127.0.0.1', '[::1]', own.toLowerCase()];
};

export class ConfigError extends Error {}

/** Read the configuration; a bad value throws a ConfigError naming each variable and why. */
export const readConfig = (env: Readonly<Record<string, string | undefined>>): Config => {
  const result = environment.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
};
