/**
 * The `Warehouse` port for every warehouse: each call goes to the adapter of the protocol its
 * warehouse speaks: Qimen when its caller in the credentials file has a Qimen URL
 * (../qimen/qimen-wms-client.ts), else the article's JSON (./wms-http-client.ts). Looked up at each
 * call, so that a reloaded credentials file takes effect at once. The application does not know
 * which protocol a warehouse speaks.
 */
import type { CallContext, CallOutcome } from '../../application/ports/outside-call.ts';
import type {
  CancelInstruction,
  InboundInstruction,
  OutboundInstruction,
  StockSnapshotPage,
  StockSnapshotQuery,
  Warehouse,
} from '../../application/ports/warehouse.ts';
import type { QimenWarehouseKey } from '../credentials/callers.ts';
import { QimenWmsClient } from '../qimen/qimen-wms-client.ts';

export class WarehouseByProtocol implements Warehouse {
  constructor(
    private readonly json: Warehouse,
    private readonly qimenOf: (warehouseCode: string) => QimenWarehouseKey | null,
    /** unless the warehouse's own says otherwise */
    private readonly timeoutMs: number,
  ) {}

  private of(warehouseCode: string): Warehouse {
    const key = this.qimenOf(warehouseCode);
    return key === null ? this.json : new QimenWmsClient({ ...key, timeoutMs: key.timeoutMs ?? this.timeoutMs });
  }

  createOutbound(instruction: OutboundInstruction, context?: CallContext): Promise<CallOutcome<{ outboundNo: string }>> {
    return this.of(instruction.warehouseCode).createOutbound(instruction, context);
  }

  cancelOutbound(instruction: CancelInstruction, context?: CallContext): Promise<CallOutcome<{ intercepted: boolean; detail: string }>> {
    return this.of(instruction.warehouseCode).cancelOutbound(instruction, context);
  }

  createInbound(instruction: InboundInstruction, context?: CallContext): Promise<CallOutcome<{ wmsInboundNo: string }>> {
    return this.of(instruction.warehouseCode).createInbound(instruction, context);
  }

  stockSnapshot(query: StockSnapshotQuery, context?: CallContext): Promise<CallOutcome<StockSnapshotPage>> {
    return this.of(query.warehouseCode).stockSnapshot(query, context);
  }
}
