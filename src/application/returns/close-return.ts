import type { ReturnState } from '../../domain/return-order/index.ts';
import { onReturn } from '../commands/aggregates.ts';
import { newFlow } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import type { Requester } from '../outbound/order-requests.ts';

/** A person closes an inspected return. */
export const closeReturn = async (deps: Dependencies, returnNo: string, who: Requester): Promise<ReturnState> => {
  const now = deps.clock.now();
  return (
    await onReturn(
      deps,
      { type: 'CloseReturn', data: { returnNo, requestId: who.requestId, closedBy: who.requestedBy, now } },
      newFlow(who.requestId, now),
    )
  ).state;
};
