import { describe, expect, test } from 'vitest';
import { startSandbox } from '../../../src/adapters/sandbox/sandbox.ts';
import { WmsHttpClient } from '../../../src/adapters/wms/wms-http-client.ts';
import { order, seeded, startRig } from './sandbox-fixtures.ts';

const put = (url: string, body: unknown) =>
  fetch(`${url}/sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('sandbox faults: set and read', () => {
  test('GET shows the faults; PUT sets the whole set, what it leaves out is off', async () => {
    const { sandbox } = await startRig({ faults: { errorRate: 0.5, partialShipments: true } });
    const before = (await (await fetch(`${sandbox.wmsUrl}/sandbox/faults`)).json()) as { data: object };
    expect(before.data).toMatchObject({ mode: 'auto', errorRate: 0.5, partialShipments: true, shortage: {} });

    const answer = await put(sandbox.wmsUrl, { rejectRate: 0.25, shortage: { SKU001: 1 } });
    expect(answer.status).toBe(200);
    expect(sandbox.wms.faults.current).toMatchObject({ errorRate: 0, rejectRate: 0.25, partialShipments: false, shortage: { SKU001: 1 } });
  });

  test('PUT without a Content-Type (plain `curl -d`) is read as JSON too', async () => {
    const { sandbox } = await startRig({});
    const answer = await fetch(`${sandbox.wmsUrl}/sandbox/faults`, { method: 'PUT', body: '{"errorRate":0.5}' });
    expect(answer.status).toBe(200);
    expect(sandbox.wms.faults.current.errorRate).toBe(0.5);
  });

  test('PUT with bad fields answers 422 listing each, and changes nothing', async () => {
    const { sandbox } = await startRig({ faults: { errorRate: 0.5 } });
    const answer = await put(sandbox.wmsUrl, { errorRate: 2, mode: 'sometimes', shortage: { SKU001: -1 }, typo: true });
    expect(answer.status).toBe(422);
    const body = (await answer.json()) as { code: number; data: { errors: Array<{ path: string }> } };
    expect(body.code).toBe(422);
    expect(body.data.errors.map((error) => error.path).sort()).toEqual(['body', 'body.errorRate', 'body.mode', 'body.shortage.SKU001']);
    expect(sandbox.wms.faults.current.errorRate).toBe(0.5);
  });

  test('the TMS has its own faults, set the same way', async () => {
    const { sandbox } = await startRig();
    expect((await put(sandbox.tmsUrl, { latencyMs: 10 })).status).toBe(200);
    expect(sandbox.tms.faults.current).toEqual({ errorRate: 0, latencyMs: 10 });
    expect((await put(sandbox.tmsUrl, { shortage: {} })).status).toBe(422);
  });

  test('bad faults at start are refused', async () => {
    await expect(startSandbox({ faults: { errorRate: -1 } })).rejects.toThrow(/errorRate must be from 0 to 1/);
  });
});

describe('sandbox faults: what the hub meets', () => {
  test('errorRate answers 503 (retryable) and takes nothing, though the call is counted', async () => {
    const { sandbox, client } = await startRig({ faults: { errorRate: 1 } });
    const outcome = await client.createOutbound(order('OMS1'));
    expect(outcome).toMatchObject({
      ok: false,
      retryable: true,
      error: expect.stringContaining('HTTP 503 Service Unavailable: sandbox fault'),
    });
    expect(sandbox.wms.orders()).toEqual([]);
    expect(sandbox.wms.createCalls('OMS1')).toBe(1);
  });

  test('rejectRate answers 400 in the envelope (not retryable)', async () => {
    const { sandbox, client } = await startRig({ faults: { rejectRate: 1 } });
    const outcome = await client.createOutbound(order('OMS1'));
    expect(outcome).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringContaining('HTTP 400 Bad Request: sandbox fault (rejectRate 1): outbound OMS1 refused'),
    });
    expect(sandbox.wms.orders()).toEqual([]);
  });

  test('a rate plays out with the seeded randomness: some calls fail, the same ones every run', async () => {
    const { sandbox, client } = await startRig({ faults: { mode: 'manual', errorRate: 0.5 }, random: seeded(7) });
    const outcomes = [];
    for (let n = 1; n <= 20; n += 1) outcomes.push((await client.createOutbound(order(`OMS${n}`))).ok);
    const failed = outcomes.filter((ok) => !ok).length;
    expect(failed).toBeGreaterThan(3);
    expect(failed).toBeLessThan(17);
    expect(sandbox.wms.orders()).toHaveLength(20 - failed);
  });

  test('timeoutRate: the order is taken but never answered; the retry gets the same outboundNo', async () => {
    const { sandbox, client } = await startRig({ faults: { timeoutRate: 1, mode: 'manual' } });
    const impatient = new WmsHttpClient({ baseUrl: sandbox.wmsUrl, timeoutMs: 50 });
    const outcome = await impatient.createOutbound(order('OMS1'));
    expect(outcome).toEqual({
      ok: false,
      retryable: true,
      error: `POST ${sandbox.wmsUrl}/api/wms/outbound/create: no answer within 50 ms`,
    });
    expect(sandbox.wms.orders()).toMatchObject([{ orderNo: 'OMS1', outboundNo: 'WMS202511220001' }]);

    sandbox.wms.faults.set({ mode: 'manual' });
    expect(await client.createOutbound(order('OMS1'))).toEqual({ ok: true, value: { outboundNo: 'WMS202511220001' } });
    expect(sandbox.wms.createCalls('OMS1')).toBe(2);
    expect(sandbox.wms.orders()).toHaveLength(1);
  });

  test('latencyMs delays every answer; longer than the caller waits, it is a timeout', async () => {
    const delays: number[] = [];
    const { client } = await startRig({
      faults: { latencyMs: 120, mode: 'manual' },
      schedule: (delayMs, fn) => {
        delays.push(delayMs);
        setImmediate(fn);
      },
    });
    expect(await client.createOutbound(order('OMS1'))).toMatchObject({ ok: true });
    expect(delays).toEqual([120]);

    const { sandbox } = await startRig({
      faults: { latencyMs: 300, mode: 'manual' },
      schedule: (delayMs, fn) => void setTimeout(fn, delayMs),
    });
    const impatient = new WmsHttpClient({ baseUrl: sandbox.wmsUrl, timeoutMs: 50 });
    expect(await impatient.createOutbound(order('OMS1'))).toMatchObject({
      ok: false,
      retryable: true,
      error: expect.stringContaining('no answer within 50 ms'),
    });
  });

  test('the sandbox closes even with a request left hanging', async () => {
    const sandbox = await startSandbox({ faults: { timeoutRate: 1, mode: 'manual' } });
    const hanging = fetch(`${sandbox.wmsUrl}/api/wms/outbound/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...order('OMS1'), items: [{ sku: 'SKU001', quantity: 1 }] }),
    }).catch((error: unknown) => error);
    for (let turn = 0; turn < 1000 && sandbox.wms.orders().length === 0; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(sandbox.wms.orders()).toHaveLength(1);
    await sandbox.close();
    expect(await hanging).toBeInstanceOf(Error);
  });
});
