import type { Decider } from '../kernel/decider.ts';
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

export const shipmentStreamName = (waybillNo: string): string => `shipment-${waybillNo}`;

export type * from './commands.ts';
export type * from './events.ts';
export type { HandOffState, HandOffStatus } from './state.ts';
export { handOffIsDue } from './state.ts';
