import { describe, expect, test } from 'vitest';
import { WarehouseBreaker } from '../../../src/adapters/outside-call/warehouse-breaker.ts';
import type { CallOutcome } from '../../../src/application/ports/outside-call.ts';
import type { OutboundInstruction, Warehouse } from '../../../src/application/ports/warehouse.ts';
import { LeaseLost } from '../../../src/application/ports/lease.ts';
import { ManualClock } from '../../support/manual-clock.ts';

type Answer = CallOutcome<{ outboundNo: string }>;
const down: Answer = { ok: false, retryable: true, error: 'no answer within 5000 ms' };
const refused: Answer = { ok: false, retryable: false, error: 'HTTP 400: bad consignee' };
const taken: Answer = { ok: true, value: { outboundNo: 'WMS1' } };

/** A warehouse that answers each warehouse's calls as told (or holds one until released), counting them. */
const scripted = () => {
  const answers = new Map<string, Answer>();
  const calls: string[] = [];
  let held: ((answer: Answer) => void) | undefined;
  let holdNext = false;
  const warehouse: Warehouse = {
    createOutbound: (instruction) => {
      calls.push(instruction.warehouseCode);
      if (holdNext) {
        holdNext = false;
        return new Promise((resolve) => (held = resolve));
      }
      return Promise.resolve(answers.get(instruction.warehouseCode) ?? taken);
    },
    cancelOutbound: async () => ({ ok: true, value: { intercepted: true, detail: '' } }),
    createInbound: async () => ({ ok: true, value: { wmsInboundNo: 'IN1' } }),
    stockSnapshot: async (query) => {
      calls.push(query.warehouseCode);
      return { ok: false, retryable: true, error: 'HTTP 503' };
    },
  };
  return {
    warehouse,
    calls,
    answer: (warehouseCode: string, answer: Answer) => answers.set(warehouseCode, answer),
    holdNext: () => (holdNext = true),
    release: (answer: Answer) => held?.(answer),
  };
};

const order = (warehouseCode: string): OutboundInstruction => ({
  orderNo: 'OMS1',
  warehouseCode,
  priority: 'NORMAL',
  timeRequirement: 'STANDARD',
  items: [{ sku: 'SKU001', quantity: 1 }],
  consignee: { name: '张三', phone: '13800138000', province: '北京市', city: '北京市', district: '朝阳区', address: 'XX街道XX号' },
});

const rig = (failures = 3) => {
  const clock = new ManualClock('2026-11-26T02:00:00.000Z');
  const inner = scripted();
  const opened: string[] = [];
  const breaker = new WarehouseBreaker(inner.warehouse, {
    failures,
    cooldownMs: 30_000,
    clock,
    onOpen: (warehouseCode, count, until) => opened.push(`${warehouseCode} ${count} ${until}`),
  });
  return { clock, inner, breaker, opened };
};

describe('a circuit breaker per warehouse', () => {
  test('after 3 retryable failures in a row the warehouse is left alone for the cool-down: its calls fail at once, retryable, with the time left', async () => {
    const { clock, inner, breaker, opened } = rig();
    inner.answer('WH002', down);
    for (let i = 0; i < 3; i += 1) expect(await breaker.createOutbound(order('WH002'))).toEqual(down);
    expect(opened).toEqual(['WH002 3 2026-11-26T02:00:30.000Z']);
    clock.advance({ seconds: 10 });
    const fast = await breaker.createOutbound(order('WH002'));
    expect(fast).toMatchObject({ ok: false, retryable: true, retryAfterMs: 20_000, error: expect.stringContaining('circuit open') });
    expect(await breaker.stockSnapshot({ warehouseCode: 'WH002', pageNo: 1, pageSize: 100 })).toMatchObject({ ok: false, retryable: true });
    expect(inner.calls).toEqual(['WH002', 'WH002', 'WH002']);
    expect(breaker.open()).toEqual([{ warehouseCode: 'WH002', until: '2026-11-26T02:00:30.000Z', failures: 3 }]);
    // the other warehouses are called as before
    expect(await breaker.createOutbound(order('WH001'))).toEqual(taken);
    expect(inner.calls.at(-1)).toBe('WH001');
  });

  test('an answer, a refusal too, ends a run of failures', async () => {
    const { inner, breaker } = rig();
    inner.answer('WH002', down);
    await breaker.createOutbound(order('WH002'));
    await breaker.createOutbound(order('WH002'));
    inner.answer('WH002', refused);
    expect(await breaker.createOutbound(order('WH002'))).toEqual(refused);
    inner.answer('WH002', down);
    await breaker.createOutbound(order('WH002'));
    await breaker.createOutbound(order('WH002'));
    expect(breaker.open()).toEqual([]);
    expect(inner.calls).toHaveLength(5);
  });

  test('after the cool-down one call goes through, the others wait for it; an answer closes the circuit', async () => {
    const { clock, inner, breaker } = rig();
    inner.answer('WH002', down);
    for (let i = 0; i < 3; i += 1) await breaker.createOutbound(order('WH002'));
    clock.advance({ seconds: 30 });
    inner.holdNext();
    const trial = breaker.createOutbound(order('WH002'));
    expect(await breaker.createOutbound(order('WH002'))).toMatchObject({
      ok: false,
      retryable: true,
      error: expect.stringContaining('circuit open'),
    });
    inner.release(taken);
    expect(await trial).toEqual(taken);
    expect(breaker.open()).toEqual([]);
    inner.answer('WH002', taken);
    expect(await breaker.createOutbound(order('WH002'))).toEqual(taken);
    expect(inner.calls).toEqual(['WH002', 'WH002', 'WH002', 'WH002', 'WH002']);
  });

  test('a trial that fails opens the circuit for another cool-down', async () => {
    const { clock, inner, breaker, opened } = rig();
    inner.answer('WH002', down);
    for (let i = 0; i < 3; i += 1) await breaker.createOutbound(order('WH002'));
    clock.advance({ seconds: 31 });
    expect(await breaker.createOutbound(order('WH002'))).toEqual(down);
    expect(opened.at(-1)).toBe('WH002 4 2026-11-26T02:01:01.000Z');
    expect(await breaker.createOutbound(order('WH002'))).toMatchObject({ retryAfterMs: 30_000 });
    expect(inner.calls).toHaveLength(4);
  });

  test('0 failures: the circuit never opens', async () => {
    const { inner, breaker } = rig(0);
    inner.answer('WH002', down);
    for (let i = 0; i < 10; i += 1) expect(await breaker.createOutbound(order('WH002'))).toEqual(down);
    expect(inner.calls).toHaveLength(10);
    expect(breaker.open()).toEqual([]);
  });

  test('a call that throws (a lost lease) is no answer of the warehouse: it does not count, and a trial is not left under way', async () => {
    const clock = new ManualClock('2026-11-26T02:00:00.000Z');
    const lost = new LeaseLost({ name: 'push-outbound-when-reserved', holder: 'w1', token: 1n });
    const next: (() => Promise<Answer>)[] = [async () => down, () => Promise.reject(lost), () => Promise.reject(lost), async () => taken];
    let calls = 0;
    const inner: Warehouse = {
      ...scripted().warehouse,
      createOutbound: () => (next[calls++] ?? (async () => taken))(),
    };
    const breaker = new WarehouseBreaker(inner, { failures: 1, cooldownMs: 30_000, clock });
    expect(await breaker.createOutbound(order('WH002'))).toEqual(down);
    clock.advance({ seconds: 30 });
    // the trial throws: the circuit stays as it was, and the next call is a trial again
    await expect(breaker.createOutbound(order('WH002'))).rejects.toBe(lost);
    await expect(breaker.createOutbound(order('WH002'))).rejects.toBe(lost);
    expect(await breaker.createOutbound(order('WH002'))).toEqual(taken);
    expect(breaker.open()).toEqual([]);
    expect(calls).toBe(4);
  });
});
