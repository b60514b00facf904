import type { Decider } from '../kernel/decider.ts';
import type { InboundCommand } from './commands.ts';
import { decide } from './decide.ts';
import type { InboundEvent } from './events.ts';
import { evolve } from './evolve.ts';
import { type InboundState, initialInboundState, isReceived } from './state.ts';

export type * from './commands.ts';
export type * from './events.ts';
export type { InboundState, InboundStatus } from './state.ts';
export { initialInboundState, pushIsDue, receiptDestination } from './state.ts';
export { discrepancies } from './decide.ts';

/** A purchase or return receipt pushed to the WMS, from creation until the goods are received. */
export const inboundOrderDecider: Decider<InboundState, InboundCommand, InboundEvent> = {
  decide,
  evolve,
  initialState: initialInboundState,
  isTerminal: isReceived,
};

export { RETURN_INBOUND_PREFIX, returnInboundNo } from './return-inbound.ts';

/** `inbound-{inboundNo}`: category `inbound`. */
export const inboundStreamName = (inboundNo: string): string => `inbound-${inboundNo}`;

export const streamName = inboundStreamName;
