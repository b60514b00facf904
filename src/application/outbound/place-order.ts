import type { OrderState, Placement } from '../../domain/outbound-order/index.ts';
import { onOrder } from '../commands/aggregates.ts';
import { newFlow } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';

/**
 * A sales channel (docs/contracts.md#order-intake) hands over an order. The same order again (same number,
 * same content) is recognised and changes nothing (`created: false`); the same number with other
 * content is refused (ORDER_ALREADY_EXISTS). Stock is reserved by a reaction, not here.
 */
export const placeOrder = async (
  deps: Dependencies,
  placement: Placement,
  requestId: string,
): Promise<Readonly<{ created: boolean; state: OrderState }>> => {
  const now = deps.clock.now();
  const { state, events } = await onOrder(
    deps,
    placement.orderNo,
    { type: 'PlaceOrder', data: { ...placement, now } },
    newFlow(requestId, now),
  );
  return { created: events.length > 0, state };
};
