import type { OrderEvent } from '../../domain/outbound-order/index.ts';
import type { StoredEvent } from '../ports/event-store.ts';

export type Whereabouts = Readonly<{
  /** every warehouse a push went to, answered or not: a lost answer may still have left the order there */
  pushedTo: ReadonlySet<string>;
  /** the WMS number at the current warehouse, if it answered */
  outboundNo: string | null;
  /** a cancellation that went through the warehouse's intercept, by its request id */
  interceptRequests: ReadonlySet<string>;
}>;

/**
 * Where an order may be held, as its events said before `beforeRevision`: what a warehouse must be
 * told when the order moves away or is cancelled without an intercept.
 */
export const whereTheOrderMayBe = (events: readonly StoredEvent[], beforeRevision: bigint): Whereabouts => {
  const pushedTo = new Set<string>();
  const interceptRequests = new Set<string>();
  let current = '';
  let outboundNo: string | null = null;
  for (const stored of events) {
    if (stored.revision >= beforeRevision) break;
    const event = stored as unknown as OrderEvent;
    if (event.type === 'OrderPlaced') current = event.data.warehouseCode;
    else if (event.type === 'OrderRerouted') {
      current = event.data.toWarehouse;
      outboundNo = null;
    } else if (event.type === 'PushFailed') pushedTo.add(current);
    else if (event.type === 'PushSucceeded') {
      pushedTo.add(current);
      outboundNo = event.data.outboundNo;
    } else if (event.type === 'CancellationRequested') interceptRequests.add(event.data.requestId);
  }
  return { pushedTo, outboundNo, interceptRequests };
};
