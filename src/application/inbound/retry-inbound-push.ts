import type { InboundState } from '../../domain/inbound-order/index.ts';
import { onInbound } from '../commands/aggregates.ts';
import { newFlow } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import type { Requester } from '../outbound/order-requests.ts';

/** A person asks for a fresh round of pushes of an inbound order the WMS did not take. */
export const retryInboundPush = async (deps: Dependencies, inboundNo: string, who: Requester): Promise<InboundState> => {
  const now = deps.clock.now();
  return (await onInbound(deps, { type: 'RetryInboundPush', data: { inboundNo, ...who, now } }, newFlow(who.requestId, now))).state;
};
