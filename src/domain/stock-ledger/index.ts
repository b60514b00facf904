import type { Decider } from '../kernel/decider.ts';
import type { StockCommand } from './commands.ts';
import { decide } from './decide.ts';
import type { StockEvent } from './events.ts';
import { evolve } from './evolve.ts';
import { type StockLedgerState, initialStockLedgerState } from './state.ts';

export type * from './commands.ts';
export type * from './events.ts';
export type { BatchFigures, StockLedgerState } from './state.ts';
export { allocationOf, available, initialStockLedgerState, reservationsHeld, stillReserved } from './state.ts';
export { byFirstExpiry, dateOf, fefoOrder, isExpired, isIsoDate, reservable } from './batches.ts';

/** On hand, reserved and available stock of one SKU in one warehouse. Never terminal. */
export const stockLedgerDecider: Decider<StockLedgerState, StockCommand, StockEvent> = {
  decide,
  evolve,
  initialState: initialStockLedgerState,
  isTerminal: () => false,
};

/** `stock-{warehouseCode}.{sku}`: category `stock`, so `$ce-stock` collects every ledger. */
export const stockStreamName = (warehouseCode: string, sku: string): string => `stock-${warehouseCode}.${sku}`;

export const streamName = stockStreamName;
