import { Refused } from '../../domain/kernel/refused.ts';
import { type OrderState, orderStreamName } from '../../domain/outbound-order/index.ts';
import { onOrder, orders } from '../commands/aggregates.ts';
import { newFlow } from '../commands/cause.ts';
import { loadState } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';
import type { Requester } from '../outbound/order-requests.ts';

/**
 * A person says a backorder not yet placed will not be (the customer no longer wants it, or it
 * cannot be placed: docs/architecture.md#backorders). Recorded on the original order with its
 * quantities (`BackorderCancelled`), so what was owed is accounted as cancelled, and it leaves the
 * backorder book. One already placed is an order of its own: cancel that order instead.
 */
export const cancelBackorder = async (
  deps: Dependencies,
  orderNo: string,
  backorderNo: string,
  reason: string,
  who: Requester,
): Promise<Readonly<{ state: OrderState; changed: boolean }>> => {
  const placed = await loadState(deps, orders, orderStreamName(backorderNo));
  if (placed.status !== 'NONE') {
    throw new Refused('BACKORDER_ALREADY_PLACED', `backorder ${backorderNo} was placed as an order of its own: cancel that order instead`);
  }
  const now = deps.clock.now();
  const { state, events } = await onOrder(
    deps,
    orderNo,
    { type: 'CancelBackorder', data: { requestId: who.requestId, backorderNo, reason, requestedBy: who.requestedBy, now } },
    newFlow(who.requestId, now),
  );
  return { state, changed: events.length > 0 };
};
