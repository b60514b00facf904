import { type CancelCall, orderStreamName } from '../../domain/outbound-order/index.ts';
import { onOrder, orders } from '../commands/aggregates.ts';
import { type Cause, loadState } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';
import { callContextOf } from '../commands/cause.ts';
import type { CancelInstruction } from '../ports/warehouse.ts';

type Withdrawal = Extract<CancelCall, Readonly<{ kind: 'WITHDRAW' }>>;

/**
 * Claim the cancel call in the order's stream (`CancelCallStarted`, appended at the revision read)
 * and answer what to send; null when it is not due: another caller claimed it (of two processes
 * that both found it due, the one whose claim lost the append calls nothing), or its outcome came.
 */
const claimCancel = async (deps: Dependencies, orderNo: string, call: CancelCall, cause: Cause): Promise<CancelInstruction | null> => {
  const claimed = await onOrder(
    deps,
    orderNo,
    { type: 'StartCancelCall', data: { call, claimMs: deps.callClaimMs, now: deps.clock.now() } },
    cause,
  );
  if (claimed.events.length === 0) return null;
  const claim = claimed.state.cancelCalls.find((standing) => standing.kind === call.kind && standing.id === call.id);
  return claim === undefined ? null : { orderNo, warehouseCode: claim.warehouseCode, outboundNo: claim.outboundNo, reason: claim.reason };
};

/**
 * A cancellation while the WMS holds the order: ask the warehouse to intercept it and record the
 * answer. A warehouse that cannot be reached counts as "could not intercept": the order goes back
 * to waiting for its shipment and a person is told, so the customer's request is not silently lost.
 * The call is claimed first (docs/architecture.md#claimed-calls): made once, however many callers.
 */
export const interceptOutbound = async (deps: Dependencies, orderNo: string, cancelRequestId: string, cause: Cause): Promise<void> => {
  const instruction = await claimCancel(deps, orderNo, { kind: 'INTERCEPT', id: cancelRequestId }, cause);
  if (instruction === null) return;
  const outcome = await deps.warehouse.cancelOutbound(instruction, callContextOf(cause));
  const now = deps.clock.now();
  if (!outcome.ok) {
    await deps.alerting.raise({
      key: `intercept-unreachable:${orderNo}:${cancelRequestId}`,
      kind: 'MANUAL_INTERVENTION',
      subject: orderStreamName(orderNo),
      message: `could not ask ${instruction.warehouseCode} to cancel order ${orderNo}: ${outcome.error}; cancel it with the warehouse by hand`,
      details: { orderNo, cancelRequestId, error: outcome.error },
      raisedAt: now,
    });
  }
  const answer = outcome.ok ? outcome.value : { intercepted: false, detail: `the warehouse could not be reached: ${outcome.error}` };
  await onOrder(
    deps,
    orderNo,
    { type: 'RecordInterceptOutcome', data: { cancelRequestId, intercepted: answer.intercepted, detail: answer.detail, now } },
    cause,
  );
};

/**
 * Tell a warehouse to drop an order the hub no longer wants there (it moved elsewhere, or was
 * closed before the push answer came back), claimed first like the intercept, and record its
 * answer (`WithdrawalAnswered`); a failure or a "too late" goes to a person.
 */
export const withdrawFromWarehouse = async (deps: Dependencies, orderNo: string, withdrawal: Withdrawal, cause: Cause): Promise<void> => {
  const instruction = await claimCancel(deps, orderNo, withdrawal, cause);
  if (instruction === null) return;
  const outcome = await deps.warehouse.cancelOutbound(instruction, callContextOf(cause));
  const withdrawn = outcome.ok && outcome.value.intercepted;
  const detail = outcome.ok ? outcome.value.detail : `the warehouse could not be reached: ${outcome.error}`;
  const now = deps.clock.now();
  await onOrder(deps, orderNo, { type: 'RecordWithdrawalOutcome', data: { withdrawalId: withdrawal.id, withdrawn, detail, now } }, cause);
  if (withdrawn) return;
  await deps.alerting.raise({
    key: `withdraw:${withdrawal.id}`,
    kind: 'MANUAL_INTERVENTION',
    subject: orderStreamName(orderNo),
    message: `${instruction.warehouseCode} still holds order ${orderNo}${instruction.outboundNo === null ? '' : ` (${instruction.outboundNo})`}: ${outcome.ok ? outcome.value.detail : outcome.error}`,
    details: { ...instruction, outcome },
    raisedAt: now,
  });
};

/** Make again each claimed cancel call of the order whose claim ran out with no outcome (its caller died): the retry index's work. */
export const remakeCancelCalls = async (deps: Dependencies, orderNo: string, cause: Cause): Promise<void> => {
  const state = await loadState(deps, orders, orderStreamName(orderNo));
  for (const claim of state.cancelCalls) {
    if (claim.kind === 'INTERCEPT') await interceptOutbound(deps, orderNo, claim.id, cause);
    else {
      const { id, warehouseCode, outboundNo, reason } = claim;
      await withdrawFromWarehouse(deps, orderNo, { kind: 'WITHDRAW', id, warehouseCode, outboundNo, reason }, cause);
    }
  }
};
