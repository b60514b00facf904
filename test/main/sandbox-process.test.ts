/**
 * `npm run sandbox`: the sandbox WMS and TMS in a process of their own, and a hub that calls them by
 * URL: an order ships through them, as it does with the sandbox inside the hub.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, describe, expect, test } from 'vitest';
import { anOrder } from '../e2e/e2e-fixtures.ts';
import { type TestHub, startTestHub } from '../support/test-hub.ts';
import { freePort } from '../support/free-port.ts';

const sandboxProcess = (env: Record<string, string>): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', 'src/main/sandbox-start.ts'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

const output = async (child: ChildProcess, stream: 'stdout' | 'stderr', until: RegExp): Promise<string> => {
  let text = '';
  for await (const chunk of child[stream] ?? []) {
    text += String(chunk);
    if (until.test(text)) return text;
  }
  return text;
};

let child: ChildProcess | undefined;
let hub: TestHub | undefined;
afterAll(async () => {
  await hub?.stop();
  child?.kill();
});

describe('npm run sandbox', () => {
  test('without SANDBOX_HUB_URL it says what is missing and stops', async () => {
    const alone = sandboxProcess({});
    const [said, [code]] = await Promise.all([output(alone, 'stderr', /SANDBOX_HUB_URL/), once(alone, 'exit')]);
    expect(said).toContain('SANDBOX_HUB_URL');
    expect(code).toBe(2);
  });

  test('a hub calling the sandbox by URL: an order ships through it', async () => {
    const port = await freePort();
    // on every interface, as in a container of its own (docker-compose.yml)
    child = sandboxProcess({
      SANDBOX_HUB_URL: `http://127.0.0.1:${port}`,
      SANDBOX_HOST: '0.0.0.0',
      SANDBOX_WMS_PORT: '0',
      SANDBOX_TMS_PORT: '0',
      SANDBOX_DELAY_MS: '0',
    });
    const said = await output(child, 'stdout', /npm start/);
    const [, wmsUrl, tmsUrl] = /WMS_URL=(\S+) TMS_URL=(\S+)/.exec(said) ?? [];
    expect(wmsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    hub = await startTestHub({ env: { PORT: String(port), WMS_URL: wmsUrl ?? '', TMS_URL: tmsUrl ?? '', DEMO_STOCK: 'true' } });
    expect(hub.hub.sandbox).toBeNull();
    expect((await hub.post('/api/oms/orders', anOrder('SBX-1'))).status).toBe(201);
    const shipped = await hub.orderReaches('SBX-1', 'SHIPPED');
    expect(shipped.shipments).toHaveLength(1);
    const sandboxOrders = (await (await fetch(`${wmsUrl}/sandbox/orders`)).json()) as { data: { createCalls: Record<string, number> } };
    expect(sandboxOrders.data.createCalls['SBX-1']).toBe(1);
  });
});
