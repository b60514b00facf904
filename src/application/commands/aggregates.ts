// Each aggregate: its decider and its stream category; then one line per aggregate to send a
// command to the stream it belongs to.
import { type InboundCommand, type InboundState, inboundOrderDecider, inboundStreamName } from '../../domain/inbound-order/index.ts';
import { type OrderCommand, type OrderState, orderStreamName, outboundOrder } from '../../domain/outbound-order/index.ts';
import { type ReturnCommand, type ReturnState, returnOrderDecider, returnStreamName } from '../../domain/return-order/index.ts';
import { type StockCommand, type StockLedgerState, stockLedgerDecider, stockStreamName } from '../../domain/stock-ledger/index.ts';
import { type HandOffCommand, type HandOffState, shipmentStreamName, transportHandOff } from '../../domain/transport-handoff/index.ts';
import type { Waybill } from '../../domain/kernel/waybill.ts';
import { type Aggregate, type Cause, type CommandDeps, handleCommand } from './handle-command.ts';
import { stockLedgerStateCodec } from './stock-ledger-state-codec.ts';

export const orders: Aggregate<'order', OrderState, OrderCommand> = {
  category: 'order',
  decider: outboundOrder,
  evolve: (state, event) => outboundOrder.evolve(state, event),
};
// a stock ledger never ends: its state is snapshotted; the other streams end, and are folded whole
export const stockLedgers: Aggregate<'stock', StockLedgerState, StockCommand> = {
  category: 'stock',
  decider: stockLedgerDecider,
  evolve: (state, event) => stockLedgerDecider.evolve(state, event),
  snapshots: stockLedgerStateCodec,
};
export const inboundOrders: Aggregate<'inbound', InboundState, InboundCommand> = {
  category: 'inbound',
  decider: inboundOrderDecider,
  evolve: (state, event) => inboundOrderDecider.evolve(state, event),
};
export const returnOrders: Aggregate<'return', ReturnState, ReturnCommand> = {
  category: 'return',
  decider: returnOrderDecider,
  evolve: (state, event) => returnOrderDecider.evolve(state, event),
};
export const handOffs: Aggregate<'shipment', HandOffState, HandOffCommand> = {
  category: 'shipment',
  decider: transportHandOff,
  evolve: (state, event) => transportHandOff.evolve(state, event),
};

export const onOrder = (deps: CommandDeps, orderNo: string, command: OrderCommand, cause: Cause) =>
  handleCommand(deps, orders, orderStreamName(orderNo), command, cause);

export const onStock = (deps: CommandDeps, command: StockCommand, cause: Cause) =>
  handleCommand(deps, stockLedgers, stockStreamName(command.data.warehouseCode, command.data.sku), command, cause);

export const onInbound = (deps: CommandDeps, command: InboundCommand, cause: Cause) =>
  handleCommand(deps, inboundOrders, inboundStreamName(command.data.inboundNo), command, cause);

export const onReturn = (deps: CommandDeps, command: ReturnCommand, cause: Cause) =>
  handleCommand(deps, returnOrders, returnStreamName(command.data.returnNo), command, cause);

export const onShipment = (deps: CommandDeps, waybill: Waybill, command: HandOffCommand, cause: Cause) =>
  handleCommand(deps, handOffs, shipmentStreamName(waybill), command, cause);
