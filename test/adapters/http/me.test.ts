/**
 * GET /api/oms/me: who the presented key is, over real HTTP: the open hub (every role), and a hub
 * with a credentials file (an operator, a reporting caller, a warehouse caller with its codes; no
 * key 401, an unknown one 403).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { startTestHub } from '../../support/test-hub.ts';
import { credentialsEnv, ids, keys, writeCredentials } from '../../support/credentials.ts';

const me = async (url: string, key?: string) => {
  const response = await fetch(`${url}/api/oms/me`, { headers: key === undefined ? {} : { 'x-api-key': key } });
  return { status: response.status, body: (await response.json()) as { code: number; message: string; data: unknown } };
};

describe('GET /api/oms/me', () => {
  test('an open hub: the open caller, in every role, for every warehouse', async () => {
    const t = await startTestHub();
    try {
      expect(await me(t.hub.url)).toEqual({
        status: 200,
        body: {
          code: 200,
          message: 'success',
          data: { id: 'open', roles: ['channel', 'warehouse', 'carrier', 'operator', 'reporting'], warehouses: null, open: true },
        },
      });
    } finally {
      await t.stop();
    }
  });

  test('with a credentials file: each key is its caller; no key 401, an unknown key 403', async () => {
    const t = await startTestHub({ env: credentialsEnv(writeCredentials(mkdtempSync(join(tmpdir(), 'hub-me-')))) });
    try {
      expect((await me(t.hub.url, keys.ops)).body.data).toEqual({ id: ids.ops, roles: ['operator'], warehouses: null, open: false });
      expect((await me(t.hub.url, keys.reports)).body.data).toEqual({
        id: ids.reports,
        roles: ['reporting'],
        warehouses: null,
        open: false,
      });
      expect((await me(t.hub.url, keys.sandbox)).body.data).toEqual({
        id: ids.sandbox,
        roles: ['warehouse'],
        warehouses: ['WH001', 'WH002'],
        open: false,
      });
      expect((await me(t.hub.url)).status).toBe(401);
      expect((await me(t.hub.url, 'not-a-key-of-this-hub-0000')).status).toBe(403);
    } finally {
      await t.stop();
    }
  });
});
