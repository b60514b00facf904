/**
 * The events that start a new reservation round, superseding the current one: a retry, what is left
 * after a partial ship, and a reroute to another warehouse (docs/architecture.md#outbound-order).
 */
import type { Line } from '../kernel/lines.ts';
import type { OrderEvent } from './events.ts';
import { openLines, orderSkus, type OrderState, withdrawalOnReroute } from './state.ts';

export const reservationRound = (state: OrderState, warehouseCode: string, lines: readonly Line[]): OrderEvent => ({
  type: 'ReservationRequested',
  data: {
    reservationNo: state.reservationNo + 1,
    warehouseCode,
    lines,
    supersedes:
      state.reservationNo === 0 ? null : { reservationNo: state.reservationNo, warehouseCode: state.warehouseCode, skus: orderSkus(state) },
  },
});

export const rerouted = (state: OrderState, toWarehouse: string, reason: string, at: string, requestId: string | null): OrderEvent[] => [
  {
    type: 'OrderRerouted',
    data: {
      requestId,
      fromWarehouse: state.warehouseCode,
      toWarehouse,
      previousOutboundNo: state.outboundNo,
      previousReservationNo: state.reservationNo,
      skus: orderSkus(state),
      withdrawFrom: withdrawalOnReroute(state),
      reason,
      reroutedAt: at,
    },
  },
  reservationRound(state, toWarehouse, openLines(state)),
];
