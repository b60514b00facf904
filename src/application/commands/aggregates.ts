// One line per aggregate: send a command to the stream it belongs to.
import { type InboundCommand, inboundOrderDecider, inboundStreamName } from '../../domain/inbound-order/index.ts';
import { type OrderCommand, orderStreamName, outboundOrder } from '../../domain/outbound-order/index.ts';
import { type ReturnCommand, returnOrderDecider, returnStreamName } from '../../domain/return-order/index.ts';
import { type StockCommand, stockLedgerDecider, stockStreamName } from '../../domain/stock-ledger/index.ts';
import { type HandOffCommand, shipmentStreamName, transportHandOff } from '../../domain/transport-handoff/index.ts';
import { type Cause, type CommandDeps, handleCommand } from './handle-command.ts';

export const onOrder = (deps: CommandDeps, orderNo: string, command: OrderCommand, cause: Cause) =>
  handleCommand(deps, outboundOrder, orderStreamName(orderNo), command, cause);

export const onStock = (deps: CommandDeps, command: StockCommand, cause: Cause) =>
  handleCommand(deps, stockLedgerDecider, stockStreamName(command.data.warehouseCode, command.data.sku), command, cause);

export const onInbound = (deps: CommandDeps, command: InboundCommand, cause: Cause) =>
  handleCommand(deps, inboundOrderDecider, inboundStreamName(command.data.inboundNo), command, cause);

export const onReturn = (deps: CommandDeps, command: ReturnCommand, cause: Cause) =>
  handleCommand(deps, returnOrderDecider, returnStreamName(command.data.returnNo), command, cause);

export const onShipment = (deps: CommandDeps, waybillNo: string, command: HandOffCommand, cause: Cause) =>
  handleCommand(deps, transportHandOff, shipmentStreamName(waybillNo), command, cause);
