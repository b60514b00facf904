/**
 * A warehouse's final shipment of an order (Qimen's confirmType 0): nothing more will leave, so
 * what is still open is short at that warehouse, and the order's shortage policy closes it
 * (docs/architecture.md#shortage-policy: backorder, or cancel and release; a person otherwise),
 * rather than leaving it open for ever.
 */
import type { Instant } from '../kernel/instant.ts';
import type { Waybill } from '../kernel/waybill.ts';
import type { OrderEvent } from './events.ts';
import { applyShortagePolicy } from './shortage-policy.ts';
import { fact, isTerminalOrder, openLines, type OrderState } from './state.ts';

/** `shipped`: the order as the final shipment left it. */
export const closedShort = (shipped: OrderState, waybill: Waybill, now: Instant): OrderEvent[] => {
  const short = openLines(shipped);
  if (short.length === 0 || isTerminalOrder(shipped)) return [];
  return [
    {
      type: 'StockShortageDetected',
      data: { source: 'WMS', warehouseCode: shipped.warehouseCode, lines: short, reportKey: fact.closedShort(waybill), detectedAt: now },
    },
    // a shipment is in hand, so no reroute: a warehouse for one is never looked for
    ...applyShortagePolicy(shipped, short, 'WMS', null, now),
  ];
};
