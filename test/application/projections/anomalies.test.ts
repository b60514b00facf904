import { describe, expect, it } from 'vitest';
import { anomaliesProjection, anomalyCounts } from '../../../src/application/projections/anomalies.ts';
import { orderStreamName } from '../../../src/domain/outbound-order/index.ts';
import { anomaly, at, atTheWms } from '../../domain/outbound-order/order-fixtures.ts';
import { EventLog, project, rowsOf } from './projection-harness.ts';

const rows = (log: EventLog) => rowsOf(project(anomaliesProjection, log.all()), anomalyCounts.name);

describe('anomalies by day, source, kind and warehouse', () => {
  it('two shipments after a cancel on one day count twice, keeping the latest detail', () => {
    const log = new EventLog().add(
      orderStreamName('OMS202511220001'),
      ...atTheWms(),
      anomaly('SHIPPED_AFTER_CANCEL', 'waybill SF1 shipped after the order was CANCELLED', at(30)),
      anomaly('SHIPPED_AFTER_CANCEL', 'waybill SF2 shipped after the order was CANCELLED', at(40)),
    );
    expect(rows(log)).toEqual([
      {
        day: '2025-11-22',
        source: 'order',
        kind: 'SHIPPED_AFTER_CANCEL',
        warehouseCode: 'WH001',
        count: 2,
        lastAt: at(40),
        lastMs: Date.parse(at(40)),
        lastSubject: 'order-OMS202511220001',
        lastDetail: 'waybill SF2 shipped after the order was CANCELLED',
      },
    ]);
  });

  it("a ledger gone negative and a receipt after close are counted too, the receipt at its inbound's warehouse", () => {
    const log = new EventLog()
      .add('stock-WH001.SKU001', {
        type: 'StockAnomalyDetected',
        data: {
          reference: 'SF9',
          warehouseCode: 'WH001',
          sku: 'SKU001',
          kind: 'NEGATIVE_ON_HAND',
          onHand: -1,
          reserved: 0,
          detail: 'on hand below zero',
          detectedAt: at(5),
        },
      })
      .add(
        'inbound-PO1',
        {
          type: 'InboundCreated',
          data: {
            inboundNo: 'PO1',
            kind: 'PURCHASE',
            warehouseCode: 'WH002',
            supplier: 'ACME',
            poNumber: 'PO-1',
            returnNo: null,
            lines: [{ sku: 'SKU001', quantity: 1 }],
            expectedAt: null,
            createdAt: at(0),
          },
        },
        {
          type: 'AnomalyDetected',
          data: {
            kind: 'RECEIPT_AFTER_CLOSE',
            receiptNo: 'RC2',
            lines: [{ sku: 'SKU001', quantity: 1 }],
            receivedAt: at(9),
            detectedAt: at(9),
          },
        },
      );
    expect(rows(log).map(({ source, kind, warehouseCode, count }) => ({ source, kind, warehouseCode, count }))).toEqual([
      { source: 'inbound', kind: 'RECEIPT_AFTER_CLOSE', warehouseCode: 'WH002', count: 1 },
      { source: 'stock', kind: 'NEGATIVE_ON_HAND', warehouseCode: 'WH001', count: 1 },
    ]);
  });
});
