/**
 * What the sandbox tests share: a fake hub and a sandbox calling it back, with time and
 * randomness under the test's control (a fixed clock, a seeded generator, steps run at once
 * or by hand), closed after each test.
 */
import { afterEach } from 'vitest';
import type { OutboundInstruction } from '../../../src/application/ports/warehouse.ts';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../../src/adapters/sandbox/sandbox.ts';
import type { Schedule } from '../../../src/adapters/sandbox/sandbox-time.ts';
import { WmsHttpClient } from '../../../src/adapters/wms/wms-http-client.ts';
import { type FakeHub, startFakeHub } from './fake-hub.ts';

/** 2025-11-22T10:00:00 in Shanghai */
export const tenInShanghai = Date.parse('2025-11-22T02:00:00Z');

/** Every step on the next turn of the event loop: no waiting on the wall clock. */
export const atOnce: Schedule = (_delayMs, fn) => {
  setImmediate(fn);
};

/** Steps wait until the test runs them. */
export const byHand = () => {
  const queued: Array<() => void> = [];
  return {
    schedule: ((_delayMs, fn) => {
      queued.push(fn);
    }) as Schedule,
    runQueued: () => queued.splice(0).forEach((fn) => fn()),
    queued: () => queued.length,
  };
};

/** mulberry32: a small seeded generator, so a fault rate plays the same way every run */
export const seeded = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export const order = (
  orderNo: string,
  items: OutboundInstruction['items'] = [{ sku: 'SKU001', quantity: 2, batchNo: 'BATCH001' }],
): OutboundInstruction => ({
  orderNo,
  warehouseCode: 'WH001',
  priority: 'NORMAL',
  timeRequirement: 'STANDARD',
  items,
  consignee: { name: '张三', phone: '13800138000', province: '北京市', city: '北京市', district: '朝阳区', address: 'XX街道XX号' },
});

export type Rig = Readonly<{ hub: FakeHub; sandbox: Sandbox; client: WmsHttpClient }>;

const started: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((close) => close()));
});

/** A fake hub, a sandbox calling it back (at once, seeded, at 10:00 in Shanghai unless told), and a WMS client. */
export const startRig = async (options: SandboxOptions = {}): Promise<Rig> => {
  const hub = await startFakeHub();
  const sandbox = await startSandbox({
    hubUrl: hub.url,
    schedule: atOnce,
    random: seeded(42),
    now: () => tenInShanghai,
    callbackRetryDelayMs: 1,
    ...options,
  });
  started.push(sandbox.close, hub.close);
  return { hub, sandbox, client: new WmsHttpClient({ baseUrl: sandbox.wmsUrl, timeoutMs: 2000 }) };
};
