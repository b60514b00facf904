/**
 * Full jitter (docs/architecture.md#retries): for any jitter in [0, 1) the delay stays within the
 * capped backoff, never before a Retry-After, deadlines strictly increase, and the event a decider
 * records replays to the same deadline (the jitter is in it; nothing is drawn again).
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { fold } from '../../../src/domain/kernel/decider.ts';
import { addMillis, millis } from '../../../src/domain/kernel/instant.ts';
import { type RetryPolicy, backoffDelayMs, jitteredDelayMs, judgeFailure } from '../../../src/domain/kernel/retry-policy.ts';
import { type OrderCommand, type OrderEvent, type OrderState, outboundOrder } from '../../../src/domain/outbound-order/index.ts';
import { placedAndReserved } from '../outbound-order/order-fixtures.ts';

const runs = { numRuns: 500 };
const T0 = '2025-11-22T02:00:00.000Z';

/** any fraction from 0 up to, not including, 1 */
const jitter = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const policy: fc.Arbitrary<RetryPolicy> = fc
  .record({ maxAttempts: fc.integer({ min: 2, max: 8 }), baseDelayMs: fc.integer({ min: 1, max: 120_000 }), extra: fc.nat(900_000) })
  .map(({ maxAttempts, baseDelayMs, extra }) => ({ maxAttempts, baseDelayMs, maxDelayMs: baseDelayMs + extra }));
const retryAfterMs = fc.option(fc.nat(600_000), { nil: undefined });

describe('full jitter, for any jitter in [0, 1)', () => {
  test.prop([policy, fc.integer({ min: 1, max: 60 }), jitter], runs)(
    'the delay is that fraction of the capped backoff, within [0, the backoff), and no jitter is the backoff itself',
    (p, n, j) => {
      const backoff = backoffDelayMs(p, n);
      const delay = jitteredDelayMs(p, n, j);
      expect(Number.isSafeInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(backoff);
      expect(delay).toBeLessThanOrEqual(p.maxDelayMs);
      expect(delay).toBe(Math.floor(j * backoff));
      expect(jitteredDelayMs(p, n, undefined)).toBe(backoff);
    },
  );

  test.prop(
    [policy, fc.integer({ min: 1, max: 7 }), jitter, retryAfterMs, fc.option(fc.integer({ min: -3_600_000, max: 3_600_000 }))],
    runs,
  )(
    'a retry is never due before Retry-After, always after the previous deadline, and otherwise within the jittered window',
    (p, n, j, retryAfter, previousOffset) => {
      fc.pre(n < p.maxAttempts);
      const previousDueAt = previousOffset === null ? null : addMillis(T0, previousOffset);
      const verdict = judgeFailure(p, {
        failedAttemptInRound: n,
        retryable: true,
        now: T0,
        previousDueAt,
        retryAfterMs: retryAfter,
        jitter: j,
      });
      if (verdict.kind !== 'retry') throw new Error(`expected a retry, got ${JSON.stringify(verdict)}`);
      const due = millis(verdict.dueAt);
      const wanted = millis(T0) + Math.max(Math.floor(j * backoffDelayMs(p, n)), retryAfter ?? 0);
      expect(due).toBeGreaterThanOrEqual(millis(T0) + (retryAfter ?? 0));
      if (previousDueAt !== null) expect(due).toBeGreaterThan(millis(previousDueAt));
      expect(due).toBe(previousDueAt === null ? wanted : Math.max(wanted, millis(previousDueAt) + 1));
      expect(due - millis(T0)).toBeLessThanOrEqual(Math.max(backoffDelayMs(p, n), retryAfter ?? 0, (previousOffset ?? 0) + 1));
    },
  );
});

/** One failed push: how long after the previous one it came, the jitter drawn for it, the wait the WMS asked for. */
const failure = fc.record({ afterMs: fc.nat(20 * 60_000), jitter, retryAfterMs });

describe('an outbound order failing again and again, each failure with its own jitter', () => {
  test.prop([policy, fc.array(failure, { minLength: 1, maxLength: 10 })], runs)(
    'records each jitter with its deadline; deadlines strictly increase, never before Retry-After; the events replay to the same deadlines',
    (p, failures) => {
      let state: OrderState = fold(outboundOrder, placedAndReserved());
      let clock = millis(T0);
      let previousDue: number | null = null;
      for (const f of failures) {
        clock += f.afterMs;
        const now = new Date(clock).toISOString();
        const command: OrderCommand = {
          type: 'RecordPushFailed',
          data: {
            attempt: state.push.total + 1,
            warehouseCode: 'WH001',
            error: 'HTTP 503',
            retryable: true,
            retryAfterMs: f.retryAfterMs,
            jitter: f.jitter,
            policy: p,
            now,
          },
        };
        const before = state;
        const events = outboundOrder.decide(command, before);
        // the decider is pure: the same command on the same state decides the same
        expect(outboundOrder.decide(command, before)).toEqual(events);
        state = fold(outboundOrder, events, before);
        const scheduled = events.find((e): e is Extract<OrderEvent, { type: 'PushRetryScheduled' }> => e.type === 'PushRetryScheduled');
        if (scheduled === undefined) {
          expect(state.status).toBe('MANUAL_INTERVENTION');
          break;
        }
        const due = millis(scheduled.data.dueAt);
        const n = command.data.attempt - before.push.roundStart;
        expect(scheduled.data.jitter).toBe(f.jitter);
        expect(due).toBeGreaterThanOrEqual(clock + (f.retryAfterMs ?? 0));
        if (previousDue !== null) expect(due).toBeGreaterThan(previousDue);
        const jittered = Math.floor(f.jitter * backoffDelayMs(p, n));
        expect(due).toBe(Math.max(clock + Math.max(jittered, f.retryAfterMs ?? 0), (previousDue ?? -Infinity) + 1));
        previousDue = due;
        // replay: the stored (JSON) events fold to the same deadline, with nothing drawn again
        const stored = JSON.parse(JSON.stringify(events)) as OrderEvent[];
        expect(fold(outboundOrder, stored, before)).toEqual(state);
        expect(state.push.nextAttemptAt).toBe(scheduled.data.dueAt);
      }
    },
  );
});
