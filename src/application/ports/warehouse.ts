import type { Line } from '../../domain/kernel/lines.ts';
import type { Consignee, Priority, TimeRequirement } from '../../domain/outbound-order/index.ts';
import type { CallOutcome } from './outside-call.ts';

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

/**
 * The warehouse management system(s). Idempotent by orderNo / inboundNo: the same instruction sent
 * again answers with the same number, which is all the hub relies on.
 */
export interface Warehouse {
  createOutbound(instruction: OutboundInstruction): Promise<CallOutcome<{ outboundNo: string }>>;
  /** Ask the warehouse to stop an outbound order: intercepted, or too late (already shipped). */
  cancelOutbound(instruction: CancelInstruction): Promise<CallOutcome<{ intercepted: boolean; detail: string }>>;
  createInbound(instruction: InboundInstruction): Promise<CallOutcome<{ wmsInboundNo: string }>>;
}
