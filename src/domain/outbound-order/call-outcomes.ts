/**
 * Facts about the outcomes of the hub's own calls (docs/architecture.md#requests-and-facts): a
 * reservation round held or short, a push to the WMS accepted or failed (docs/architecture.md#retries).
 */
import { refuse } from '../kernel/refused.ts';
import { claimFor, judgePushFailure, nextAttempt, retryScheduledData } from '../kernel/push-attempts.ts';
import { jitterProblems, retryPolicyProblems } from '../kernel/retry-policy.ts';
import type { RecordPushFailed, RecordPushSucceeded, RecordStockReserved, RecordStockShort, StartPush } from './commands.ts';
import type { OrderEvent } from './events.ts';
import { anomaly } from './anomaly.ts';
import { applyShortagePolicy } from './shortage-policy.ts';
import { alreadyApplied, fact, isTerminalOrder, openQuantity, type OrderState, pushIsDue } from './state.ts';

/** The order waits for this round's outcome: it is the current round and nothing was reserved yet (older rounds are superseded). */
const awaitsRound = (state: OrderState, reservationNo: number): boolean =>
  reservationNo === state.reservationNo && state.status === 'CREATED';

export const recordStockReserved = (command: RecordStockReserved, state: OrderState): OrderEvent[] => {
  const d = command.data;
  if (alreadyApplied(state, fact.reservationOutcome(d.reservationNo)) || !awaitsRound(state, d.reservationNo)) return [];
  return [{ type: 'StockReserved', data: { reservationNo: state.reservationNo, warehouseCode: state.warehouseCode, reservedAt: d.now } }];
};

export const recordStockShort = (command: RecordStockShort, state: OrderState): OrderEvent[] => {
  const d = command.data;
  if (alreadyApplied(state, fact.reservationOutcome(d.reservationNo)) || !awaitsRound(state, d.reservationNo)) return [];
  const open = new Map(state.lines.map((line) => [line.sku, openQuantity(line)]));
  const short = d.shortfalls
    .map((s) => ({ sku: s.sku, quantity: Math.min(open.get(s.sku) ?? 0, Math.max(0, s.requested - Math.max(0, s.available))) }))
    .filter((line) => line.quantity > 0);
  if (short.length === 0) return [];
  return [
    {
      type: 'StockShortageDetected',
      data: {
        source: 'RESERVATION',
        warehouseCode: state.warehouseCode,
        lines: short,
        reportKey: fact.reservationOutcome(d.reservationNo),
        detectedAt: d.now,
      },
    },
    ...applyShortagePolicy(state, short, 'RESERVATION', d.alternativeWarehouse, d.now),
  ];
};

// Push attempts are numbered 1, 2, … over the order's life and made one at a time. A redelivered
// outcome is the applied fact `push:N`. Apart from redelivery, an outcome is news only for the
// next number: one at or below the latest that is not an applied fact was never made (0 or less)
// or was skipped by an outcome recorded after close, and is ignored; one beyond the next is
// refused while the order is open.

/** At or below the latest attempt: no outcome for it can be news. */
const attemptPassed = (state: OrderState, attempt: number): boolean => attempt < nextAttempt(state.push);

const notTheNextAttempt = (state: OrderState, attempt: number): string =>
  `attempt ${attempt} reported, but the next attempt is ${nextAttempt(state.push)}`;

/** A push is claimed only while it is due and the attempt is the next one; otherwise nothing (another caller got there first). */
export const startPush = (command: StartPush, state: OrderState): OrderEvent[] => {
  const claim = claimFor(state.push, state.warehouseCode, command.data);
  return claim === null || !pushIsDue(state, command.data.now) ? [] : [{ type: 'PushStarted', data: claim }];
};

export const recordPushSucceeded = (command: RecordPushSucceeded, state: OrderState): OrderEvent[] => {
  const d = command.data;
  const outcome = fact.pushOutcome(d.attempt);
  if (alreadyApplied(state, outcome) || attemptPassed(state, d.attempt)) return [];
  const consumed = { factKeys: [outcome], attempt: d.attempt, outboundNo: d.outboundNo, warehouseCode: d.warehouseCode };
  if (isTerminalOrder(state)) {
    // a late answer from the warehouse it shipped from changes nothing; from any other, it holds an order it must drop
    if (state.status === 'SHIPPED' && d.warehouseCode === state.warehouseCode) return [];
    return [
      anomaly(
        state,
        'PUSHED_AFTER_CLOSE',
        `${d.warehouseCode} accepted order ${state.orderNo} as ${d.outboundNo} after it was ${state.status}`,
        d.now,
        consumed,
      ),
    ];
  }
  if (d.attempt !== nextAttempt(state.push)) return refuse('ATTEMPT_OUT_OF_SEQUENCE', notTheNextAttempt(state, d.attempt));
  if (d.warehouseCode !== state.warehouseCode) {
    return [
      anomaly(
        state,
        'PUSHED_TO_PREVIOUS_WAREHOUSE',
        `${d.warehouseCode} accepted order ${state.orderNo} as ${d.outboundNo} after it moved to ${state.warehouseCode}`,
        d.now,
        consumed,
      ),
    ];
  }
  const succeeded: OrderEvent = {
    type: 'PushSucceeded',
    data: { attempt: d.attempt, warehouseCode: d.warehouseCode, outboundNo: d.outboundNo, pushedAt: d.now },
  };
  if (state.outboundNo !== null && state.outboundNo !== d.outboundNo) {
    return [
      succeeded,
      anomaly(state, 'OUTBOUND_NO_MISMATCH', `the WMS answered ${d.outboundNo}; it had answered ${state.outboundNo}`, d.now),
    ];
  }
  return [succeeded];
};

export const recordPushFailed = (command: RecordPushFailed, state: OrderState): OrderEvent[] => {
  const d = command.data;
  const policyProblems = retryPolicyProblems(d.policy);
  if (policyProblems.length > 0) return refuse('INVALID_COMMAND', `retry policy: ${policyProblems.join('; ')}`);
  const problems = jitterProblems(d.jitter);
  if (problems.length > 0)
    return refuse('INVALID_COMMAND', `push outcome: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems);
  if (alreadyApplied(state, fact.pushOutcome(d.attempt)) || isTerminalOrder(state) || attemptPassed(state, d.attempt)) return [];
  if (d.attempt !== nextAttempt(state.push)) return refuse('ATTEMPT_OUT_OF_SEQUENCE', notTheNextAttempt(state, d.attempt));
  const failed: OrderEvent = { type: 'PushFailed', data: { attempt: d.attempt, error: d.error, retryable: d.retryable, failedAt: d.now } };
  const awaitingPush = (state.status === 'RESERVED' || state.status === 'PUSH_FAILED') && d.warehouseCode === state.warehouseCode;
  if (!awaitingPush) return [failed];
  const verdict = judgePushFailure(state.push, d);
  if (verdict.kind === 'retry') return [failed, { type: 'PushRetryScheduled', data: retryScheduledData(d, verdict.dueAt) }];
  const reason = verdict.reason === 'NOT_RETRYABLE' ? 'PUSH_REJECTED' : 'PUSH_ATTEMPTS_EXHAUSTED';
  const why = verdict.reason === 'NOT_RETRYABLE' ? 'the WMS refused it' : `${d.attempt - state.push.roundStart} attempts failed`;
  return [
    failed,
    { type: 'ManualInterventionRequired', data: { reason, detail: `push to ${d.warehouseCode}: ${why}: ${d.error}`, at: d.now } },
  ];
};
