import type { OrderEvent } from '../../domain/outbound-order/index.ts';
import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { interceptOutbound, withdrawFromWarehouse } from '../outbound/intercept-outbound.ts';
import { whereTheOrderMayBe } from '../outbound/where-the-order-may-be.ts';
import type { StoredEvent } from '../ports/event-store.ts';
import { type Reaction, streamId } from './reaction.ts';

const whereaboutsBefore = async (deps: Dependencies, stored: StoredEvent) =>
  whereTheOrderMayBe(await deps.store.readStream(stored.stream), stored.revision);

/**
 * Cancellation requested → ask the WMS to intercept. Rerouted away from a warehouse, or cancelled
 * without an intercept (before the push answered, or by the shortage policy), while that warehouse
 * may hold the order → tell it to drop it. Accepted by a warehouse after the order closed or
 * moved → tell that warehouse to drop it. A warehouse that cannot drop it goes to a person.
 */
export const withdrawWhenCancelledOrMoved = (deps: Dependencies): Reaction => ({
  name: 'withdraw-when-cancelled-or-moved',
  category: 'order',
  handle: async (stored) => {
    const event = stored as unknown as OrderEvent;
    const orderNo = streamId(stored.stream);
    const withdraw = (warehouseCode: string, outboundNo: string | null, reason: string) =>
      withdrawFromWarehouse(deps, { orderNo, warehouseCode, outboundNo, reason }, `withdraw:${stored.id}`);
    if (event.type === 'CancellationRequested') {
      await interceptOutbound(deps, orderNo, event.data.requestId, causedBy(stored, deps.clock.now()));
    } else if (event.type === 'OrderRerouted') {
      const { fromWarehouse, toWarehouse, previousOutboundNo } = event.data;
      if (previousOutboundNo !== null || (await whereaboutsBefore(deps, stored)).pushedTo.has(fromWarehouse)) {
        await withdraw(fromWarehouse, previousOutboundNo, `rerouted to ${toWarehouse}`);
      }
    } else if (event.type === 'OrderCancelled') {
      const { pushedTo, outboundNo, interceptRequests } = await whereaboutsBefore(deps, stored);
      const intercepted = event.data.requestId !== null && interceptRequests.has(event.data.requestId);
      if (!intercepted && pushedTo.has(event.data.warehouseCode))
        await withdraw(event.data.warehouseCode, outboundNo, `cancelled: ${event.data.reason}`);
    } else if (
      event.type === 'AnomalyDetected' &&
      (event.data.kind === 'PUSHED_AFTER_CLOSE' || event.data.kind === 'PUSHED_TO_PREVIOUS_WAREHOUSE')
    ) {
      await withdraw(event.data.warehouseCode, event.data.outboundNo, event.data.detail);
    }
  },
});
