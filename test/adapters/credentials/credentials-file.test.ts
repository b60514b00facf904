/**
 * The credentials file (src/adapters/credentials/credentials-file.ts): a file with a mistake is
 * refused naming each problem; a change to the file takes effect without a restart, and a broken
 * change keeps the callers the hub had. Over a real file and real HTTP.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { anOrder } from '../../e2e/e2e-fixtures.ts';
import { CredentialsFileError, parseCredentials, readCredentials } from '../../../src/adapters/credentials/credentials-file.ts';
import { readConfig } from '../../../src/main/config.ts';
import { startHub } from '../../../src/main/hub.ts';
import { pino } from 'pino';
import { startTestHub, waitFor } from '../../support/test-hub.ts';
import { credentialsEnv, credentialsFile, keys, writeCredentials } from '../../support/credentials.ts';

const problemsOf = (content: unknown): string => {
  try {
    parseCredentials(typeof content === 'string' ? content : JSON.stringify(content), 'credentials.json');
  } catch (error) {
    if (error instanceof CredentialsFileError) return error.message;
    throw error;
  }
  return 'accepted';
};

describe('reading the file', () => {
  test('the test file is valid: six callers, the TMS secret', () => {
    const book = parseCredentials(JSON.stringify(credentialsFile), 'credentials.json');
    expect(book.callers.map((caller) => caller.id)).toEqual(['shop', 'wh-sandbox', 'wh-north', 'sf', 'ops', 'bi']);
    expect(book.tmsSigningSecret).toBe(credentialsFile.tms.signingSecret);
  });

  test("the README's example file (docs/credentials.example.json) is valid, and runs the sandbox as its warehouse caller", async () => {
    const book = readCredentials('docs/credentials.example.json');
    expect(book.callers.map((caller) => caller.roles.join())).toEqual(['channel', 'warehouse', 'carrier', 'operator', 'reporting']);
    const t = await startTestHub({
      env: { OMS_CREDENTIALS_FILE: 'docs/credentials.example.json', SANDBOX_WAREHOUSE_KEY: 'change-me-warehouse-key-0001' },
    });
    try {
      const placed = await fetch(`${t.hub.url}/api/oms/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'change-me-channel-key-0001' },
        body: JSON.stringify(anOrder('EX1')),
      });
      expect(placed.status).toBe(201);
      // the operator's key is given as its SHA-256 in the file
      const alerts = await fetch(`${t.hub.url}/api/oms/alerts`, { headers: { 'x-api-key': 'change-me-operator-key-0001' } });
      expect(alerts.status).toBe(200);
      await waitFor('EX1 shipped by the signing sandbox', async () => {
        const view = await fetch(`${t.hub.url}/api/oms/orders/EX1`, { headers: { 'x-api-key': 'change-me-reporting-key-0001' } });
        return ((await view.json()) as { data: { status: string } }).data.status === 'SHIPPED';
      });
    } finally {
      await t.stop();
    }
  });

  test.each([
    ['not JSON', '{', /is not JSON/],
    ['no callers', { callers: [] }, /callers: must name at least one caller/],
    ['an unknown role', { callers: [{ id: 'a', roles: ['admin'], key: 'k'.repeat(16) }] }, /callers\.0\.roles\.0/],
    [
      'both key and keySha256',
      { callers: [{ id: 'a', roles: ['channel'], key: 'k'.repeat(16), keySha256: 'a'.repeat(64) }] },
      /give exactly one of key and keySha256/,
    ],
    ['a short key', { callers: [{ id: 'a', roles: ['channel'], key: 'short' }] }, /callers\.0\.key: must be at least 16 characters/],
    [
      'a warehouse without codes',
      { callers: [{ id: 'w', roles: ['warehouse'], key: 'k'.repeat(16), signingSecret: 's'.repeat(32) }] },
      /names the warehouse codes/,
    ],
    [
      'a warehouse without a secret',
      { callers: [{ id: 'w', roles: ['warehouse'], warehouses: ['WH1'], key: 'k'.repeat(16) }] },
      /signs its callbacks: give it a signingSecret/,
    ],
    [
      'a bad warehouse code',
      { callers: [{ id: 'w', roles: ['warehouse'], warehouses: ['../x'], key: 'k'.repeat(16), signingSecret: 's'.repeat(32) }] },
      /warehouses\.0: must be 1–32/,
    ],
    [
      'a duplicate id',
      {
        callers: [
          { id: 'a', roles: ['channel'], key: 'k'.repeat(16) },
          { id: 'a', roles: ['channel'], key: 'j'.repeat(16) },
        ],
      },
      /callers\.1\.id: the same id as callers\.0/,
    ],
    [
      'a key given twice, once as its hash',
      {
        callers: [
          { id: 'a', roles: ['channel'], key: 'k'.repeat(16) },
          { id: 'b', roles: ['operator'], keySha256: createHash('sha256').update('k'.repeat(16)).digest('hex') },
        ],
      },
      /callers\.1\.key: the same key as callers\.0/,
    ],
    [
      'one warehouse for two callers',
      {
        callers: [
          { id: 'w1', roles: ['warehouse'], warehouses: ['WH1'], key: 'k'.repeat(16), signingSecret: 's'.repeat(32) },
          { id: 'w2', roles: ['warehouse'], warehouses: ['WH1'], key: 'j'.repeat(16), signingSecret: 't'.repeat(32) },
        ],
      },
      /WH1 is also callers\.0's/,
    ],
    ['an unknown field', { callers: [{ id: 'a', roles: ['channel'], key: 'k'.repeat(16), admin: true }] }, /callers\.0: Unrecognized key/],
    [
      'a warehouse zone that is not a time zone',
      {
        callers: [
          { id: 'w', roles: ['warehouse'], warehouses: ['WH1'], key: 'k'.repeat(16), signingSecret: 's'.repeat(32), zone: 'Mars/Olympus' },
        ],
      },
      /callers\.0\.zone: must be an IANA time zone/,
    ],
    [
      'a zone on a channel',
      { callers: [{ id: 'c', roles: ['channel'], key: 'k'.repeat(16), zone: 'Asia/Shanghai' }] },
      /only a warehouse caller has a zone and a timeout/,
    ],
    [
      'a Qimen key on a channel',
      { callers: [{ id: 'c', roles: ['channel'], key: 'k'.repeat(16), qimen: { appKey: 'a1', secret: 's'.repeat(32) } }] },
      /callers\.0\.qimen: only a warehouse caller speaks Qimen/,
    ],
    [
      'a Qimen URL that is not http',
      {
        callers: [
          {
            id: 'w',
            roles: ['warehouse'],
            warehouses: ['WH1'],
            key: 'k'.repeat(16),
            qimen: { appKey: 'a1', secret: 's'.repeat(32), url: 'ftp://x' },
          },
        ],
      },
      /callers\.0\.qimen\.url: must be an http\(s\) URL/,
    ],
    [
      'one Qimen app key for two callers',
      {
        callers: [
          { id: 'w1', roles: ['warehouse'], warehouses: ['WH1'], key: 'k'.repeat(16), qimen: { appKey: 'a1', secret: 's'.repeat(32) } },
          { id: 'w2', roles: ['warehouse'], warehouses: ['WH2'], key: 'j'.repeat(16), qimen: { appKey: 'a1', secret: 't'.repeat(32) } },
        ],
      },
      /callers\.1\.qimen\.appKey: the same appKey as callers\.0/,
    ],
  ])('%s is refused, naming the field', (_what, content, problem) => {
    expect(problemsOf(content)).toMatch(problem);
  });

  test('the hub does not start with a broken file, and says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-credentials-'));
    const path = writeCredentials(dir, { callers: [{ id: 'a', roles: ['channel'], key: 'short' }] });
    const config = readConfig({ OMS_DATA_DIR: dir, OMS_CREDENTIALS_FILE: path, PORT: '0', SANDBOX_WMS_PORT: '0', SANDBOX_TMS_PORT: '0' });
    await expect(startHub(config, pino({ level: 'silent' }))).rejects.toThrow(/callers\.0\.key: must be at least 16 characters/);
  });

  test('with a credentials file and the sandbox, the sandbox needs a warehouse key to call back with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-credentials-'));
    const config = readConfig({
      OMS_DATA_DIR: dir,
      OMS_CREDENTIALS_FILE: writeCredentials(dir),
      PORT: '0',
      SANDBOX_WMS_PORT: '0',
      SANDBOX_TMS_PORT: '0',
    });
    await expect(startHub(config, pino({ level: 'silent' }))).rejects.toThrow(/SANDBOX_WAREHOUSE_KEY/);
  });
});

describe('reloading', () => {
  test('a key added to the file works, and one removed stops working, without a restart; a broken file keeps the callers as they were', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-credentials-'));
    const path = writeCredentials(dir);
    const t = await startTestHub({ env: credentialsEnv(path) });
    const asks = async (key: string) => (await fetch(`${t.hub.url}/api/oms/stock`, { headers: { 'x-api-key': key } })).status;
    try {
      const newKey = 'new-channel-key-0123456789abcdef';
      expect(await asks(keys.shop)).toBe(200);
      expect(await asks(newKey)).toBe(403);
      // written as a deploy writes it: a new file renamed over the old one
      const next = {
        ...credentialsFile,
        callers: [...credentialsFile.callers.filter((caller) => caller.id !== 'shop'), { id: 'shop2', roles: ['channel'], key: newKey }],
      };
      renameSync(writeCredentials(dir, next, 'credentials.next.json'), path);
      await waitFor('the new key to be accepted', async () => (await asks(newKey)) === 200);
      expect(await asks(keys.shop)).toBe(403);
      // a broken file: kept as it was
      writeCredentials(dir, '{ "callers": [');
      t.hub.credentials?.reload();
      expect(await asks(newKey)).toBe(200);
      // SIGHUP reads it again too
      writeCredentials(dir, credentialsFile);
      process.emit('SIGHUP', 'SIGHUP');
      await waitFor('the first file again', async () => (await asks(keys.shop)) === 200);
      expect(await asks(newKey)).toBe(403);
    } finally {
      await t.stop();
    }
  });
});
