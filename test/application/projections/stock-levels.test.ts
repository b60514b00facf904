import { describe, expect, it } from 'vitest';
import { stockLevels, stockLevelsProjection } from '../../../src/application/projections/stock-levels.ts';
import type { StockEvent } from '../../../src/domain/stock-ledger/index.ts';
import { EventLog, project, rowsOf } from './projection-harness.ts';

const now = '2025-11-22T10:00:00.000+08:00';
const ledger = { warehouseCode: 'WH001', sku: 'SKU001' };
const stream = 'stock-WH001.SKU001';
const events: StockEvent[] = [
  { type: 'StockReceived', data: { ...ledger, reference: 'PO-1', quantity: 100, condition: 'SELLABLE', receivedAt: now } },
  { type: 'StockReceived', data: { ...ledger, reference: 'RT-1', quantity: 2, condition: 'DEFECTIVE', receivedAt: now } },
  { type: 'StockReserved', data: { ...ledger, reference: 'OMS1/R1', quantity: 5, reservedAt: now } },
  { type: 'StockReserved', data: { ...ledger, reference: 'OMS2/R1', quantity: 3, reservedAt: now } },
  { type: 'StockReleased', data: { ...ledger, reference: 'rel-1', reservation: 'OMS2/R1', quantity: 3, releasedAt: now } },
  {
    type: 'StockDeducted',
    data: { ...ledger, reference: 'SF1', reservation: 'OMS1/R1', quantity: 5, fromReservation: 5, deductedAt: now },
  },
  { type: 'StockAdjusted', data: { ...ledger, reference: 'count-1', previousOnHand: 95, countedOnHand: 93, delta: -2, countedAt: now } },
];

describe('stock levels by warehouse and SKU', () => {
  it('received 100 (and 2 defective), reserved 5 + 3, released 3, shipped 5, counted 2 short: 93 on hand, none reserved, 2 defective', () => {
    const tables = project(stockLevelsProjection, new EventLog().add(stream, ...events).all());
    expect(rowsOf(tables, stockLevels.name)).toEqual([
      { warehouseCode: 'WH001', sku: 'SKU001', onHand: 93, reserved: 0, defective: 2, anomalies: 0 },
    ]);
  });

  it('a reservation still held shows as reserved; an anomaly of the ledger is counted', () => {
    const log = new EventLog().add(
      stream,
      { type: 'StockReceived', data: { ...ledger, reference: 'PO-1', quantity: 10, condition: 'SELLABLE', receivedAt: now } },
      { type: 'StockReserved', data: { ...ledger, reference: 'OMS1/R1', quantity: 4, reservedAt: now } },
      {
        type: 'StockDeducted',
        data: { ...ledger, reference: 'SF9', reservation: null, quantity: 12, fromReservation: 0, deductedAt: now },
      },
      {
        type: 'StockAnomalyDetected',
        data: {
          ...ledger,
          reference: 'SF9',
          kind: 'NEGATIVE_ON_HAND',
          onHand: -2,
          reserved: 4,
          detail: 'shipped more than on hand',
          detectedAt: now,
        },
      },
    );
    expect(rowsOf(project(stockLevelsProjection, log.all()), stockLevels.name)).toEqual([
      { warehouseCode: 'WH001', sku: 'SKU001', onHand: -2, reserved: 4, defective: 0, anomalies: 1 },
    ]);
  });
});
