import { describe, expect, it } from 'vitest';
import { fold } from '../../../src/domain/kernel/decider.ts';
import { outboundOrder } from '../../../src/domain/outbound-order/index.ts';
import type { CancelCall, OrderCommand, OrderEvent } from '../../../src/domain/outbound-order/index.ts';
import { specFor } from '../../support/decider-spec.ts';
import { at, atTheWms, cancellationRequested, intercept, line, picking, placedAndReserved, shipped } from './order-fixtures.ts';

const { given } = specFor(outboundOrder);
const claimMs = 30_000;
const plus = (instant: string, ms: number): string => new Date(Date.parse(instant) + ms).toISOString();

const theIntercept: CancelCall = { kind: 'INTERCEPT', id: 'cancel-1' };
const aWithdrawal: CancelCall = { kind: 'WITHDRAW', id: 'event-7', warehouseCode: 'WH001', outboundNo: null, reason: 'cancelled: x' };
const startCall = (call: CancelCall, now: string): OrderCommand => ({ type: 'StartCancelCall', data: { call, claimMs, now } });
const interceptStarted = (now: string): OrderEvent => ({
  type: 'CancelCallStarted',
  data: {
    kind: 'INTERCEPT',
    id: 'cancel-1',
    warehouseCode: 'WH001',
    outboundNo: 'WMS202511220001',
    reason: 'cancellation requested',
    startedAt: now,
    expiresAt: plus(now, claimMs),
  },
});
const withdrawalStarted = (now: string, id = 'event-7'): OrderEvent => ({
  type: 'CancelCallStarted',
  data: {
    kind: 'WITHDRAW',
    id,
    warehouseCode: 'WH001',
    outboundNo: null,
    reason: 'cancelled: x',
    startedAt: now,
    expiresAt: plus(now, claimMs),
  },
});
const withdrawalAnswer = (withdrawn: boolean, now = at(5)): OrderCommand => ({
  type: 'RecordWithdrawalOutcome',
  data: { withdrawalId: 'event-7', withdrawn, detail: withdrawn ? 'dropped' : 'already picked', now },
});
const withdrawalAnswered = (withdrawn: boolean, now = at(5)): OrderEvent => ({
  type: 'WithdrawalAnswered',
  data: { withdrawalId: 'event-7', withdrawn, detail: withdrawn ? 'dropped' : 'already picked', at: now },
});
/** Cancelled before the push answered: the warehouse a push went to may hold the order. */
const cancelledBeforeTheAnswer = (): OrderEvent[] => [
  ...placedAndReserved(),
  { type: 'PushFailed', data: { attempt: 1, error: 'timeout', retryable: true, failedAt: at(2) } },
  {
    type: 'OrderCancelled',
    data: {
      requestId: 'cancel-1',
      reason: 'x',
      lines: [line('SKU001', 2)],
      warehouseCode: 'WH001',
      reservationNo: 1,
      skus: ['SKU001'],
      withdrawFrom: { warehouseCode: 'WH001', outboundNo: null },
      cancelledAt: at(3),
    },
  },
];

describe('claiming an intercept before the warehouse is asked (docs/architecture.md#claimed-calls)', () => {
  const waiting = [...atTheWms(), picking(), cancellationRequested()];

  it('claims the intercept while its cancellation waits for it, naming the warehouse and its outbound order', () => {
    const state = given(waiting)
      .when(startCall(theIntercept, at(4)))
      .then([interceptStarted(at(4))]);
    expect(state.cancelCalls).toEqual([
      expect.objectContaining({ kind: 'INTERCEPT', id: 'cancel-1', warehouseCode: 'WH001', expiresAt: plus(at(4), claimMs) }),
    ]);
  });

  it('claims nothing while another caller’s claim stands, up to the millisecond it runs out; then claims it again', () => {
    const claimed = [...waiting, interceptStarted(at(4))];
    given(claimed)
      .when(startCall(theIntercept, at(4)))
      .thenNothing();
    given(claimed)
      .when(startCall(theIntercept, plus(at(4), claimMs - 1)))
      .thenNothing();
    given(claimed)
      .when(startCall(theIntercept, plus(at(4), claimMs)))
      .then([interceptStarted(plus(at(4), claimMs))]);
  });

  it('claims nothing when no cancellation waits for this intercept', () => {
    given([...atTheWms(), picking()])
      .when(startCall(theIntercept, at(4)))
      .thenNothing();
    given(waiting)
      .when(startCall({ kind: 'INTERCEPT', id: 'cancel-2' }, at(4)))
      .thenNothing();
  });

  it('lets the outcome close the claim, intercepted (cancelled) or not: the same intercept is not claimed again, even once the claim ran out', () => {
    const claimed = [...waiting, interceptStarted(at(4))];
    const late = plus(at(4), claimMs);
    for (const intercepted of [true, false]) {
      const outcome = outboundOrder.decide(intercept('cancel-1', intercepted, at(5)), fold(outboundOrder, claimed));
      expect(outcome.map((event) => event.type)).toEqual([intercepted ? 'OrderCancelled' : 'InterceptFailed']);
      expect(fold(outboundOrder, [...claimed, ...outcome]).cancelCalls).toEqual([]);
      given([...claimed, ...outcome])
        .when(startCall(theIntercept, late))
        .thenNothing();
    }
  });

  it('drops the claim when the order ships under it: the intercept is no longer wanted', () => {
    const shippedUnder = [...waiting, interceptStarted(at(4)), shipped()];
    expect(fold(outboundOrder, shippedUnder).cancelCalls).toEqual([]);
    given(shippedUnder)
      .when(startCall(theIntercept, plus(at(4), claimMs)))
      .thenNothing();
  });

  it('refuses a claim of no positive whole length', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      given(waiting)
        .when({ type: 'StartCancelCall', data: { call: theIntercept, claimMs: bad, now: at(4) } })
        .thenRefused('INVALID_COMMAND');
    }
  });
});

describe('claiming a withdrawal before the warehouse is told to drop the order', () => {
  it('claims it on the closed order, with what the application asks to send', () => {
    const state = given(cancelledBeforeTheAnswer())
      .when(startCall(aWithdrawal, at(4)))
      .then([withdrawalStarted(at(4))]);
    expect(state.status).toBe('CANCELLED');
    expect(state.cancelCalls).toEqual([expect.objectContaining({ kind: 'WITHDRAW', id: 'event-7', expiresAt: plus(at(4), claimMs) })]);
  });

  it('claims nothing while another caller’s claim stands; once it ran out with no answer, claims it again', () => {
    const claimed = [...cancelledBeforeTheAnswer(), withdrawalStarted(at(4))];
    given(claimed)
      .when(startCall(aWithdrawal, plus(at(4), claimMs - 1)))
      .thenNothing();
    given(claimed)
      .when(startCall(aWithdrawal, plus(at(4), claimMs)))
      .then([withdrawalStarted(plus(at(4), claimMs))]);
  });

  it('records the answer once, which closes the claim: the withdrawal is not claimed again', () => {
    const claimed = [...cancelledBeforeTheAnswer(), withdrawalStarted(at(4))];
    for (const withdrawn of [true, false]) {
      const state = given(claimed)
        .when(withdrawalAnswer(withdrawn))
        .then([withdrawalAnswered(withdrawn)]);
      expect(state.cancelCalls).toEqual([]);
      given([...claimed, withdrawalAnswered(withdrawn)])
        .when(withdrawalAnswer(withdrawn, at(6)))
        .thenNothing();
      given([...claimed, withdrawalAnswered(withdrawn)])
        .when(startCall(aWithdrawal, plus(at(4), claimMs)))
        .thenNothing();
    }
  });

  it('keeps a claim on one call from holding up another: a withdrawal and an intercept stand side by side', () => {
    const both = given([...atTheWms(), picking(), cancellationRequested(), withdrawalStarted(at(4))])
      .when(startCall(theIntercept, at(4)))
      .then([interceptStarted(at(4))]);
    expect(both.cancelCalls.map((claim) => claim.kind)).toEqual(['WITHDRAW', 'INTERCEPT']);
  });

  it('tells calls apart by kind and id: a withdrawal named as the intercept does not hold it up', () => {
    given([...atTheWms(), picking(), cancellationRequested(), withdrawalStarted(at(4), 'cancel-1')])
      .when(startCall(theIntercept, at(4)))
      .then([interceptStarted(at(4))]);
  });

  it('closes only the withdrawal answered: another one claimed beside it still stands', () => {
    const state = given([...cancelledBeforeTheAnswer(), withdrawalStarted(at(4)), withdrawalStarted(at(4), 'event-8')])
      .when(withdrawalAnswer(true))
      .then([withdrawalAnswered(true)]);
    expect(state.cancelCalls.map((claim) => claim.id)).toEqual(['event-8']);
  });
});
