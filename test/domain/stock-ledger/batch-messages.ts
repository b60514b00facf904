/**
 * The stock-ledger commands and events the batch specs are written in (./batches.test.ts,
 * ./batches-order.test.ts): one ledger, WH001 / SKU001, on 2025-11-22; and two batches received
 * in the wrong order for first-expiry-first-out.
 */
import type { Allocation, BatchDeduction, StockCommand, StockEvent } from '../../../src/domain/stock-ledger/index.ts';

/** the day the commands are sent: 2025-11-22 as `now` writes it */
export const now = '2025-11-22T10:00:00.000+08:00';
export const ledger = { warehouseCode: 'WH001', sku: 'SKU001' };

export type Batch = Readonly<{ batchNo?: string; productionDate?: string; expiryDate?: string }>;
export type Condition = 'SELLABLE' | 'DEFECTIVE';

export const receive = (reference: string, quantity: number, batch: Batch = {}, condition: Condition = 'SELLABLE'): StockCommand => ({
  type: 'ReceiveStock',
  data: { ...ledger, reference, quantity, condition, now, ...batch },
});
export const reserve = (reference: string, quantity: number, batchNo?: string, at: string = now): StockCommand => ({
  type: 'ReserveStock',
  data: { ...ledger, reference, quantity, now: at, ...(batchNo === undefined ? {} : { batchNo }) },
});
export const release = (reference: string, reservation: string, quantity: number | 'ALL'): StockCommand => ({
  type: 'ReleaseStock',
  data: { ...ledger, reference, reservation, quantity, now },
});
export const deduct = (reference: string, quantity: number, reservation?: string): StockCommand => ({
  type: 'DeductStock',
  data: { ...ledger, reference, quantity, reservation, now },
});
export const count = (reference: string, countedOnHand: number): StockCommand => ({
  type: 'AdjustStock',
  data: { ...ledger, reference, countedOnHand, now },
});

export const received = (reference: string, quantity: number, batch: Batch = {}, condition: Condition = 'SELLABLE'): StockEvent => ({
  type: 'StockReceived',
  data: { ...ledger, reference, quantity, condition, receivedAt: now, ...batch },
});
export const reserved = (reference: string, quantity: number, batches?: Allocation, at: string = now): StockEvent => ({
  type: 'StockReserved',
  data: { ...ledger, reference, quantity, reservedAt: at, ...(batches === undefined ? {} : { batches }) },
});
export const released = (reference: string, reservation: string, quantity: number, batches?: Allocation): StockEvent => ({
  type: 'StockReleased',
  data: { ...ledger, reference, reservation, quantity, releasedAt: now, ...(batches === undefined ? {} : { batches }) },
});
export const deducted = (
  reference: string,
  quantity: number,
  reservation: string | null,
  fromReservation: number,
  batches?: readonly BatchDeduction[],
): StockEvent => ({
  type: 'StockDeducted',
  data: { ...ledger, reference, reservation, quantity, fromReservation, deductedAt: now, ...(batches === undefined ? {} : { batches }) },
});

export const early = { batchNo: 'Z-EARLY', productionDate: '2025-06-01', expiryDate: '2026-03-31' } as const;
export const late = { batchNo: 'B-LATE', productionDate: '2025-09-01', expiryDate: '2026-09-30' } as const;
/** received first, expiring last: FEFO must not go by arrival */
export const twoBatches = [received('PO1/LATE', 10, late), received('PO2/EARLY', 10, early)];
