/**
 * A real hub for end-to-end tests: the real composition root on a SQLite file in a temp
 * directory, real HTTP on loopback, the sandbox WMS/TMS calling back with no delay, and a manual
 * clock (retries are run by advancing the clock and calling `runDue`, never by waiting). Retries
 * have no jitter (RETRY_JITTER=none: the article's 1 min, 2 min…) unless a test passes a
 * `retryJitter` source (seeded) or sets RETRY_JITTER itself.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { readConfig } from '../../src/main/config.ts';
import type { Random } from '../../src/application/ports/random.ts';
import { type RunningHub, startHub } from '../../src/main/hub.ts';
import { ManualClock } from './manual-clock.ts';

export type Answer = Readonly<{ status: number; body: { code: number; message: string; data: any } }>;

export type TestHub = Readonly<{
  hub: RunningHub;
  clock: ManualClock;
  dataDir: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Answer>;
  get(path: string): Promise<Answer>;
  /** the order as GET /api/oms/orders/{orderNo} shows it */
  order(orderNo: string): Promise<any>;
  /** wait until the order shows this status (polling the API, bounded), and return it */
  orderReaches(orderNo: string, status: string): Promise<any>;
  stop(): Promise<void>;
}>;

/** Poll a condition until it holds (bounded: fails after `timeoutMs`); never a fixed sleep. */
export const waitFor = async <T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

export const startTestHub = async (
  options: Readonly<{ env?: Record<string, string>; dataDir?: string; clock?: ManualClock; retryJitter?: Random }> = {},
): Promise<TestHub> => {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'hub-e2e-'));
  const clock = options.clock ?? new ManualClock();
  const config = readConfig({
    PORT: '0',
    SANDBOX_WMS_PORT: '0',
    SANDBOX_TMS_PORT: '0',
    SANDBOX_DELAY_MS: '0',
    OMS_DATA_DIR: dataDir,
    SQLITE_SYNCHRONOUS: 'NORMAL',
    LOG_LEVEL: 'silent',
    RETRY_TICK_MS: '3600000',
    RETRY_JITTER: 'none',
    // the sandbox's warehouses all on the article's JSON, unless a test asks for Qimen ones
    SANDBOX_QIMEN_WAREHOUSES: 'none',
    DEMO_ORDERS: 'false',
    // no LAGGING alert from the clock the tests move, unless a test asks for one
    LAG_ALERT_SECONDS: '0',
    ...options.env,
  });
  const hub = await startHub(
    config,
    pino({ level: 'silent' }),
    options.retryJitter === undefined ? { clock } : { clock, retryJitter: options.retryJitter },
  );
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await fetch(`${hub.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };
  const order = async (orderNo: string) => (await call('GET', `/api/oms/orders/${orderNo}`)).body.data;
  return {
    hub,
    clock,
    dataDir,
    post: (path, body, headers) => call('POST', path, body, headers),
    get: (path) => call('GET', path),
    order,
    orderReaches: (orderNo, status) =>
      waitFor(`order ${orderNo} to reach ${status}`, async () => {
        const view = await order(orderNo);
        return view?.status === status ? view : undefined;
      }),
    stop: () => hub.stop(),
  };
};
