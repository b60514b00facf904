import type { OrderEvent } from '../../domain/outbound-order/index.ts';
import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { interceptOutbound, withdrawFromWarehouse } from '../outbound/intercept-outbound.ts';
import { type Reaction, streamId } from './reaction.ts';

/**
 * Cancellation requested → ask the WMS to intercept. Rerouted away from a warehouse that had the
 * order, or accepted by a warehouse after the order closed or moved → tell that warehouse to drop it.
 */
export const withdrawWhenCancelledOrMoved = (deps: Dependencies): Reaction => ({
  name: 'withdraw-when-cancelled-or-moved',
  category: 'order',
  handle: async (stored) => {
    const event = stored as unknown as OrderEvent;
    const orderNo = streamId(stored.stream);
    if (event.type === 'CancellationRequested') {
      await interceptOutbound(deps, orderNo, event.data.requestId, causedBy(stored, deps.clock.now()));
    } else if (event.type === 'OrderRerouted' && event.data.previousOutboundNo !== null) {
      await withdrawFromWarehouse(
        deps,
        { orderNo, warehouseCode: event.data.fromWarehouse, outboundNo: event.data.previousOutboundNo, reason: `rerouted to ${event.data.toWarehouse}` },
        `withdraw:${stored.id}`,
      );
    } else if (event.type === 'AnomalyDetected' && (event.data.kind === 'PUSHED_AFTER_CLOSE' || event.data.kind === 'PUSHED_TO_PREVIOUS_WAREHOUSE')) {
      await withdrawFromWarehouse(
        deps,
        { orderNo, warehouseCode: event.data.warehouseCode, outboundNo: event.data.outboundNo, reason: event.data.detail },
        `withdraw:${stored.id}`,
      );
    }
  },
});
