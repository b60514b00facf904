/**
 * A shipment from a warehouse the order had left (it was rerouted, and the old warehouse shipped
 * anyway: too late to withdraw): the goods left from there, so the order moves back there. The
 * warehouse it had moved to is told to drop it and gives back what it reserved (the reroute's
 * `withdrawFrom` and release, as for any reroute), and the shipment completes the order from
 * the warehouse it left.
 */
import type { Instant } from '../kernel/instant.ts';
import type { OrderRerouted } from './events.ts';
import { type OrderState, orderSkus, withdrawalOnReroute } from './state.ts';

export const movedBack = (state: OrderState, toWarehouse: string, outboundNo: string, at: Instant): OrderRerouted => ({
  type: 'OrderRerouted',
  data: {
    requestId: null,
    fromWarehouse: state.warehouseCode,
    toWarehouse,
    previousOutboundNo: state.outboundNo,
    previousReservationNo: state.reservationNo,
    skus: orderSkus(state),
    withdrawFrom: withdrawalOnReroute(state),
    reason: `${toWarehouse} shipped its outbound order ${outboundNo} after the order moved to ${state.warehouseCode}`,
    reroutedAt: at,
  },
});
