import type { Decider } from '../kernel/decider.ts';
import type { ReturnCommand } from './commands.ts';
import { decide } from './decide.ts';
import type { ReturnEvent } from './events.ts';
import { evolve } from './evolve.ts';
import { type ReturnState, initialReturnState, isClosed } from './state.ts';

export type * from './commands.ts';
export type * from './events.ts';
export type { ReturnState, ReturnStatus, Returned } from './state.ts';
export { initialReturnState } from './state.ts';
export { inspectedTotals } from './decide.ts';

/** A customer return against a shipped order: created, inspected, closed. */
export const returnOrderDecider: Decider<ReturnState, ReturnCommand, ReturnEvent> = {
  decide,
  evolve,
  initialState: initialReturnState,
  isTerminal: isClosed,
};

/** `return-{returnNo}`: category `return`. */
export const returnStreamName = (returnNo: string): string => `return-${returnNo}`;

export const streamName = returnStreamName;
