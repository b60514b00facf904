import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { fold } from '../../../src/domain/kernel/decider.ts';
import { Refused } from '../../../src/domain/kernel/refused.ts';
import {
  type HandOffCommand,
  type HandOffEvent,
  type ShipmentForTransport,
  handOffIsDue,
  transportHandOff,
} from '../../../src/domain/transport-handoff/index.ts';
import { specFor } from '../../support/decider-spec.ts';

const { given } = specFor(transportHandOff);
const policy = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000 };
const shipment: ShipmentForTransport = {
  waybillNo: 'SF1234567890',
  orderNo: 'OMS202511220001',
  carrier: '顺丰速运',
  consignee: { name: '张三', phone: '13800138000', province: '北京市', city: '北京市', district: '朝阳区', address: 'XX街道XX号' },
  items: [{ sku: 'SKU001', quantity: 2 }],
  shippedAt: '2025-11-22T10:00:00.000+08:00',
};
const register = (s = shipment): HandOffCommand => ({ type: 'RegisterShipment', data: { ...s, now: '2025-11-22T02:10:00.000Z' } });
const registered: HandOffEvent = { type: 'ShipmentRegistered', data: { ...shipment, registeredAt: '2025-11-22T02:10:00.000Z' } };
const ok = (attempt: number): HandOffCommand => ({
  type: 'RecordHandOffSucceeded',
  data: { attempt, transportRef: 'TMS-1', now: '2025-11-22T02:11:00.000Z' },
});
const fail = (attempt: number, now: string, retryable = true): HandOffCommand => ({
  type: 'RecordHandOffFailed',
  data: { attempt, error: 'HTTP 502', retryable, policy, now },
});

describe('handing a shipment to transport', () => {
  it('registers the waybill once; the same callback again adds nothing; other content is refused', () => {
    given([]).when(register()).then([registered]);
    given([registered]).when(register()).thenNothing();
    given([registered])
      .when(register({ ...shipment, carrier: '圆通' }))
      .thenRefused('SHIPMENT_ALREADY_REGISTERED');
  });

  it('is handed off once the TMS accepts it', () => {
    const state = given([registered])
      .when(ok(1))
      .then([{ type: 'PushSucceeded', data: { attempt: 1, transportRef: 'TMS-1', pushedAt: '2025-11-22T02:11:00.000Z' } }]);
    expect(transportHandOff.isTerminal(state)).toBe(true);
  });

  it('retries with backoff, then asks a person; a person can retry', () => {
    given([registered])
      .when(fail(1, '2025-11-22T02:11:00.000Z'))
      .then([
        { type: 'PushFailed', data: { attempt: 1, error: 'HTTP 502', retryable: true, failedAt: '2025-11-22T02:11:00.000Z' } },
        { type: 'PushRetryScheduled', data: { attempt: 2, dueAt: '2025-11-22T02:11:01.000Z' } },
      ]);
    const rejected = given([registered])
      .when(fail(1, '2025-11-22T02:11:00.000Z', false))
      .then([
        { type: 'PushFailed', data: { attempt: 1, error: 'HTTP 502', retryable: false, failedAt: '2025-11-22T02:11:00.000Z' } },
        {
          type: 'ManualInterventionRequired',
          data: { reason: 'PUSH_REJECTED', detail: 'hand-off to transport: HTTP 502', at: '2025-11-22T02:11:00.000Z' },
        },
      ]);
    expect(rejected.status).toBe('MANUAL_INTERVENTION');
    given([registered])
      .when({ type: 'RetryHandOff', data: { requestId: 'r1', requestedBy: 'ops', now: '2025-11-22T02:12:00.000Z' } })
      .thenRefused('NOTHING_TO_RETRY');
  });

  it('refuses outcomes for a waybill it never registered', () => {
    given([]).when(ok(1)).thenRefused('SHIPMENT_NOT_FOUND');
  });

  const outcome = fc.oneof(
    fc.constant<'ok'>('ok'),
    fc.constantFrom<'retryable' | 'rejected'>('retryable', 'retryable', 'rejected'),
    fc.constant<'retry'>('retry'),
  );
  test.prop([fc.array(outcome, { maxLength: 15 })], { numRuns: 1000 })(
    'never more attempts than the policy in a round, deadlines increase, redelivery decides nothing, ends handed off or with a person',
    (outcomes) => {
      let state = fold(transportHandOff, transportHandOff.decide(register(), transportHandOff.initialState));
      const events: HandOffEvent[] = [registered];
      let clock = Date.parse('2025-11-22T02:11:00.000Z');
      outcomes.forEach((o, i) => {
        clock += 500;
        const now = new Date(clock).toISOString();
        const attempt = state.push.total + 1;
        if (o !== 'retry' && state.status !== 'AWAITING_HANDOFF' && state.status !== 'HANDOFF_FAILED') return; // no call is made
        const command: HandOffCommand =
          o === 'ok'
            ? ok(attempt)
            : o === 'retry'
              ? { type: 'RetryHandOff', data: { requestId: `r${i}`, requestedBy: 'ops', now } }
              : fail(attempt, now, o === 'retryable');
        let produced: readonly HandOffEvent[] = [];
        try {
          produced = transportHandOff.decide(command, state);
        } catch (error) {
          if (!(error instanceof Refused)) throw error;
        }
        state = fold(transportHandOff, produced, state);
        events.push(...produced);
        if (produced.length > 0) expect(transportHandOff.decide(command, state)).toEqual([]);
        expect(state.push.total - state.push.roundStart).toBeLessThanOrEqual(policy.maxAttempts);
      });
      const deadlines = events.flatMap((e) => (e.type === 'PushRetryScheduled' ? [Date.parse(e.data.dueAt)] : []));
      deadlines.forEach((d, i) => i > 0 && expect(d).toBeGreaterThan(deadlines[i - 1] ?? 0));
      expect(fold(transportHandOff, JSON.parse(JSON.stringify(events)) as HandOffEvent[])).toEqual(state);
      expect(['AWAITING_HANDOFF', 'HANDOFF_FAILED', 'MANUAL_INTERVENTION', 'HANDED_OFF']).toContain(state.status);
    },
  );
});

describe('when a hand-off is due', () => {
  const failedOnce: HandOffEvent[] = [
    registered,
    { type: 'PushFailed', data: { attempt: 1, error: 'HTTP 502', retryable: true, failedAt: '2025-11-22T02:11:00.000Z' } },
    { type: 'PushRetryScheduled', data: { attempt: 2, dueAt: '2025-11-22T02:12:00.000Z' } },
  ];
  it('as soon as the shipment is registered; after a failure, once its retry comes due and not a moment before', () => {
    expect(handOffIsDue(transportHandOff.initialState, '2025-11-22T02:10:00.000Z')).toBe(false);
    expect(handOffIsDue(fold(transportHandOff, [registered]), '2025-11-22T02:10:00.000Z')).toBe(true);
    const failed = fold(transportHandOff, failedOnce);
    expect(handOffIsDue(failed, '2025-11-22T02:11:59.999Z')).toBe(false);
    expect(handOffIsDue(failed, '2025-11-22T02:12:00.000Z')).toBe(true);
  });
  it('never once handed off', () => {
    const handedOff = fold(transportHandOff, [
      registered,
      { type: 'PushSucceeded', data: { attempt: 1, transportRef: 'TMS-1', pushedAt: '2025-11-22T02:11:00.000Z' } },
    ]);
    expect(handOffIsDue(handedOff, '2025-11-23T00:00:00.000Z')).toBe(false);
  });
});
