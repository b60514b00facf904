/**
 * What a browser could be made to send, and host names the hub does not serve, over real HTTP:
 * refused before anything is read, and nothing appended.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedHostsOf, readConfig } from '../../../src/main/config.ts';
import { articleOutboundCreate } from '../../support/article-payloads.ts';
import { sendRaw } from '../../support/hostile-requests.ts';
import { type TestHub, startTestHub } from '../../support/test-hub.ts';

let t: TestHub;
let port: string;
beforeAll(async () => {
  t = await startTestHub({ env: { ALLOWED_ORIGINS: 'https://console.example' } });
  await t.hub.work.stop(); // every event appended is then one a request appended
  port = new URL(t.hub.url).port;
});
afterAll(async () => {
  await t.stop();
});

const events = async (): Promise<number> => (await t.hub.deps.store.readAll({})).length;
const order = Buffer.from(articleOutboundCreate);
const json = { 'content-type': 'application/json' };

describe('host names', () => {
  it('answers to its loopback names, and refuses any other (421), /health included', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `LOCALHOST:${port}`])
      expect((await sendRaw(t.hub.url, { method: 'GET', path: '/health', headers: { host }, body: null })).status).toBe(200);
    for (const host of [`evil.example:${port}`, 'evil.example', `localhost.evil.example:${port}`]) {
      const answer = await sendRaw(t.hub.url, { method: 'GET', path: '/health', headers: { host }, body: null });
      expect({ host, status: answer.status }).toEqual({ host, status: 421 });
      expect(answer.body).toContain('ALLOWED_HOSTS');
    }
  });

  it('are configured by ALLOWED_HOSTS; on every interface without it, any name is served', () => {
    const config = (env: Record<string, string>) => allowedHostsOf(readConfig(env));
    expect(config({})).toEqual(['localhost', '127.0.0.1', '[::1]', '127.0.0.1']);
    expect(config({ HOST: '0.0.0.0', OMS_API_KEYS: 'k' })).toBe('any');
    expect(config({ HOST: '::', OMS_API_KEYS: 'k' })).toBe('any');
    expect(config({ HOST: '::1' })).toEqual(['localhost', '127.0.0.1', '[::1]', '[::1]']);
    expect(config({ HOST: '0.0.0.0', OMS_API_KEYS: 'k', ALLOWED_HOSTS: 'Hub.Example, hub' })).toEqual(['hub.example', 'hub']);
    expect(config({ ALLOWED_HOSTS: '*' })).toBe('any');
  });
});

describe('requests that change something', () => {
  it('from a web page of another origin are refused (403) and change nothing; from the configured console they go through', async () => {
    const before = await events();
    const evil = await sendRaw(t.hub.url, {
      method: 'POST',
      path: '/api/oms/orders',
      headers: { ...json, origin: 'https://evil.example' },
      body: order,
    });
    expect(evil.status).toBe(403);
    expect(evil.body).toContain('ALLOWED_ORIGINS');
    expect(await events()).toBe(before);
    const console = await sendRaw(t.hub.url, {
      method: 'POST',
      path: '/api/oms/orders',
      headers: { ...json, origin: 'https://console.example' },
      body: order,
    });
    expect(console.status).toBe(201);
  });

  it('from a page the hub served itself go through', async () => {
    const own = await sendRaw(t.hub.url, {
      method: 'POST',
      path: '/api/oms/orders/OMS202511220001/cancel',
      headers: { ...json, origin: `http://localhost:${port}`, host: `localhost:${port}` },
      body: Buffer.from('{}'),
    });
    expect(own.status).not.toBe(403);
  });

  it('with a body not labelled application/json are refused (415) and change nothing', async () => {
    const before = await events();
    for (const contentType of [
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      undefined,
    ]) {
      const headers: Record<string, string> = contentType === undefined ? {} : { 'content-type': contentType };
      const answer = await sendRaw(t.hub.url, {
        method: 'POST',
        path: '/api/oms/orders/OMS202511220001/cancel',
        headers,
        body: Buffer.from('{}'),
      });
      expect({ contentType, status: answer.status }).toEqual({ contentType, status: 415 });
    }
    expect(await events()).toBe(before);
  });

  it('with no body need no Content-Type, and reads are not asked for one', async () => {
    const retry = await sendRaw(t.hub.url, { method: 'POST', path: '/api/oms/orders/NO-SUCH-ORDER/retry-push', headers: {}, body: null });
    expect(retry.status).toBe(404);
    const read = await sendRaw(t.hub.url, {
      method: 'GET',
      path: '/api/oms/orders/OMS202511220001',
      headers: { origin: 'https://evil.example' },
      body: null,
    });
    expect(read.status).toBe(200);
  });
});
