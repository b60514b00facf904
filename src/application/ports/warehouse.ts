import type { Line } from '../../domain/kernel/lines.ts';
import type { Consignee, Priority, TimeRequirement } from '../../domain/outbound-order/index.ts';
import type { StockCondition } from '../../domain/stock-ledger/index.ts';
import type { CallContext, CallOutcome } from './outside-call.ts';

export type OutboundInstruction = Readonly<{
  orderNo: string;
  warehouseCode: string;
  priority: Priority;
  timeRequirement: TimeRequirement;
  items: readonly Line[];
  consignee: Consignee;
}>;

export type InboundInstruction = Readonly<{
  inboundNo: string;
  kind: 'PURCHASE' | 'RETURN';
  warehouseCode: string;
  supplier: string | null;
  poNumber: string | null;
  returnNo: string | null;
  lines: readonly Line[];
}>;

export type CancelInstruction = Readonly<{ orderNo: string; warehouseCode: string; outboundNo: string | null; reason: string }>;

/** One page (numbered from 1) of a warehouse's stock snapshot. */
export type StockSnapshotQuery = Readonly<{ warehouseCode: string; pageNo: number; pageSize: number }>;

/** What the warehouse's shelves hold of one SKU in one condition (and batch, when it keeps batches). */
export type ShelfLine = Readonly<{ sku: string; condition: StockCondition; quantity: number; batchNo: string | null }>;

export type StockSnapshotPage = Readonly<{ lines: readonly ShelfLine[]; hasMore: boolean }>;

/**
 * The warehouse management system(s). Idempotent by orderNo / inboundNo: the same instruction sent
 * again answers with the same number, which is all the hub relies on.
 */
export interface Warehouse {
  createOutbound(instruction: OutboundInstruction, context?: CallContext): Promise<CallOutcome<{ outboundNo: string }>>;
  /** Ask the warehouse to stop an outbound order: intercepted, or too late (already shipped). */
  cancelOutbound(instruction: CancelInstruction, context?: CallContext): Promise<CallOutcome<{ intercepted: boolean; detail: string }>>;
  createInbound(instruction: InboundInstruction, context?: CallContext): Promise<CallOutcome<{ wmsInboundNo: string }>>;
  /** What the warehouse's shelves hold, a page at a time: the hub reconciles its ledgers with it. */
  stockSnapshot(query: StockSnapshotQuery, context?: CallContext): Promise<CallOutcome<StockSnapshotPage>>;
}
