/**
 * The one way an order is cancelled (docs/architecture.md#cancellation), whoever asks: a person
 * before the WMS has it, the shortage policy, the warehouse's intercept. Its open lines will never
 * ship, its reservation round is released for all its SKUs, and a warehouse that may hold it
 * without having intercepted it is named, to be told to drop it.
 */
import type { Instant } from '../kernel/instant.ts';
import type { OrderCancelled } from './events.ts';
import { type OrderState, openLines, orderSkus, withdrawalOnCancel } from './state.ts';

export const orderCancelled = (state: OrderState, requestId: string | null, reason: string, at: Instant): OrderCancelled => ({
  type: 'OrderCancelled',
  data: {
    requestId,
    reason,
    lines: openLines(state),
    warehouseCode: state.warehouseCode,
    reservationNo: state.reservationNo,
    skus: orderSkus(state),
    withdrawFrom: withdrawalOnCancel(state, requestId),
    cancelledAt: at,
  },
});
