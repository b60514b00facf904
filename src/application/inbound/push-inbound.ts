import { inboundStreamName, pushIsDue } from '../../domain/inbound-order/index.ts';
import { inboundOrders, onInbound } from '../commands/aggregates.ts';
import { type Cause, loadState } from '../commands/handle-command.ts';
import { callContextOf } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';

/**
 * Tell the WMS to expect a receipt (a purchase or a customer return) when the inbound order is
 * created, retried by a person, or its retry is due; record the outcome under the next attempt.
 */
export const pushInbound = async (deps: Dependencies, inboundNo: string, cause: Cause): Promise<void> => {
  const state = await loadState(deps, inboundOrders, inboundStreamName(inboundNo));
  if (state.inbound === null || !pushIsDue(state, deps.clock.now())) return;
  const { inbound } = state;
  const attempt = state.push.total + 1;
  const outcome = await deps.warehouse.createInbound(
    {
      inboundNo,
      kind: inbound.kind,
      warehouseCode: inbound.warehouseCode,
      supplier: inbound.supplier,
      poNumber: inbound.poNumber,
      returnNo: inbound.returnNo,
      lines: inbound.lines,
    },
    callContextOf(cause),
  );
  const now = deps.clock.now();
  await onInbound(
    deps,
    outcome.ok
      ? { type: 'RecordInboundPushSucceeded', data: { inboundNo, attempt, wmsInboundNo: outcome.value.wmsInboundNo, now } }
      : {
          type: 'RecordInboundPushFailed',
          data: {
            inboundNo,
            attempt,
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
