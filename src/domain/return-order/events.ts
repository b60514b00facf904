import type { Message } from '../kernel/decider.ts';
import type { Instant } from '../kernel/instant.ts';
import type { InspectionLine, ReturnLine } from './commands.ts';

export type ReturnCreatedData = Readonly<{
  returnNo: string;
  orderNo: string;
  warehouseCode: string;
  reason: string;
  lines: readonly ReturnLine[];
  /** what the order had shipped and what other returns had taken back when this one was accepted (for the audit) */
  shipped: Readonly<Record<string, number>>;
  alreadyReturned: Readonly<Record<string, number>>;
  createdAt: Instant;
}>;

export type ReturnCreated = Message<'ReturnCreated', ReturnCreatedData>;

export type ReturnInspected = Message<
  'ReturnInspected',
  Readonly<{
    inspectionNo: string;
    lines: readonly InspectionLine[];
    inspectedAt: Instant;
    recordedAt: Instant;
    /** the return's warehouse, where the inspected units go back to stock (older inspections are completed on read) */
    warehouseCode: string;
  }>
>;

/** What the inspection found against what the return announced, or a second inspection. */
export type AnomalyDetected = Message<
  'AnomalyDetected',
  | Readonly<{
      kind: 'SHORT' | 'OVER' | 'UNKNOWN_SKU';
      inspectionNo: string;
      sku: string;
      expected: number;
      received: number;
      detectedAt: Instant;
    }>
  | Readonly<{
      kind: 'SECOND_INSPECTION';
      inspectionNo: string;
      lines: readonly InspectionLine[];
      inspectedAt: Instant;
      detectedAt: Instant;
    }>
>;

export type ReturnClosed = Message<'ReturnClosed', Readonly<{ requestId: string; closedBy: string; closedAt: Instant }>>;

export type ReturnEvent = ReturnCreated | ReturnInspected | AnomalyDetected | ReturnClosed;
