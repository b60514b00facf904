import { nextAttempt } from '../../domain/kernel/push-attempts.ts';
import { waybillOfId } from '../../domain/kernel/waybill.ts';
import { handOffIsDue, shipmentStreamName } from '../../domain/transport-handoff/index.ts';
import { handOffs, onShipment } from '../commands/aggregates.ts';
import { type Cause, loadState } from '../commands/handle-command.ts';
import { callContextOf } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';

/**
 * docs/contracts.md#tms-hand-off: hand a shipment to transport when it is registered or its retry is due,
 * and record the outcome (the TMS retry policy decides what a failure leads to). A shipment that
 * is not waiting is left alone, so this is safe to call at any time. The shipment is named by its
 * stream's id, `{carrier}.{waybillNo}` (what a reaction or a due retry knows); an id that names no
 * carrier's waybill (a stream of a store written before waybills were per carrier) is left alone too.
 */
export const handOffShipment = async (deps: Dependencies, shipmentId: string, cause: Cause): Promise<void> => {
  const waybill = waybillOfId(shipmentId);
  if (waybill === null) return;
  const found = await loadState(deps, handOffs, shipmentStreamName(waybill));
  if (!handOffIsDue(found, deps.clock.now())) return;
  const attempt = nextAttempt(found.push);
  // claimed first, as an outbound push is (../outbound/push-outbound.ts): whoever loses the append calls nothing
  const claimed = await onShipment(
    deps,
    waybill,
    { type: 'StartHandOff', data: { attempt, claimMs: deps.callClaimMs, now: deps.clock.now() } },
    cause,
  );
  const { shipment } = claimed.state;
  if (claimed.events.length === 0 || shipment === null) return;
  const outcome = await deps.transport.pushShipment(shipment, callContextOf(cause));
  const now = deps.clock.now();
  await onShipment(
    deps,
    waybill,
    outcome.ok
      ? { type: 'RecordHandOffSucceeded', data: { attempt, transportRef: outcome.value.transportRef, now } }
      : {
          type: 'RecordHandOffFailed',
          data: {
            attempt,
            error: outcome.error,
            retryable: outcome.retryable,
            retryAfterMs: outcome.retryAfterMs,
            jitter: deps.retryJitter?.fraction(),
            policy: deps.tmsRetryPolicy,
            now,
          },
        },
    cause,
  );
};
