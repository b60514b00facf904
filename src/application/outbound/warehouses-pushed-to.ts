import type { OrderEvent } from '../../domain/outbound-order/index.ts';
import type { StoredEvent } from '../ports/event-store.ts';

/**
 * The warehouses an order was pushed to before `beforeRevision`, successfully or not: a push
 * whose answer was lost (a timeout) may still have left the order there, so each of them must
 * be told when the order goes elsewhere or is cancelled.
 */
export const warehousesPushedTo = (events: readonly StoredEvent[], beforeRevision: bigint): ReadonlySet<string> => {
  const pushedTo = new Set<string>();
  let current = '';
  for (const stored of events) {
    if (stored.revision >= beforeRevision) break;
    const event = stored as unknown as OrderEvent;
    if (event.type === 'OrderPlaced') current = event.data.warehouseCode;
    else if (event.type === 'OrderRerouted') current = event.data.toWarehouse;
    else if (event.type === 'PushSucceeded' || event.type === 'PushFailed') pushedTo.add(current);
  }
  return pushedTo;
};
