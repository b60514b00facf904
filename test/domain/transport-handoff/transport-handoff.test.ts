import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { fold } from '../../../src/domain/kernel/decider.ts';
import { Refused } from '../../../src/domain/kernel/refused.ts';
import { waybillOfId } from '../../../src/domain/kernel/waybill.ts';
import {
  type HandOffCommand,
  type HandOffEvent,
  type ShipmentForTransport,
  handOffIsDue,
  shipmentStreamName,
  transportHandOff,
} from '../../../src/domain/transport-handoff/index.ts';
import { specFor } from '../../support/decider-spec.ts';

const { given } = specFor(transportHandOff);
const policy = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000 };
const shipment: ShipmentForTransport = {
  waybillNo: 'SF1234567890',
  orderNo: 'OMS202511220001',
  carrier: 'SF',
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
const retry = (requestId: string): HandOffCommand => ({
  type: 'RetryHandOff',
  data: { requestId, requestedBy: 'ops', now: '2025-11-22T02:20:00.000Z' },
});
const handedOff: HandOffEvent = {
  type: 'PushSucceeded',
  data: { attempt: 1, transportRef: 'TMS-1', pushedAt: '2025-11-22T02:11:00.000Z' },
};
const failedAttempt = (attempt: number, retryable = true): HandOffEvent => ({
  type: 'PushFailed',
  data: { attempt, error: 'HTTP 502', retryable, failedAt: '2025-11-22T02:11:00.000Z' },
});
const retryDue = (attempt: number, dueAt: string): HandOffEvent => ({ type: 'PushRetryScheduled', data: { attempt, dueAt } });
/** attempt 1 failed, attempt 2 is due at 02:11:01 */
const afterOneFailure: HandOffEvent[] = [registered, failedAttempt(1), retryDue(2, '2025-11-22T02:11:01.000Z')];
const retryRequested = (newRound: boolean): HandOffEvent => ({
  type: 'RetryRequested',
  data: { requestId: 'r1', newRound, requestedBy: 'ops', requestedAt: '2025-11-22T02:20:00.000Z' },
});
/** the TMS refused attempt 1 outright: a person has to look */
const withAPerson: HandOffEvent[] = [
  registered,
  failedAttempt(1, false),
  {
    type: 'ManualInterventionRequired',
    data: { reason: 'PUSH_REJECTED', detail: 'hand-off to transport: HTTP 502', at: '2025-11-22T02:11:00.000Z' },
  },
];

describe('handing a shipment to transport', () => {
  it('registers the waybill once; the same callback again adds nothing; other content is refused', () => {
    given([]).when(register()).then([registered]);
    given([registered]).when(register()).thenNothing();
    given([registered])
      .when(register({ ...shipment, carrier: 'YTO' }))
      .thenRefused('SHIPMENT_ALREADY_REGISTERED');
  });

  it("refuses a carrier that is not a code (a carrier's name, a dot), or a waybill number that is not one, naming each", () => {
    const refused = given([])
      .when(register({ ...shipment, carrier: '顺丰速运', waybillNo: 'SF 1' }))
      .thenRefused('INVALID_COMMAND');
    expect(refused.details).toEqual([
      { path: 'carrier', message: 'must be a carrier code: 1–32 letters, digits, _ or -' },
      { path: 'waybillNo', message: 'must be 1–64 letters, digits, _ . or -' },
    ]);
    for (const carrier of ['S.F', '', 'C'.repeat(33)])
      expect(
        given([])
          .when(register({ ...shipment, carrier }))
          .thenRefused('INVALID_COMMAND')
          .details.map((d) => d.path),
      ).toEqual(['carrier']);
    expect(
      given([registered])
        .when(register({ ...shipment, waybillNo: '' }))
        .thenRefused('INVALID_COMMAND').details,
    ).toEqual([{ path: 'waybillNo', message: 'must not be blank' }]);
  });

  it('names the waybill when it refuses other content for it', () => {
    const refused = given([registered])
      .when(register({ ...shipment, items: [{ sku: 'SKU001', quantity: 3 }] }))
      .thenRefused('SHIPMENT_ALREADY_REGISTERED');
    expect(refused).toMatchObject({ message: 'waybill SF1234567890 of SF was registered with other content', details: [] });
  });

  it('is handed off once the TMS accepts it', () => {
    const state = given([registered])
      .when(ok(1))
      .then([{ type: 'PushSucceeded', data: { attempt: 1, transportRef: 'TMS-1', pushedAt: '2025-11-22T02:11:00.000Z' } }]);
    expect(transportHandOff.isTerminal(state)).toBe(true);
  });

  it('given a jitter with the failure, retries after that fraction of the backoff, records it, and refuses one outside [0, 1)', () => {
    const jittered = (jitter: number): HandOffCommand => ({
      type: 'RecordHandOffFailed',
      data: { attempt: 1, error: 'HTTP 502', retryable: true, jitter, policy, now: '2025-11-22T02:11:00.000Z' },
    });
    given([registered])
      .when(jittered(0.75))
      .then([
        { type: 'PushFailed', data: { attempt: 1, error: 'HTTP 502', retryable: true, failedAt: '2025-11-22T02:11:00.000Z' } },
        { type: 'PushRetryScheduled', data: { attempt: 2, dueAt: '2025-11-22T02:11:00.750Z', jitter: 0.75 } },
      ]);
    given([registered])
      .when(jittered(-0.25))
      .thenRefusedNaming('INVALID_COMMAND', 'hand-off outcome', [
        { path: 'jitter', message: 'must be a number from 0 up to, not including, 1' },
      ]);
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

  it('refuses outcomes and retries for a waybill it never registered', () => {
    for (const command of [ok(1), fail(1, '2025-11-22T02:11:00.000Z'), retry('r1')]) {
      expect(given([]).when(command).thenRefused('SHIPMENT_NOT_FOUND')).toMatchObject({ message: 'no such shipment', details: [] });
    }
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

describe('a fresh waybill stream', () => {
  it('knows no shipment, no transport reference, no attempts and no handled requests', () => {
    expect(transportHandOff.initialState).toEqual({
      status: 'NONE',
      shipment: null,
      shipmentKey: '',
      transportRef: null,
      push: { total: 0, roundStart: 0, nextAttemptAt: null, lastDueAt: null, lastError: null, claim: null },
      handledRequests: [],
    });
  });

  it("is named after its carrier's waybill: the carrier's code, a dot, the waybill number", () => {
    expect(shipmentStreamName({ carrier: 'SF', waybillNo: 'SF1234567890' })).toBe('shipment-SF.SF1234567890');
    expect(shipmentStreamName({ carrier: 'YTO', waybillNo: 'SF1234567890' })).toBe('shipment-YTO.SF1234567890');
  });

  const waybill = fc.record({
    carrier: fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/),
    waybillNo: fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/),
  });
  /** few letters and many dots: the same numbers under other carriers, numbers that look like a carrier and a number */
  const lookalike = fc.record({ carrier: fc.stringMatching(/^[AB-]{1,3}$/), waybillNo: fc.stringMatching(/^[AB.-]{1,5}$/) });
  test.prop([fc.oneof(waybill, lookalike), fc.oneof(waybill, lookalike)])(
    'distinct waybills of carriers have distinct stream names, and a name reads back as its waybill',
    (a, b) => {
      const name = shipmentStreamName(a);
      expect(name.startsWith('shipment-')).toBe(true);
      expect(waybillOfId(name.slice('shipment-'.length))).toEqual(a);
      expect(shipmentStreamName(b) === name).toBe(a.carrier === b.carrier && a.waybillNo === b.waybillNo);
    },
  );
});

describe('the TMS accepting a shipment', () => {
  it('once handed off, adds nothing, whichever attempt the acceptance names', () => {
    for (const attempt of [1, 2, 5]) given([registered, handedOff]).when(ok(attempt)).thenNothing();
  });

  it('for an attempt already recorded as failed, is a redelivery and adds nothing', () => {
    given(afterOneFailure).when(ok(1)).thenNothing();
  });

  it('for an attempt not yet made, is refused', () => {
    const refused = given(afterOneFailure).when(ok(3)).thenRefused('ATTEMPT_OUT_OF_SEQUENCE');
    expect(refused).toMatchObject({ message: 'attempt 3 reported, but the next attempt is 2', details: [] });
  });
});

describe('the TMS failing to take a shipment', () => {
  const unworkable = { maxAttempts: 0, baseDelayMs: 0, maxDelayMs: 0 };
  const failUnder = (attempt: number): HandOffCommand => ({
    type: 'RecordHandOffFailed',
    data: { attempt, error: 'HTTP 502', retryable: true, policy: unworkable, now: '2025-11-22T02:11:00.000Z' },
  });

  it('under a retry policy that cannot work is refused, every problem named, before anything else is looked at', () => {
    for (const [history, attempt] of [
      [[registered], 1],
      [afterOneFailure, 1],
      [[registered, handedOff], 2],
      [withAPerson, 2],
    ] as const) {
      expect(given(history).when(failUnder(attempt)).thenRefused('INVALID_COMMAND')).toMatchObject({
        message: 'retry policy: maxAttempts must be a whole number of at least 1; baseDelayMs must be a whole number of at least 1',
        details: [],
      });
    }
  });

  it('reported again is a redelivery and adds nothing', () => {
    given(afterOneFailure).when(fail(1, '2025-11-22T02:11:30.000Z')).thenNothing();
  });

  it('once handed off, adds nothing', () => {
    given([registered, handedOff]).when(fail(2, '2025-11-22T02:12:00.000Z')).thenNothing();
  });

  it('while a person is looking at it, adds nothing and schedules no retry', () => {
    given(withAPerson).when(fail(2, '2025-11-22T02:12:00.000Z')).thenNothing();
    given(withAPerson)
      .when(fail(2, '2025-11-22T02:12:00.000Z', false))
      .thenNothing();
  });

  it('for the last attempt the policy allows in a round, asks a person because the attempts are exhausted', () => {
    given([...afterOneFailure, failedAttempt(2), retryDue(3, '2025-11-22T02:11:03.000Z')])
      .when(fail(3, '2025-11-22T02:11:03.000Z'))
      .then([
        { type: 'PushFailed', data: { attempt: 3, error: 'HTTP 502', retryable: true, failedAt: '2025-11-22T02:11:03.000Z' } },
        {
          type: 'ManualInterventionRequired',
          data: { reason: 'PUSH_ATTEMPTS_EXHAUSTED', detail: 'hand-off to transport: HTTP 502', at: '2025-11-22T02:11:03.000Z' },
        },
      ]);
  });
});

describe('a person retrying the hand-off', () => {
  it('after a failed attempt, hands it off again at once, within the same round of attempts', () => {
    const state = given(afterOneFailure)
      .when(retry('r1'))
      .then([retryRequested(false)]);
    expect(state).toMatchObject({ status: 'AWAITING_HANDOFF', push: { total: 1, roundStart: 0, nextAttemptAt: null } });
    expect(handOffIsDue(state, '2025-11-22T02:20:00.000Z')).toBe(true);
  });

  it('after a person was called in, starts a new round: the next failure is the first of its round again', () => {
    const state = given(withAPerson)
      .when(retry('r1'))
      .then([retryRequested(true)]);
    expect(state).toMatchObject({ status: 'AWAITING_HANDOFF', push: { total: 1, roundStart: 1 } });
    given([...withAPerson, retryRequested(true)])
      .when(fail(2, '2025-11-22T02:21:00.000Z'))
      .then([
        { type: 'PushFailed', data: { attempt: 2, error: 'HTTP 502', retryable: true, failedAt: '2025-11-22T02:21:00.000Z' } },
        { type: 'PushRetryScheduled', data: { attempt: 3, dueAt: '2025-11-22T02:21:01.000Z' } },
      ]);
  });

  it('is refused while the shipment waits for its hand-off or once it is handed off, naming its status', () => {
    expect(given([registered]).when(retry('r1')).thenRefused('NOTHING_TO_RETRY')).toMatchObject({
      message: 'shipment is AWAITING_HANDOFF: there is nothing to retry',
      details: [],
    });
    expect(given([registered, handedOff]).when(retry('r1')).thenRefused('NOTHING_TO_RETRY')).toMatchObject({
      message: 'shipment is HANDED_OFF: there is nothing to retry',
      details: [],
    });
  });
});

describe('claiming a hand-off before the TMS is called (docs/architecture.md#claimed-calls)', () => {
  const claimMs = 30_000;
  const t = '2025-11-22T02:10:00.000Z';
  const later = (ms: number) => new Date(Date.parse(t) + ms).toISOString();
  const startHandOff = (attempt: number, now: string): HandOffCommand => ({ type: 'StartHandOff', data: { attempt, claimMs, now } });
  const started = (attempt: number, now: string): HandOffEvent => ({
    type: 'PushStarted',
    data: { attempt, target: shipment.carrier, startedAt: now, expiresAt: new Date(Date.parse(now) + claimMs).toISOString() },
  });

  it('claims the next attempt for the carrier while the hand-off is due; none while it stands; the same attempt once it ran out', () => {
    given([registered])
      .when(startHandOff(1, t))
      .then([started(1, t)]);
    given([registered, started(1, t)])
      .when(startHandOff(1, later(claimMs - 1)))
      .thenNothing();
    given([registered, started(1, t)])
      .when(startHandOff(1, later(claimMs)))
      .then([started(1, later(claimMs))]);
  });

  it('claims nothing for an attempt out of turn or once handed off; closes the claim with the outcome', () => {
    given([registered]).when(startHandOff(2, t)).thenNothing();
    given([registered, started(1, t), handedOff])
      .when(startHandOff(2, later(1)))
      .thenNothing();
    expect(fold(transportHandOff, [registered, started(1, t), handedOff]).push.claim).toBeNull();
    expect(fold(transportHandOff, [registered, started(1, t), failedAttempt(1)]).push.claim).toBeNull();
  });

  it('refuses a claim of no positive whole length', () => {
    given([registered])
      .when({ type: 'StartHandOff', data: { attempt: 1, claimMs: 0, now: t } })
      .thenRefused('INVALID_COMMAND');
  });
});
