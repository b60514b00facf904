import { orderStreamName } from '../../domain/outbound-order/index.ts';
import { onOrder, orders } from '../commands/aggregates.ts';
import { type Cause, loadState } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';
import { callContextOf } from '../commands/cause.ts';
import type { CancelInstruction } from '../ports/warehouse.ts';

/**
 * A cancellation while the WMS holds the order: ask the warehouse to intercept it and record the
 * answer. A warehouse that cannot be reached counts as "could not intercept": the order goes back
 * to waiting for its shipment and a person is told, so the customer's request is not silently lost.
 */
export const interceptOutbound = async (deps: Dependencies, orderNo: string, cancelRequestId: string, cause: Cause): Promise<void> => {
  const state = await loadState(deps, orders, orderStreamName(orderNo));
  if (state.status !== 'CANCEL_REQUESTED' || state.pendingCancel !== cancelRequestId) return;
  const outcome = await deps.warehouse.cancelOutbound(
    {
      orderNo,
      warehouseCode: state.warehouseCode,
      outboundNo: state.outboundNo,
      reason: 'cancellation requested',
    },
    callContextOf(cause),
  );
  const now = deps.clock.now();
  if (!outcome.ok) {
    await deps.alerting.raise({
      key: `intercept-unreachable:${orderNo}:${cancelRequestId}`,
      kind: 'MANUAL_INTERVENTION',
      subject: orderStreamName(orderNo),
      message: `could not ask ${state.warehouseCode} to cancel order ${orderNo}: ${outcome.error}; cancel it with the warehouse by hand`,
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
 * closed before the push answer came back). Nothing to record on the order; a failure or a
 * "too late" goes to a person.
 */
export const withdrawFromWarehouse = async (deps: Dependencies, instruction: CancelInstruction, alertKey: string): Promise<void> => {
  const outcome = await deps.warehouse.cancelOutbound(instruction);
  if (outcome.ok && outcome.value.intercepted) return;
  await deps.alerting.raise({
    key: alertKey,
    kind: 'MANUAL_INTERVENTION',
    subject: orderStreamName(instruction.orderNo),
    message: `${instruction.warehouseCode} still holds order ${instruction.orderNo}${instruction.outboundNo === null ? '' : ` (${instruction.outboundNo})`}: ${outcome.ok ? outcome.value.detail : outcome.error}`,
    details: { ...instruction, outcome },
    raisedAt: deps.clock.now(),
  });
};
