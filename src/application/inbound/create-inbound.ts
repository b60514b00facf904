import type { Line } from '../../domain/kernel/lines.ts';
import type { InboundState } from '../../domain/inbound-order/index.ts';
import { onInbound } from '../commands/aggregates.ts';
import { newFlow } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';

export type PurchaseInbound = Readonly<{
  inboundNo: string;
  warehouseCode: string;
  supplier: string;
  poNumber: string;
  lines: readonly Line[];
  expectedAt?: string | undefined;
}>;

/** A purchase receipt to expect: recorded, then pushed to the WMS by a reaction (same retry rules as outbound). */
export const createPurchaseInbound = async (
  deps: Dependencies,
  inbound: PurchaseInbound,
  requestId: string,
): Promise<Readonly<{ created: boolean; state: InboundState }>> => {
  const now = deps.clock.now();
  const { state, events } = await onInbound(
    deps,
    { type: 'CreateInbound', data: { ...inbound, kind: 'PURCHASE', now } },
    newFlow(requestId, now),
  );
  return { created: events.length > 0, state };
};
