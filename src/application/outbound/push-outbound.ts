import { nextAttempt } from '../../domain/kernel/push-attempts.ts';
import { type OrderState, openLines, orderStreamName, pushIsDue } from '../../domain/outbound-order/index.ts';
import { onOrder, orders } from '../commands/aggregates.ts';
import { type Cause, loadState } from '../commands/handle-command.ts';
import { callContextOf } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import type { OutboundInstruction } from '../ports/warehouse.ts';

const instructionFor = (state: OrderState): OutboundInstruction => {
  const batches = new Map(state.lines.map((line) => [line.sku, line.batchNo]));
  return {
    orderNo: state.orderNo,
    warehouseCode: state.warehouseCode,
    priority: state.priority,
    timeRequirement: state.timeRequirement,
    items: openLines(state).map((line) => {
      const batchNo = batches.get(line.sku);
      return batchNo === null || batchNo === undefined ? line : { ...line, batchNo };
    }),
    consignee: state.consignee ?? { name: '', phone: '', province: '', city: '', district: '', address: '' },
  };
};

/**
 * docs/contracts.md#outbound-instruction and docs/architecture.md#retries: send the outbound instruction when the order is reserved or its retry is
 * due, and record the outcome under the next attempt number (the order's retry policy decides
 * what a failure leads to). Safe to call at any time: an order that is not waiting is left alone.
 * The attempt is claimed in the order's stream first (`PushStarted`, appended at the revision read):
 * of two processes that both found the push due, the one whose claim lost the append calls nothing.
 */
export const pushOutbound = async (deps: Dependencies, orderNo: string, cause: Cause): Promise<void> => {
  const found = await loadState(deps, orders, orderStreamName(orderNo));
  if (!pushIsDue(found, deps.clock.now())) return;
  const attempt = nextAttempt(found.push);
  const claimed = await onOrder(
    deps,
    orderNo,
    { type: 'StartPush', data: { attempt, claimMs: deps.callClaimMs, now: deps.clock.now() } },
    cause,
  );
  if (claimed.events.length === 0) return;
  const { state } = claimed;
  const outcome = await deps.warehouse.createOutbound(instructionFor(state), callContextOf(cause));
  const now = deps.clock.now();
  await onOrder(
    deps,
    orderNo,
    outcome.ok
      ? { type: 'RecordPushSucceeded', data: { attempt, warehouseCode: state.warehouseCode, outboundNo: outcome.value.outboundNo, now } }
      : {
          type: 'RecordPushFailed',
          data: {
            attempt,
            warehouseCode: state.warehouseCode,
            error: outcome.error,
            retryable: outcome.retryable,
            retryAfterMs: outcome.retryAfterMs,
            jitter: deps.retryJitter?.fraction(),
            policy: deps.wmsRetryPolicy,
            now,
          },
        },
    cause,
  );
};
