/** Failed authentication is limited per source address: keys cannot be guessed at speed. Over real HTTP. */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { limitFailedAuthentication } from '../../../src/adapters/http/auth-failures.ts';
import { type TestHub, startTestHub, waitFor } from '../../support/test-hub.ts';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ env: { OMS_API_KEYS: 'the-key', AUTH_FAILURE_LIMIT: '3' } });
});
afterAll(async () => {
  await t.stop();
});

const withKey = (key: string) => fetch(`${t.hub.url}/api/oms/alerts`, { headers: { 'x-api-key': key } });

test('requests that authenticate do not count; after the limit of failures, the address is answered 429, however right its next key', async () => {
  for (let i = 0; i < 10; i += 1) expect((await withKey('the-key')).status).toBe(200);
  expect((await fetch(`${t.hub.url}/api/oms/alerts`)).status).toBe(401);
  expect((await withKey('guess-1')).status).toBe(403);
  expect((await withKey('guess-2')).status).toBe(403);
  const limited = await withKey('guess-3');
  expect(limited.status).toBe(429);
  expect(((await limited.json()) as { message: string }).message).toContain('too many failed authentications');
  expect(limited.headers.get('ratelimit-policy')).toContain('3');
  expect((await withKey('the-key')).status).toBe(429);
  expect((await fetch(`${t.hub.url}/health`)).status).toBe(200); // outside /api/oms
});

test('requests that authenticate are not counted however many are in flight at once (3 allowed failures, 10 good requests held open together)', async () => {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let arrived = 0;
  const app = express();
  app.use(limitFailedAuthentication({ limit: 3, windowMs: 60_000 }, (req) => req.headers['x-api-key'] === 'the-key'));
  app.get('/', async (_req, res) => {
    arrived += 1;
    await gate;
    res.status(200).end();
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    const answers = Array.from({ length: 10 }, () => fetch(`http://127.0.0.1:${port}/`, { headers: { 'x-api-key': 'the-key' } }));
    await waitFor('all 10 in flight', async () => arrived === 10 || (await Promise.race([...answers, Promise.resolve(null)])) !== null);
    release();
    expect((await Promise.all(answers)).map((answer) => answer.status)).toEqual(Array.from({ length: 10 }, () => 200));
  } finally {
    server.close();
  }
});
