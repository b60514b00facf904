/**
 * The sandbox: a WMS and a TMS on loopback for the hub to run against, with nothing real behind
 * them. The WMS calls the hub back at `hubUrl`, which may be given after start (`setHubUrl`), when
 * the hub starts after the sandbox.
 */
import { type Logger, pino } from 'pino';
import type { TmsFaultsInput, WmsFaultsInput } from './sandbox-faults.ts';
import { type Encoding, HubCaller, jsonEncoding } from './sandbox-hub-caller.ts';
import type { SandboxQimenKey } from './sandbox-qimen.ts';
import { type Listening, listenOn } from './sandbox-http.ts';
import { type Schedule, timerSchedule } from './sandbox-time.ts';
import { SandboxTms } from './sandbox-tms.ts';
import { SandboxWms } from './sandbox-wms.ts';
import type { StockLine } from './sandbox-wms-stock.ts';

export type SandboxOptions = Readonly<{
  hubUrl?: string;
  /** the key the hub expects on its API (a warehouse caller's, or one of OMS_API_KEYS), sent with every callback */
  hubApiKey?: string;
  /** the secrets it shares with the hub (../signature/hub-signature.ts): it signs its callbacks, and checks the hub's calls, as a real peer does */
  signing?: SandboxSigning;
  /** default 0: any free port */
  /** where the WMS and TMS listen (default 127.0.0.1) */
  host?: string;
  wmsPort?: number;
  tmsPort?: number;
  /** its WMS's Qimen side (./sandbox-qimen.ts): the app key and secret it shares with the hub; absent: JSON only */
  qimen?: SandboxQimenKey;
  /** the WMS's shelves at start (default empty): give it the hub's opening stock, so that the two agree */
  stock?: readonly StockLine[];
  /** the WMS's faults at start (default none, mode auto) */
  faults?: WmsFaultsInput;
  tmsFaults?: TmsFaultsInput;
  /** from taking an order to its last callback (default 1500 ms); the callbacks are spread over it */
  delayMs?: number;
  /** tries per callback to the hub (default 4), the first after `callbackRetryDelayMs` (default 200, doubling) */
  callbackAttempts?: number;
  callbackRetryDelayMs?: number;
  callbackTimeoutMs?: number;
  /** the warehouse's zone (default Asia/Shanghai) */
  zone?: string;
  random?: () => number;
  schedule?: Schedule;
  now?: () => number;
  logger?: Logger;
}>;

export type SandboxSigning = Readonly<{
  /** the secret of the warehouse caller the WMS calls back as */
  callbacks: string | null;
  /** the secret the hub signs its calls to a warehouse with (null: unsigned) */
  warehouse: (warehouseCode: string) => string | null;
  /** the secret the hub signs its calls to the TMS with */
  tms: () => string | null;
}>;

const warehouseOf = (body: unknown): string | null =>
  typeof body === 'object' && body !== null && 'warehouseCode' in body && typeof body.warehouseCode === 'string'
    ? body.warehouseCode
    : null;

export type Sandbox = Readonly<{
  wmsUrl: string;
  /** where its Qimen side takes the hub's Qimen calls (when it has one) */
  qimenUrl: string;
  tmsUrl: string;
  wms: SandboxWms;
  tms: SandboxTms;
  setHubUrl: (url: string) => void;
  close: () => Promise<void>;
}>;

export const startSandbox = async (options: SandboxOptions = {}): Promise<Sandbox> => {
  const logger = options.logger ?? pino({ level: 'silent' });
  const random = options.random ?? Math.random;
  const schedule = options.schedule ?? timerSchedule;
  const now = options.now ?? Date.now;
  const zone = options.zone ?? 'Asia/Shanghai';
  const hubCallers: HubCaller[] = [];
  const hubCaller = (encoding: Encoding): HubCaller => {
    const caller = new HubCaller({
      hubUrl: options.hubUrl,
      encoding,
      attempts: options.callbackAttempts ?? 4,
      retryDelayMs: options.callbackRetryDelayMs ?? 200,
      timeoutMs: options.callbackTimeoutMs ?? 5000,
      schedule,
      logger,
    });
    hubCallers.push(caller);
    return caller;
  };
  const hub = hubCaller(jsonEncoding(options.hubApiKey, options.signing?.callbacks ?? undefined));
  const wms = new SandboxWms({
    hub,
    faults: options.faults ?? {},
    delayMs: options.delayMs ?? 1500,
    zone,
    random,
    schedule,
    now,
    logger: logger.child({ sandbox: 'wms' }),
    stock: options.stock ?? [],
    ...(options.qimen === undefined ? {} : { qimen: { key: options.qimen, hubWith: hubCaller } }),
    secretOf: (body) => {
      const warehouseCode = warehouseOf(body);
      return warehouseCode === null ? null : (options.signing?.warehouse(warehouseCode) ?? null);
    },
  });
  const tms = new SandboxTms({
    faults: options.tmsFaults ?? {},
    zone,
    random,
    schedule,
    now,
    logger: logger.child({ sandbox: 'tms' }),
    secretOf: () => options.signing?.tms() ?? null,
  });

  const wmsServer = await listenOn(wms.app, options.wmsPort ?? 0, options.host);
  let tmsServer: Listening;
  try {
    tmsServer = await listenOn(tms.app, options.tmsPort ?? 0, options.host);
  } catch (error) {
    await wmsServer.close();
    throw error;
  }
  logger.info({ wmsUrl: wmsServer.url, tmsUrl: tmsServer.url }, `sandbox WMS at ${wmsServer.url}, sandbox TMS at ${tmsServer.url}`);

  return {
    wmsUrl: wmsServer.url,
    tmsUrl: tmsServer.url,
    wms,
    tms,
    qimenUrl: `${wmsServer.url}/qimen`,
    setHubUrl: (url) => {
      for (const caller of hubCallers) caller.setHubUrl(url);
    },
    close: async () => {
      wms.stop();
      for (const caller of hubCallers) caller.stop();
      await Promise.all([wmsServer.close(), tmsServer.close()]);
    },
  };
};
