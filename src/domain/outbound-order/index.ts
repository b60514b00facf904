import type { Decider } from '../kernel/decider.ts';
import type { OrderCommand } from './commands.ts';
import { decideOrder } from './decide.ts';
import type { OrderEvent } from './events.ts';
import { evolveOrder } from './evolve.ts';
import { type OrderState, initialOrderState, isTerminalOrder } from './state.ts';

export const outboundOrder: Decider<OrderState, OrderCommand, OrderEvent> = {
  decide: decideOrder,
  evolve: evolveOrder,
  initialState: initialOrderState,
  isTerminal: isTerminalOrder,
};

export const orderStreamName = (orderNo: string): string => `order-${orderNo}`;
/** The stock ledger reference under which a reservation round of this order is held. */
export const reservationReference = (orderNo: string, reservationNo: number): string => `${orderNo}/R${reservationNo}`;

export type * from './commands.ts';
export type * from './events.ts';
export type { OrderLine, OrderState, OrderStatus } from './state.ts';
export {
  openLines,
  openQuantity,
  orderSkus,
  pushIsDue,
  shipmentContext,
  warehouseOfOutbound,
  withdrawalOnCancel,
  withdrawalOnReroute,
} from './state.ts';
export { reportedShortBy } from './shortage-policy.ts';
