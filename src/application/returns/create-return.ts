import { type OrderState, orderStreamName } from '../../domain/outbound-order/index.ts';
import { type ReturnLine, type ReturnState, returnOrderDecider, returnStreamName } from '../../domain/return-order/index.ts';
import { Refused } from '../../domain/kernel/refused.ts';
import { onReturn, orders } from '../commands/aggregates.ts';
import { newFlow } from '../commands/cause.ts';
import { loadState } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';

export type ReturnRequest = Readonly<{
  returnNo: string;
  orderNo: string;
  reason: string;
  lines: readonly ReturnLine[];
  warehouseCode?: string | undefined;
}>;

/**
 * A customer sends goods back against a shipped order: only SKUs that shipped, never more than
 * shipped minus what other returns of the order took back (the return decider checks; this
 * looks the figures up). The goods go to the order's warehouse unless another is named.
 *
 * Other returns of the order are found by reading every return stream: fine for the volumes of
 * returns a hub sees, and the first thing to move to a read model if it is not.
 */
export const createReturn = async (
  deps: Dependencies,
  request: ReturnRequest,
  requestId: string,
): Promise<Readonly<{ created: boolean; state: ReturnState }>> => {
  const order: OrderState = await loadState(deps, orders, orderStreamName(request.orderNo));
  if (order.status === 'NONE') throw new Refused('ORDER_NOT_FOUND', `no order ${request.orderNo}`);
  const shipped = Object.fromEntries(order.lines.map((line) => [line.sku, line.shipped]));
  const alreadyReturned: Record<string, number> = {};
  const others = new Map<string, ReturnState>();
  for (const event of await deps.events.readAll({ category: 'return' })) {
    if (event.category !== 'return' || event.stream === returnStreamName(request.returnNo)) continue;
    others.set(event.stream, returnOrderDecider.evolve(others.get(event.stream) ?? returnOrderDecider.initialState, event));
  }
  for (const other of others.values()) {
    if (other.created?.orderNo !== request.orderNo) continue;
    for (const line of other.created.lines) alreadyReturned[line.sku] = (alreadyReturned[line.sku] ?? 0) + line.quantity;
  }
  const now = deps.clock.now();
  const { state, events } = await onReturn(
    deps,
    {
      type: 'CreateReturn',
      data: {
        returnNo: request.returnNo,
        orderNo: request.orderNo,
        warehouseCode: request.warehouseCode ?? order.warehouseCode,
        reason: request.reason,
        lines: request.lines,
        shipped,
        alreadyReturned,
        now,
      },
    },
    newFlow(requestId, now),
  );
  return { created: events.length > 0, state };
};
