import { describe, expect, it } from 'vitest';
import { fold } from '../../../src/domain/kernel/decider.ts';
import { type OrderCommand, type OrderEvent, outboundOrder, pushIsDue } from '../../../src/domain/outbound-order/index.ts';
import { specFor } from '../../support/decider-spec.ts';
import {
  anomaly,
  at,
  atTheWms,
  failed,
  placedAndReserved,
  pushFailed,
  pushOk,
  pushed,
  resolve,
  retryNow,
  retryScheduled,
} from './order-fixtures.ts';

const { given } = specFor(outboundOrder);
const manual = (reason: 'PUSH_ATTEMPTS_EXHAUSTED' | 'PUSH_REJECTED', detail: string, when: string) =>
  ({ type: 'ManualInterventionRequired', data: { reason, detail, at: when } }) as const;

describe('pushing the order to the WMS (docs/contracts.md#outbound-instruction, #retry-policy)', () => {
  it('keeps the outboundNo the WMS answered and becomes PUSHED_TO_WMS', () => {
    const state = given(placedAndReserved())
      .when(pushOk(1))
      .then([pushed(1)]);
    expect(state).toMatchObject({ status: 'PUSHED_TO_WMS', outboundNo: 'WMS202511220001' });
  });

  it('retries a failed push with exponential backoff: 1 minute, then 2', () => {
    given(placedAndReserved())
      .when(pushFailed(1, at(2)))
      .then([failed(1, at(2)), retryScheduled(2, at(3))]);
    given([...placedAndReserved(), failed(1, at(2)), retryScheduled(2, at(3))])
      .when(pushFailed(2, at(3)))
      .then([failed(2, at(3)), retryScheduled(3, at(5))]);
  });

  it('after the third failed attempt asks a person to step in', () => {
    const history = [...placedAndReserved(), failed(1, at(2)), retryScheduled(2, at(3)), failed(2, at(3)), retryScheduled(3, at(5))];
    const state = given(history)
      .when(pushFailed(3, at(5)))
      .then([failed(3, at(5)), manual('PUSH_ATTEMPTS_EXHAUSTED', 'push to WH001: 3 attempts failed: HTTP 503', at(5))]);
    expect(state.status).toBe('MANUAL_INTERVENTION');
  });

  it('gives up at once when the WMS rejects the order outright', () => {
    given(placedAndReserved())
      .when(pushFailed(1, at(2), false))
      .then([failed(1, at(2), false), manual('PUSH_REJECTED', 'push to WH001: the WMS refused it: HTTP 400 invalid consignee', at(2))]);
  });

  it('recognises a redelivered outcome by its attempt number', () => {
    given(atTheWms()).when(pushOk(1)).thenNothing();
    given([...placedAndReserved(), failed(1, at(2)), retryScheduled(2, at(3))])
      .when(pushFailed(1, at(2)))
      .thenNothing();
  });

  it('refuses an outcome for an attempt that has not been made', () => {
    given(placedAndReserved()).when(pushOk(3)).thenRefused('ATTEMPT_OUT_OF_SEQUENCE');
  });

  it('ignores an outcome for a number no attempt can have: 0, or one skipped by an outcome recorded after close', () => {
    given(placedAndReserved()).when(pushOk(0)).thenNothing();
    given(placedAndReserved())
      .when(pushFailed(0, at(2)))
      .thenNothing();
    const cancelled: OrderEvent = {
      type: 'OrderCancelled',
      data: {
        requestId: 'cancel-1',
        reason: 'customer',
        lines: [{ sku: 'SKU001', quantity: 2 }],
        warehouseCode: 'WH001',
        reservationNo: 1,
        skus: ['SKU001'],
        withdrawFrom: null,
        cancelledAt: at(2),
      },
    };
    const lateAnswer = anomaly('PUSHED_AFTER_CLOSE', 'WH001 accepted order OMS202511220001 as WMS-LATE after it was CANCELLED', at(3), {
      factKeys: ['push:3'],
      attempt: 3,
      outboundNo: 'WMS-LATE',
    });
    given([...placedAndReserved(), cancelled])
      .when(pushOk(3, 'WMS-LATE', 'WH001', at(3)))
      .then([lateAnswer]);
    given([...placedAndReserved(), cancelled, lateAnswer])
      .when(pushOk(2, 'WMS-LATE', 'WH001', at(4)))
      .thenNothing();
  });

  it('flags a second, different outboundNo for the same order and keeps the first', () => {
    const state = given(atTheWms())
      .when(pushOk(2, 'WMS-B', 'WH001', at(3)))
      .then([pushed(2, 'WMS-B', at(3)), anomaly('OUTBOUND_NO_MISMATCH', 'the WMS answered WMS-B; it had answered WMS202511220001', at(3))]);
    expect(state.outboundNo).toBe('WMS202511220001');
  });
});

describe('a person steps in', () => {
  const exhausted = [
    ...placedAndReserved(),
    failed(1, at(2)),
    retryScheduled(2, at(3)),
    failed(2, at(3)),
    retryScheduled(3, at(5)),
    failed(3, at(5)),
    manual('PUSH_ATTEMPTS_EXHAUSTED', 'push to WH001: 3 attempts failed: HTTP 503', at(5)),
  ];

  it('retry now starts a fresh round of attempts', () => {
    const state = given(exhausted)
      .when(retryNow('retry-1', at(30)))
      .then([
        { type: 'RetryRequested', data: { requestId: 'retry-1', step: 'PUSH', newRound: true, requestedBy: 'ops', requestedAt: at(30) } },
      ]);
    expect(state).toMatchObject({ status: 'RESERVED', push: { total: 3, roundStart: 3 } });
    given([
      ...exhausted,
      { type: 'RetryRequested', data: { requestId: 'retry-1', step: 'PUSH', newRound: true, requestedBy: 'ops', requestedAt: at(30) } },
    ])
      .when(pushFailed(4, at(31)))
      .then([failed(4, at(31)), retryScheduled(5, at(32))]);
  });

  it('retry now while a retry is waiting pushes at once, in the same round', () => {
    given([...placedAndReserved(), failed(1, at(2)), retryScheduled(2, at(3))])
      .when(retryNow('retry-2', at(2)))
      .then([
        { type: 'RetryRequested', data: { requestId: 'retry-2', step: 'PUSH', newRound: false, requestedBy: 'ops', requestedAt: at(2) } },
      ]);
  });

  it('nothing to retry on an order the WMS already has', () => {
    given(atTheWms()).when(retryNow()).thenRefused('NOTHING_TO_RETRY');
  });

  it('resolving means the order reached the WMS by other means', () => {
    const state = given(exhausted)
      .when(resolve('WMS-MANUAL-1'))
      .then([
        {
          type: 'ManualInterventionResolved',
          data: {
            requestId: 'resolve-1',
            outboundNo: 'WMS-MANUAL-1',
            note: 'keyed in by the warehouse',
            resolvedBy: 'ops',
            resolvedAt: at(30),
          },
        },
      ]);
    expect(state).toMatchObject({ status: 'PUSHED_TO_WMS', outboundNo: 'WMS-MANUAL-1' });
    given(atTheWms()).when(resolve('X')).thenRefused('NOT_IN_MANUAL_INTERVENTION');
    given(exhausted).when(resolve(' ')).thenRefused('INVALID_COMMAND');
  });
});

describe('when the push is due', () => {
  it('as soon as stock is reserved; after a failure, once its retry comes due and not a moment before; never once the WMS has it', () => {
    expect(pushIsDue(fold(outboundOrder, placedAndReserved().slice(0, 2)), at(1))).toBe(false);
    expect(pushIsDue(fold(outboundOrder, placedAndReserved()), at(1))).toBe(true);
    const failedOnce = fold(outboundOrder, [...placedAndReserved(), failed(1, at(2)), retryScheduled(2, at(3))]);
    expect(pushIsDue(failedOnce, new Date(Date.parse(at(3)) - 1).toISOString())).toBe(false);
    expect(pushIsDue(failedOnce, at(3))).toBe(true);
    expect(pushIsDue(fold(outboundOrder, atTheWms()), at(60))).toBe(false);
  });
});

describe('jitter on a retry (docs/architecture.md#retries): drawn by the application, recorded with the deadline', () => {
  const withJitter = (command: OrderCommand, jitter: number): OrderCommand =>
    command.type === 'RecordPushFailed' ? { ...command, data: { ...command.data, jitter } } : command;
  const jittered = (attempt: number, dueAt: string, jitter: number): OrderEvent => ({
    type: 'PushRetryScheduled',
    data: { attempt, dueAt, jitter },
  });

  it('given a reserved order, when the push fails with a jitter of 0.5, the retry is due after half the first minute, and says so', () => {
    const state = given(placedAndReserved())
      .when(withJitter(pushFailed(1, at(2)), 0.5))
      .then([failed(1, at(2)), jittered(2, '2025-11-22T02:02:30.000Z', 0.5)]);
    expect(state.push.nextAttemptAt).toBe('2025-11-22T02:02:30.000Z');
  });

  it('given a jittered retry, when it fails again with another jitter, the next window is the doubled backoff', () => {
    given([...placedAndReserved(), failed(1, at(2)), jittered(2, '2025-11-22T02:02:30.000Z', 0.5)])
      .when(withJitter(pushFailed(2, '2025-11-22T02:02:30.000Z'), 0.25))
      .then([failed(2, '2025-11-22T02:02:30.000Z'), jittered(3, '2025-11-22T02:03:00.000Z', 0.25)]);
  });

  it('given a late retry, when a jitter of 0 would put the deadline before the previous one, it comes 1 ms after it', () => {
    given([...placedAndReserved(), failed(1, at(2)), retryScheduled(2, at(3))])
      .when(withJitter(pushFailed(2, at(2)), 0))
      .then([failed(2, at(2)), jittered(3, '2025-11-22T02:03:00.001Z', 0)]);
  });

  it('when the attempts of the round are exhausted, the jitter changes nothing: a person is asked', () => {
    const history = [...placedAndReserved(), failed(1, at(2)), retryScheduled(2, at(3)), failed(2, at(3)), retryScheduled(3, at(5))];
    given(history)
      .when(withJitter(pushFailed(3, at(5)), 0.5))
      .then([failed(3, at(5)), manual('PUSH_ATTEMPTS_EXHAUSTED', 'push to WH001: 3 attempts failed: HTTP 503', at(5))]);
  });

  it('refuses a jitter outside [0, 1), naming it', () => {
    for (const jitter of [1, -0.5, Number.NaN]) {
      given(placedAndReserved())
        .when(withJitter(pushFailed(1, at(2)), jitter))
        .thenRefusedNaming('INVALID_COMMAND', 'push outcome', [
          { path: 'jitter', message: 'must be a number from 0 up to, not including, 1' },
        ]);
    }
  });
});

describe('claiming a push before the WMS is called (docs/architecture.md#claimed-calls)', () => {
  const claimMs = 30_000;
  const startPush = (attempt: number, now: string): OrderCommand => ({ type: 'StartPush', data: { attempt, claimMs, now } });
  const started = (attempt: number, now: string, target = 'WH001'): OrderEvent => ({
    type: 'PushStarted',
    data: { attempt, target, startedAt: now, expiresAt: new Date(Date.parse(now) + claimMs).toISOString() },
  });

  it('claims the next attempt for the warehouse while the push is due', () => {
    const state = given(placedAndReserved())
      .when(startPush(1, at(2)))
      .then([started(1, at(2))]);
    expect(state.push.claim).toEqual({ attempt: 1, target: 'WH001', expiresAt: new Date(Date.parse(at(2)) + claimMs).toISOString() });
    expect(pushIsDue(state, at(2))).toBe(false);
  });

  it('claims nothing while another caller’s claim stands, up to the millisecond it runs out; then claims the same attempt again', () => {
    const claimed = [...placedAndReserved(), started(1, at(2))];
    given(claimed)
      .when(startPush(1, at(2)))
      .thenNothing();
    const lastMoment = new Date(Date.parse(at(2)) + claimMs - 1).toISOString();
    given(claimed).when(startPush(1, lastMoment)).thenNothing();
    const expiry = new Date(Date.parse(at(2)) + claimMs).toISOString();
    given(claimed)
      .when(startPush(1, expiry))
      .then([started(1, expiry)]);
  });

  it('claims nothing for an attempt that is not the next one, nor when no push is due', () => {
    given(placedAndReserved())
      .when(startPush(2, at(2)))
      .thenNothing();
    given(atTheWms())
      .when(startPush(2, at(3)))
      .thenNothing();
    given([...placedAndReserved(), failed(1, at(2)), retryScheduled(2, at(3))])
      .when(startPush(2, at(2)))
      .thenNothing();
    given([...placedAndReserved(), failed(1, at(2)), retryScheduled(2, at(3))])
      .when(startPush(2, at(3)))
      .then([started(2, at(3))]);
  });

  it('lets the outcome close the claim: a success or a failure records it as before, and a due retry can be claimed at once', () => {
    const afterSuccess = given([...placedAndReserved(), started(1, at(2))])
      .when(pushOk(1))
      .then([pushed(1)]);
    expect(afterSuccess.push.claim).toBeNull();
    const afterFailure = given([...placedAndReserved(), started(1, at(2))])
      .when(pushFailed(1, at(2)))
      .then([failed(1, at(2)), retryScheduled(2, at(3))]);
    expect(afterFailure.push.claim).toBeNull();
    expect(pushIsDue(afterFailure, at(3))).toBe(true);
  });

  it('does not let a claim on the warehouse the order left hold up the push to the new one', () => {
    const moved = fold(outboundOrder, [
      ...placedAndReserved(),
      started(1, at(2)),
      failed(1, at(2)),
      { type: 'PushStarted', data: { attempt: 2, target: 'WH001', startedAt: at(3), expiresAt: at(60) } },
    ]);
    expect(pushIsDue({ ...moved, status: 'RESERVED', warehouseCode: 'WH002' }, at(4))).toBe(true);
    expect(pushIsDue({ ...moved, status: 'RESERVED' }, at(4))).toBe(false);
  });

  it('refuses a claim of no positive whole length', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      given(placedAndReserved())
        .when({ type: 'StartPush', data: { attempt: 1, claimMs: bad, now: at(2) } })
        .thenRefused('INVALID_COMMAND');
    }
  });
});
