/**
 * Batches in the stored events (issue 11): the ledger's events carry the batches a movement took
 * (`batches`) and a receipt its batch and dates; receipts and inspections keep their lines' batch.
 * Every new field is optional: an event written before reads as it was and replays to the same
 * figures. The zod codecs and their compiled checks agree on all of it.
 */
import { describe, expect, test } from 'vitest';
import type { z } from 'zod';
import { type Message, compiled } from '../../../src/adapters/event-codec/compiled-codec.ts';
import { inboundEvent } from '../../../src/adapters/event-codec/inbound-events.ts';
import { returnEvent } from '../../../src/adapters/event-codec/return-events.ts';
import { stockEvent } from '../../../src/adapters/event-codec/stock-events.ts';
import { fold } from '../../../src/domain/kernel/decider.ts';
import { type StockCommand, type StockEvent, stockLedgerDecider } from '../../../src/domain/stock-ledger/index.ts';
import { eventsOf, run } from '../../support/arbitraries-decider.ts';

const now = '2025-11-22T02:00:00.000Z';
const ledger = { warehouseCode: 'WH001', sku: 'SKU001' };
const on = (type: StockCommand['type'], data: Record<string, unknown>) => ({ type, data: { ...ledger, now, ...data } }) as StockCommand;

/** A ledger's life with batches: every event type, most of them with `batches`. */
const batchedLife: StockEvent[] = eventsOf(
  run(stockLedgerDecider, [
    on('ReceiveStock', { reference: 'PO1', quantity: 10, condition: 'SELLABLE', batchNo: 'L2', expiryDate: '2026-01-31' }),
    on('ReceiveStock', {
      reference: 'PO1',
      quantity: 10,
      condition: 'SELLABLE',
      batchNo: 'L1',
      productionDate: '2025-10-01',
      expiryDate: '2026-06-30',
    }),
    on('ReceiveStock', { reference: 'RT1', quantity: 2, condition: 'DEFECTIVE', batchNo: 'L1' }),
    on('ReserveStock', { reference: 'OMS1#1', quantity: 12 }),
    on('ReserveStock', { reference: 'OMS2#1', quantity: 2, batchNo: 'L1' }),
    on('ReleaseStock', { reference: 'OMS1#1/cut', reservation: 'OMS1#1', quantity: 1 }),
    on('DeductStock', { reference: 'SF.1', reservation: 'OMS1#1', quantity: 12 }),
    on('AdjustStock', { reference: 'CNT1', countedOnHand: 3 }),
    on('RecordVariance', {
      reference: 'CHG1/1',
      source: 'WAREHOUSE_CHANGE',
      condition: 'DEFECTIVE',
      shelf: { kind: 'CHANGED_BY', quantity: -1 },
      reason: 'SCRAPPED',
      batchNo: 'L1',
      alertAbove: 10,
    }),
  ]),
);

const agree = (codec: z.ZodType<Message>, message: unknown, expected: boolean): void => {
  const check = compiled(codec);
  expect({ zod: codec.safeParse(message).success, compiled: check(message as Message) }).toEqual({ zod: expected, compiled: expected });
};

describe('batches in the stock events', () => {
  test('every event of a batched life decodes, as written, by zod and by the compiled check alike, and replays to the same state', () => {
    expect(batchedLife.filter((event) => 'batches' in event.data).map((event) => event.type)).toEqual([
      'StockReserved',
      'StockReserved',
      'StockReleased',
      'StockDeducted',
      'StockAdjusted',
      'StockVarianceRecorded',
    ]);
    for (const event of batchedLife) {
      agree(stockEvent, event, true);
      expect(stockEvent.parse(JSON.parse(JSON.stringify(event)))).toEqual(event);
    }
    const decoded = batchedLife.map((event) => stockEvent.parse(JSON.parse(JSON.stringify(event))) as StockEvent);
    expect(fold(stockLedgerDecider, decoded)).toEqual(fold(stockLedgerDecider, batchedLife));
  });

  test('an event written before batches were kept still decodes, and gains nothing', () => {
    const before = { type: 'StockReserved', data: { ...ledger, reference: 'OMS1#1', quantity: 2, reservedAt: now } };
    agree(stockEvent, before, true);
    expect(stockEvent.parse(before)).toEqual(before);
  });

  test('a batch date that is not an ISO date, a blank batch number or a stray field is refused by both', () => {
    const receipt = batchedLife[0] as StockEvent & { type: 'StockReceived' };
    agree(stockEvent, { ...receipt, data: { ...receipt.data, expiryDate: '31/01/2026' } }, false);
    agree(stockEvent, { ...receipt, data: { ...receipt.data, batchNo: '' } }, false);
    const reserved = batchedLife.find((event) => event.type === 'StockReserved') as StockEvent & { type: 'StockReserved' };
    agree(stockEvent, { ...reserved, data: { ...reserved.data, batches: [{ batchNo: 'L2', quantity: 1, expiry: 'x' }] } }, false);
  });
});

describe('batches on receipts and inspections', () => {
  const destination = { warehouseCode: 'WH001', kind: 'PURCHASE' };

  test('a receipt’s lines keep their batch and dates; older lines without them still decode', () => {
    const batched = {
      type: 'InboundReceived',
      data: {
        receiptNo: 'RK1@2025-11-22T10:00:00',
        lines: [{ sku: 'SKU001', quantity: 10, batchNo: 'L1', productionDate: '2025-10-01', expiryDate: '2026-06-30' }],
        receivedAt: now,
        recordedAt: now,
        destination,
      },
    };
    agree(inboundEvent, batched, true);
    expect(inboundEvent.parse(batched)).toEqual(batched);
    agree(inboundEvent, { ...batched, data: { ...batched.data, lines: [{ sku: 'SKU001', quantity: 10 }] } }, true);
  });

  test('an inspection’s lines keep their batch; older lines without one still decode', () => {
    const inspected = {
      type: 'ReturnInspected',
      data: {
        inspectionNo: 'RT1@2025-11-22T10:00:00',
        lines: [{ sku: 'SKU001', qualified: 1, defective: 1, batchNo: 'L1' }],
        inspectedAt: now,
        recordedAt: now,
        warehouseCode: 'WH001',
      },
    };
    agree(returnEvent, inspected, true);
    agree(returnEvent, { ...inspected, data: { ...inspected.data, lines: [{ sku: 'SKU001', qualified: 1, defective: 1 }] } }, true);
  });
});
