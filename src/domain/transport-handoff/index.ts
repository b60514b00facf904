import type { Decider } from '../kernel/decider.ts';
import { type Waybill, waybillId } from '../kernel/waybill.ts';
import type { HandOffCommand } from './commands.ts';
import { decideHandOff } from './decide.ts';
import type { HandOffEvent } from './events.ts';
import { evolveHandOff } from './evolve.ts';
import { type HandOffState, initialHandOffState, isHandedOff } from './state.ts';

export const transportHandOff: Decider<HandOffState, HandOffCommand, HandOffEvent> = {
  decide: decideHandOff,
  evolve: evolveHandOff,
  initialState: initialHandOffState,
  isTerminal: isHandedOff,
};

/**
 * A shipment's hand-off stream, `shipment-{carrier}.{waybillNo}`: one per waybill of a carrier
 * (a waybill number is unique per carrier only), its id the waybill's (kernel/waybill.ts).
 */
export const shipmentStreamName = (waybill: Waybill): string => `shipment-${waybillId(waybill)}`;

export type * from './commands.ts';
export type * from './events.ts';
export type { HandOffState, HandOffStatus } from './state.ts';
export { handOffIsDue } from './state.ts';
