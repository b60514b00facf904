import type { Waybill } from '../../domain/kernel/waybill.ts';
import type { HandOffState } from '../../domain/transport-handoff/index.ts';
import { onShipment } from '../commands/aggregates.ts';
import { newFlow } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import type { Requester } from '../outbound/order-requests.ts';

/** A person asks for a fresh round of hand-offs of a shipment (a carrier's waybill) the TMS did not take. */
export const retryHandOff = async (deps: Dependencies, waybill: Waybill, who: Requester): Promise<HandOffState> => {
  const now = deps.clock.now();
  return (await onShipment(deps, waybill, { type: 'RetryHandOff', data: { ...who, now } }, newFlow(who.requestId, now))).state;
};
