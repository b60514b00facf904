/**
 * The original order keeps the book of its family's backorders (docs/architecture.md#backorders):
 * it numbers each one, `{orderNo}-BO{n}`, whether the shortage was its own (`BackorderCreated`,
 * shortage-policy.ts) or one of its backorders' (carried over here), so a backorder of a backorder
 * is `OMS1-BO2`, never `OMS1-BO1-BO1`; and it records a backorder that will not be placed.
 * Both are recorded whatever the original's status: a closed original still owes its backorders.
 */
import { refuse } from '../kernel/refused.ts';
import type { CancelBackorder, CarryOverBackorder } from './commands.ts';
import type { OrderEvent } from './events.ts';
import { alreadyApplied, backorderNo, fact, type OrderState } from './state.ts';

export const carryOverBackorder = (command: CarryOverBackorder, state: OrderState): OrderEvent[] => {
  const d = command.data;
  if (alreadyApplied(state, fact.carriedOver(d.fromOrderNo, d.owedNo))) return [];
  return [
    {
      type: 'BackorderCarriedOver',
      data: {
        backorderNo: backorderNo(state.orderNo, state.backorders + 1),
        fromOrderNo: d.fromOrderNo,
        owedNo: d.owedNo,
        warehouseCode: d.warehouseCode,
        lines: d.lines,
        reportedShortBy: d.reportedShortBy,
        createdAt: d.now,
      },
    },
  ];
};

/** Only a backorder this order numbered and has not cancelled; whether it was placed meanwhile, the caller checks. */
export const cancelBackorder = (command: CancelBackorder, state: OrderState): OrderEvent[] => {
  const d = command.data;
  if (alreadyApplied(state, fact.request(d.requestId))) return [];
  const issued = state.issuedBackorders.find((backorder) => backorder.backorderNo === d.backorderNo);
  if (issued === undefined) return refuse('BACKORDER_NOT_FOUND', `order ${state.orderNo} owes no backorder ${d.backorderNo}`);
  return [
    {
      type: 'BackorderCancelled',
      data: {
        backorderNo: d.backorderNo,
        lines: issued.lines,
        requestId: d.requestId,
        reason: d.reason,
        cancelledBy: d.requestedBy,
        cancelledAt: d.now,
      },
    },
  ];
};
