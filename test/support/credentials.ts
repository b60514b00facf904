/**
 * A credentials file for tests (src/adapters/credentials/credentials-file.ts): one caller per role,
 * the sandbox's warehouse caller for WH001 and WH002 (the sandbox calls back as it), another
 * warehouse caller for WH003 only, and the TMS's secret; and the headers each caller sends.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anOrder } from '../e2e/e2e-fixtures.ts';
import { type TestHub, startTestHub } from './test-hub.ts';
import { signedHeaders } from '../../src/adapters/signature/hub-signature.ts';

export const keys = {
  shop: 'shop-key-0123456789abcdef',
  sandbox: 'sandbox-wh-key-0123456789abcdef',
  north: 'north-wh-key-0123456789abcdef',
  carrier: 'carrier-key-0123456789abcdef',
  ops: 'ops-key-0123456789abcdef',
  reports: 'reports-key-0123456789abcdef',
} as const;

export type Who = keyof typeof keys;

export const secrets = {
  sandbox: 'sandbox-wh-secret-0123456789abcdef0123',
  north: 'north-wh-secret-0123456789abcdef012345',
  tms: 'tms-secret-0123456789abcdef0123456789ab',
  qimen: 'qimen-wh-secret-0123456789abcdef01234',
} as const;

/** The sandbox's warehouse caller also speaks Qimen, with this app key. */
export const QIMEN_APP_KEY = 'qm-sandbox-23456789';

export const ids: Record<Who, string> = {
  shop: 'shop',
  sandbox: 'wh-sandbox',
  north: 'wh-north',
  carrier: 'sf',
  ops: 'ops',
  reports: 'bi',
};

export const credentialsFile = {
  callers: [
    { id: 'shop', roles: ['channel'], key: keys.shop },
    {
      id: 'wh-sandbox',
      roles: ['warehouse'],
      warehouses: ['WH001', 'WH002'],
      key: keys.sandbox,
      signingSecret: secrets.sandbox,
      qimen: { appKey: QIMEN_APP_KEY, secret: secrets.qimen, signMethod: 'md5' },
    },
    {
      id: 'wh-north',
      roles: ['warehouse'],
      warehouses: ['WH003'],
      keySha256: createHash('sha256').update(keys.north).digest('hex'),
      signingSecret: secrets.north,
    },
    { id: 'sf', roles: ['carrier'], key: keys.carrier },
    { id: 'ops', roles: ['operator'], key: keys.ops },
    { id: 'bi', roles: ['reporting'], key: keys.reports },
  ],
  tms: { signingSecret: secrets.tms },
};

/** Write the file into `dir`; its path. */
export const writeCredentials = (dir: string, content: unknown = credentialsFile, name = 'credentials.json'): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
};

/** The env of a hub with this file, whose sandbox calls back as wh-sandbox. */
export const credentialsEnv = (path: string): Record<string, string> => ({
  OMS_CREDENTIALS_FILE: path,
  SANDBOX_WAREHOUSE_KEY: keys.sandbox,
});

/** What `who` sends with a body: its key, and for a warehouse its signature over the body's bytes now. */
export const headersOf = (who: Who, body: string, nowMs = Date.now()): Record<string, string> => ({
  'x-api-key': keys[who],
  ...(who === 'sandbox' ? signedHeaders(secrets.sandbox, body, nowMs) : {}),
  ...(who === 'north' ? signedHeaders(secrets.north, body, nowMs) : {}),
});

/** A hub with this file, the sandbox in manual mode (it takes orders and never calls back), and an order placed at WH001 by the channel. */
export const startHubWithOrder = async (orderNo: string): Promise<TestHub> => {
  const t = await startTestHub({
    env: { ...credentialsEnv(writeCredentials(mkdtempSync(join(tmpdir(), 'hub-credentials-')))), SANDBOX_MODE: 'manual' },
  });
  const placed = await fetch(`${t.hub.url}/api/oms/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': keys.shop },
    body: JSON.stringify(anOrder(orderNo)),
  });
  if (placed.status !== 201) throw new Error(`placing ${orderNo}: HTTP ${placed.status} ${await placed.text()}`);
  return t;
};
