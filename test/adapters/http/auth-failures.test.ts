/** Failed authentication is limited per source address: keys cannot be guessed at speed. Over real HTTP. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type TestHub, startTestHub } from '../../support/test-hub.ts';

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
