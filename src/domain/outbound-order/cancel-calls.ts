/**
 * Cancels sent to a warehouse, claimed before they are made (docs/architecture.md#claimed-calls),
 * as pushes are: the intercept a cancellation asks for, and the withdrawal of an order a warehouse
 * may hold after the order moved away or closed. Whoever records the claim (`CancelCallStarted`)
 * makes the call; another caller that finds it standing does not. The outcome closes it
 * (`OrderCancelled` or `InterceptFailed` for an intercept, `WithdrawalAnswered` for a withdrawal); a
 * claim whose caller died runs out at `expiresAt`, and the call may then be claimed and made again.
 */
import { claimHolds, claimPeriod } from '../kernel/push-attempts.ts';
import type { Instant } from '../kernel/instant.ts';
import type { CancelCall, RecordWithdrawalOutcome, StartCancelCall } from './commands.ts';
import type { OrderEvent } from './events.ts';
import { type CancelCallClaim, type OrderState, alreadyApplied, fact } from './state.ts';

type CallId = Readonly<{ kind: CancelCallClaim['kind']; id: string }>;

const sameCall = (claim: CallId, call: CallId): boolean => claim.kind === call.kind && claim.id === call.id;

/** The claim on this call that stands at `now`, if any. */
const claimOn = (state: OrderState, call: CallId, now: Instant): CancelCallClaim | undefined =>
  state.cancelCalls.find((claim) => sameCall(claim, call) && claimHolds(claim, now));

/** The claims with the one on this call closed (answered, or no longer wanted). */
export const withoutCancelCall = (state: OrderState, call: CallId): readonly CancelCallClaim[] =>
  state.cancelCalls.some((claim) => sameCall(claim, call))
    ? state.cancelCalls.filter((claim) => !sameCall(claim, call))
    : state.cancelCalls;

/**
 * The call is wanted and not answered: an intercept while its cancellation waits for it, a
 * withdrawal until the warehouse's answer is recorded.
 */
const callIsWanted = (state: OrderState, call: CancelCall): boolean =>
  call.kind === 'INTERCEPT'
    ? state.status === 'CANCEL_REQUESTED' && state.pendingCancel === call.id && !alreadyApplied(state, fact.interceptOutcome(call.id))
    : !alreadyApplied(state, fact.withdrawalOutcome(call.id));

/** The call is due: wanted, and no claim on it stands (another caller is making it). */
export const cancelCallIsDue = (state: OrderState, call: CancelCall, now: Instant): boolean =>
  callIsWanted(state, call) && claimOn(state, call, now) === undefined;

/** A cancel call is claimed only while it is due; otherwise nothing (another caller claimed it, or its outcome came). */
export const startCancelCall = (command: StartCancelCall, state: OrderState): OrderEvent[] => {
  const { call, claimMs, now } = command.data;
  const period = claimPeriod(claimMs, now);
  if (!cancelCallIsDue(state, call, now)) return [];
  const sent =
    call.kind === 'INTERCEPT'
      ? { warehouseCode: state.warehouseCode, outboundNo: state.outboundNo, reason: 'cancellation requested' }
      : { warehouseCode: call.warehouseCode, outboundNo: call.outboundNo, reason: call.reason };
  return [{ type: 'CancelCallStarted', data: { kind: call.kind, id: call.id, ...sent, ...period } }];
};

/** A withdrawal's answer is recorded once, whether or not the order is still open. */
export const recordWithdrawal = (command: RecordWithdrawalOutcome, state: OrderState): OrderEvent[] => {
  const d = command.data;
  if (alreadyApplied(state, fact.withdrawalOutcome(d.withdrawalId))) return [];
  return [{ type: 'WithdrawalAnswered', data: { withdrawalId: d.withdrawalId, withdrawn: d.withdrawn, detail: d.detail, at: d.now } }];
};
