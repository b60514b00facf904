import type { Message } from '../kernel/decider.ts';
import type { Instant } from '../kernel/instant.ts';

export type ReturnLine = Readonly<{ sku: string; quantity: number }>;
/** What came back of one SKU (of one batch, when the warehouse names it: the units go back into that batch). */
export type InspectionLine = Readonly<{ sku: string; qualified: number; defective: number; batchNo?: string }>;

/**
 * A customer sends goods back against a shipped outbound order. `shipped` and `alreadyReturned`
 * (by other returns of the same order) are looked up by the application. A request.
 */
export type CreateReturn = Message<
  'CreateReturn',
  Readonly<{
    returnNo: string;
    orderNo: string;
    warehouseCode: string;
    reason: string;
    lines: readonly ReturnLine[];
    shipped: Readonly<Record<string, number>>;
    alreadyReturned: Readonly<Record<string, number>>;
    now: Instant;
  }>
>;

/** The warehouse inspected what came back: qualified goes back to stock, defective is kept apart. A fact. */
export type RecordReturnInspection = Message<
  'RecordReturnInspection',
  Readonly<{ returnNo: string; inspectionNo: string; lines: readonly InspectionLine[]; inspectedAt: Instant; now: Instant }>
>;

/** A person closes the return once it was inspected. A request. */
export type CloseReturn = Message<'CloseReturn', Readonly<{ returnNo: string; requestId: string; closedBy: string; now: Instant }>>;

export type ReturnCommand = CreateReturn | RecordReturnInspection | CloseReturn;
