import { nextAttempt } from '../../domain/kernel/push-attempts.ts';
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
  const found = await loadState(deps, inboundOrders, inboundStreamName(inboundNo));
  if (!pushIsDue(found, deps.clock.now())) return;
  const attempt = nextAttempt(found.push);
  // claimed first, as an outbound push is (../outbound/push-outbound.ts): whoever loses the append calls nothing
  const claimed = await onInbound(
    deps,
    { type: 'StartInboundPush', data: { inboundNo, attempt, claimMs: deps.callClaimMs, now: deps.clock.now() } },
    cause,
  );
  const { inbound } = claimed.state;
  if (claimed.events.length === 0 || inbound === null) return;
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
