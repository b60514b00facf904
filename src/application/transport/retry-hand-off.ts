import type { HandOffState } from '../../domain/transport-handoff/index.ts';
import { onShipment } from '../commands/aggregates.ts';
import { newFlow } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import type { Requester } from '../outbound/order-requests.ts';

/** A person asks for a fresh round of hand-offs of a shipment the TMS did not take. */
export const retryHandOff = async (deps: Dependencies, waybillNo: string, who: Requester): Promise<HandOffState> => {
  const now = deps.clock.now();
  return (await onShipment(deps, waybillNo, { type: 'RetryHandOff', data: { ...who, now } }, newFlow(who.requestId, now))).state;
};
