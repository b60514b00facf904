import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { fold } from '../../../src/domain/kernel/decider.ts';
import { addMillis, millis } from '../../../src/domain/kernel/instant.ts';
import { type Line, totalsBySku } from '../../../src/domain/kernel/lines.ts';
import { type InboundCommand, type InboundEvent, type InboundState, inboundOrderDecider } from '../../../src/domain/inbound-order/index.ts';
import { instantArb, retryPolicyArb, run } from '../../support/arbitraries-decider.ts';
import { deciderLaws } from '../../support/decider-laws.ts';

const decider = inboundOrderDecider;
const inboundNo = fc.oneof({ arbitrary: fc.constant('IN1'), weight: 12 }, { arbitrary: fc.constant('IN2'), weight: 1 });
const sku = fc.constantFrom('SKU001', 'SKU002', 'SKU003');
const expectedLines = fc.constantFrom<Line[]>(
  [{ sku: 'SKU001', quantity: 3 }],
  [
    { sku: 'SKU001', quantity: 3 },
    { sku: 'SKU002', quantity: 2 },
  ],
  [{ sku: 'SKU001', quantity: 0 }],
);
const receiptLines = fc.array(fc.record({ sku, quantity: fc.integer({ min: 0, max: 4 }) }), { maxLength: 4 });

const create = fc
  .record({ inboundNo, lines: expectedLines, kind: fc.constantFrom('PURCHASE' as const, 'RETURN' as const), now: instantArb })
  .map(({ kind, ...data }): InboundCommand => ({
    type: 'CreateInbound',
    data: { ...data, kind, warehouseCode: 'WH001', ...(kind === 'PURCHASE' ? { supplier: 'ACME', poNumber: 'PO1' } : { returnNo: 'RT1' }) },
  }));
const attempt = fc.integer({ min: 1, max: 4 });
const command: fc.Arbitrary<InboundCommand> = fc.oneof(
  create,
  fc
    .record({ inboundNo, attempt, now: instantArb })
    .map((d): InboundCommand => ({ type: 'RecordInboundPushSucceeded', data: { ...d, wmsInboundNo: 'W1' } })),
  {
    weight: 3,
    arbitrary: fc
      .record({
        inboundNo,
        attempt,
        retryable: fc.boolean(),
        retryAfterMs: fc.option(fc.integer({ min: 0, max: 600_000 }), { nil: undefined }),
        now: instantArb,
        policy: retryPolicyArb,
      })
      .map((d): InboundCommand => ({ type: 'RecordInboundPushFailed', data: { ...d, error: 'HTTP 503' } })),
  },
  fc
    .record({ inboundNo, requestId: fc.constantFrom('Q1', 'Q2', 'Q3'), now: instantArb })
    .map((d): InboundCommand => ({ type: 'RetryInboundPush', data: { ...d, requestedBy: 'ops' } })),
  {
    // receipts close the inbound: rarer, so that push outcomes have room before them
    weight: 1,
    arbitrary: fc
      .record({ inboundNo, receiptNo: fc.constantFrom('RC1', 'RC2', 'RC3'), lines: receiptLines, receivedAt: instantArb, now: instantArb })
      .map((d): InboundCommand => ({ type: 'RecordReceipt', data: d })),
  },
);
/** Mostly starts with a creation, so the rest is not all INBOUND_NOT_FOUND. */
const commands = fc
  .tuple(fc.option(create, { freq: 5 }), fc.array(command, { maxLength: 30, size: 'medium' }))
  .map(([first, rest]) => (first === null ? rest : [first, ...rest]));

describe('inbound order properties', () => {
  deciderLaws(decider, commands);

  test.prop([commands], { numRuns: 1000 })('received quantities and discrepancies add up after every step', (history) => {
    const events: InboundEvent[] = [];
    for (const step of run(decider, history)) {
      events.push(...step.events);
      const receipts = events.filter((e) => e.type === 'InboundReceived');
      expect(receipts.length).toBeLessThanOrEqual(1);
      const state = step.after;
      expect(state.status === 'RECEIVED').toBe(receipts.length === 1);
      const receipt = receipts[0];
      if (receipt === undefined || state.inbound === null) continue;
      const received = totalsBySku(receipt.data.lines);
      expect(state.received).toEqual(Object.fromEntries(received));
      const expected = totalsBySku(state.inbound.lines);
      const found = events.filter((e) => e.type === 'DiscrepancyRecorded');
      for (const s of new Set([...expected.keys(), ...received.keys()])) {
        const difference = (received.get(s) ?? 0) - (expected.get(s) ?? 0);
        const recorded = found.filter((d) => d.data.sku === s);
        expect(recorded.length).toBe(difference === 0 ? 0 : 1);
        for (const d of recorded) {
          expect(d.data.received - d.data.expected).toBe(difference);
          expect(d.data.kind).toBe(!expected.has(s) ? 'UNKNOWN_SKU' : difference < 0 ? 'SHORT' : 'OVER');
        }
      }
    }
  });

  test.prop([commands, fc.array(command, { minLength: 1, maxLength: 10 })], { numRuns: 1000 })(
    'a received inbound accepts nothing but anomaly facts',
    (history, afterwards) => {
      const closing: InboundCommand = {
        type: 'RecordReceipt',
        data: { inboundNo: 'IN1', receiptNo: 'RCX', lines: [], receivedAt: '2025-11-22T00:00:00Z', now: '2025-11-22T00:00:00Z' },
      };
      const steps = run(decider, [...history, closing]);
      const state = steps.at(-1)?.after as InboundState;
      if (!decider.isTerminal(state)) return;
      for (const step of run(decider, afterwards, state)) {
        expect(decider.isTerminal(step.after)).toBe(true);
        expect(step.events.every((e) => e.type === 'AnomalyDetected')).toBe(true);
      }
    },
  );

  type Outcome = Readonly<{ ok: boolean; retryable: boolean; retryAfterMs: number | undefined; lateByMs: number }>;
  const pushOutcome: fc.Arbitrary<Outcome> = fc.record({
    ok: fc.boolean(),
    retryable: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
    retryAfterMs: fc.option(fc.integer({ min: 0, max: 3_600_000 }), { nil: undefined }),
    // the reaction may run early or late against the deadline (clock skew, a slow scheduler)
    lateByMs: fc.integer({ min: -600_000, max: 600_000 }),
  });

  test.prop([retryPolicyArb, fc.array(pushOutcome, { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 3 })], { numRuns: 1000 })(
    'retries never exceed the attempts of a round, deadlines strictly increase, every failure path ends pushed or with a person',
    (policy, outcomes, manualRetries) => {
      const start = '2025-11-22T02:00:00.000Z';
      let state = fold(
        decider,
        decider.decide(
          {
            type: 'CreateInbound',
            data: {
              inboundNo: 'IN1',
              kind: 'RETURN',
              warehouseCode: 'WH',
              returnNo: 'RT1',
              lines: [{ sku: 'S', quantity: 1 }],
              now: start,
            },
          },
          decider.initialState,
        ),
      );
      const events: InboundEvent[] = [];
      const apply = (command: InboundCommand) => {
        const produced = decider.decide(command, state);
        events.push(...produced);
        state = fold(decider, produced, state);
        return produced;
      };
      let now = start;
      let retriesLeft = manualRetries;
      let next = 0;
      for (;;) {
        let attemptsThisRound = 0;
        // one round: push until it succeeds or a person is asked to step in
        while (state.status !== 'PUSHED_TO_WMS' && state.status !== 'MANUAL_INTERVENTION') {
          const o = outcomes[next++ % outcomes.length] as Outcome;
          const attempt = state.push.total + 1;
          attemptsThisRound += 1;
          expect(attemptsThisRound).toBeLessThanOrEqual(policy.maxAttempts);
          const ok = o.ok && next > outcomes.length - 1; // mostly failures: success only at the end of the list
          const produced = ok
            ? apply({ type: 'RecordInboundPushSucceeded', data: { inboundNo: 'IN1', attempt, wmsInboundNo: 'W', now } })
            : apply({
                type: 'RecordInboundPushFailed',
                data: { inboundNo: 'IN1', attempt, error: 'e', retryable: o.retryable, retryAfterMs: o.retryAfterMs, now, policy },
              });
          expect(produced.length).toBeGreaterThan(0);
          const retry = produced.find((e) => e.type === 'PushRetryScheduled');
          if (retry !== undefined) {
            expect(retry.data.attempt).toBe(attempt + 1);
            expect(millis(retry.data.dueAt)).toBeGreaterThan(millis(now));
            expect(attemptsThisRound).toBeLessThan(policy.maxAttempts);
            now = addMillis(retry.data.dueAt, o.lateByMs);
          }
        }
        if (state.status === 'PUSHED_TO_WMS' || retriesLeft === 0) break;
        retriesLeft -= 1;
        now = addMillis(now, 60_000);
        apply({ type: 'RetryInboundPush', data: { inboundNo: 'IN1', requestId: `Q${retriesLeft}`, requestedBy: 'ops', now } });
      }
      expect(['PUSHED_TO_WMS', 'MANUAL_INTERVENTION']).toContain(state.status);
      const deadlines = events.filter((e) => e.type === 'PushRetryScheduled').map((e) => millis(e.data.dueAt));
      deadlines.slice(1).forEach((d, i) => expect(d).toBeGreaterThan(deadlines[i] as number));
      const failures = events.filter((e) => e.type === 'PushFailed');
      expect(failures.map((e) => e.data.attempt)).toEqual(failures.map((_, i) => i + 1));
    },
  );
});
