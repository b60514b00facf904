import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { interceptOutbound, withdrawFromWarehouse } from '../outbound/intercept-outbound.ts';
import { eventsOf, reaction } from './reaction.ts';

/**
 * Cancellation requested → ask the WMS to intercept. Rerouted away from a warehouse, or cancelled
 * without an intercept (before the push answered, or by the shortage policy), while that warehouse
 * may hold the order (the event names it: `withdrawFrom`) → tell it to drop it. Accepted by a warehouse after the order closed or
 * moved → tell that warehouse to drop it. A warehouse that cannot drop it goes to a person. Each
 * call is claimed in the order's stream first (docs/architecture.md#claimed-calls).
 */
export const withdrawWhenCancelledOrMoved = (deps: Dependencies) =>
  reaction({
    name: 'withdraw-when-cancelled-or-moved',
    handles: eventsOf('order', ['CancellationRequested', 'OrderRerouted', 'OrderCancelled', 'AnomalyDetected']),
    handle: async (event) => {
      const orderNo = event.streamId;
      const cause = causedBy(event, deps.clock.now());
      // the withdrawal is named by the event that calls for it: every process handling that event claims the same call
      const withdraw = (warehouseCode: string, outboundNo: string | null, reason: string) =>
        withdrawFromWarehouse(deps, orderNo, { kind: 'WITHDRAW', id: event.id, warehouseCode, outboundNo, reason }, cause);
      if (event.type === 'CancellationRequested') {
        await interceptOutbound(deps, orderNo, event.data.requestId, cause);
      } else if (event.type === 'OrderRerouted') {
        const { withdrawFrom, toWarehouse } = event.data;
        if (withdrawFrom !== null) await withdraw(withdrawFrom.warehouseCode, withdrawFrom.outboundNo, `rerouted to ${toWarehouse}`);
      } else if (event.type === 'OrderCancelled') {
        const { withdrawFrom, reason } = event.data;
        if (withdrawFrom !== null) await withdraw(withdrawFrom.warehouseCode, withdrawFrom.outboundNo, `cancelled: ${reason}`);
      } else if (
        event.type === 'AnomalyDetected' &&
        (event.data.kind === 'PUSHED_AFTER_CLOSE' || event.data.kind === 'PUSHED_TO_PREVIOUS_WAREHOUSE')
      ) {
        await withdraw(event.data.warehouseCode, event.data.outboundNo, event.data.detail);
      }
    },
  });
