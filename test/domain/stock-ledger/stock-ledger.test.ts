import { describe, expect, it } from 'vitest';
import { fold } from '../../../src/domain/kernel/decider.ts';
import { toRecord } from '../../../src/domain/kernel/persistent-map.ts';
import {
  type ShelfFigure,
  type StockAnomalyKind,
  type StockCommand,
  type StockEvent,
  type VarianceSource,
  available,
  stockLedgerDecider,
  stockStreamName,
} from '../../../src/domain/stock-ledger/index.ts';
import { specFor } from '../../support/decider-spec.ts';

const { given } = specFor(stockLedgerDecider);

const now = '2025-11-22T10:00:00.000+08:00';
const ledger = { warehouseCode: 'WH001', sku: 'SKU001' };

// Commands, as the application would send them.
const receive = (reference: string, quantity: number, condition: 'SELLABLE' | 'DEFECTIVE' = 'SELLABLE'): StockCommand => ({
  type: 'ReceiveStock',
  data: { ...ledger, reference, quantity, condition, now },
});
const reserve = (reference: string, quantity: number): StockCommand => ({
  type: 'ReserveStock',
  data: { ...ledger, reference, quantity, now },
});
const release = (reference: string, reservation: string, quantity: number | 'ALL'): StockCommand => ({
  type: 'ReleaseStock',
  data: { ...ledger, reference, reservation, quantity, now },
});
const deduct = (reference: string, quantity: number, reservation?: string): StockCommand => ({
  type: 'DeductStock',
  data: { ...ledger, reference, quantity, reservation, now },
});
const count = (reference: string, countedOnHand: number): StockCommand => ({
  type: 'AdjustStock',
  data: { ...ledger, reference, countedOnHand, now },
});
type VarianceOf = Readonly<{
  source?: VarianceSource;
  condition?: 'SELLABLE' | 'DEFECTIVE';
  reason?: string;
  batchNo?: string | null;
  alertAbove?: number;
}>;
const variance = (reference: string, shelf: ShelfFigure, of: VarianceOf = {}): StockCommand => ({
  type: 'RecordVariance',
  data: {
    ...ledger,
    reference,
    shelf,
    source: of.source ?? 'RECONCILIATION',
    condition: of.condition ?? 'SELLABLE',
    reason: of.reason ?? 'the warehouse says so',
    batchNo: of.batchNo ?? null,
    alertAbove: of.alertAbove ?? 10,
    now,
  },
});
const shelvesHold = (quantity: number): ShelfFigure => ({ kind: 'COUNTED', quantity });
const shelvesChangedBy = (quantity: number): ShelfFigure => ({ kind: 'CHANGED_BY', quantity });

// Events, as the ledger records them.
const received = (reference: string, quantity: number, condition: 'SELLABLE' | 'DEFECTIVE' = 'SELLABLE'): StockEvent => ({
  type: 'StockReceived',
  data: { ...ledger, reference, quantity, condition, receivedAt: now },
});
const reserved = (reference: string, quantity: number): StockEvent => ({
  type: 'StockReserved',
  data: { ...ledger, reference, quantity, reservedAt: now },
});
const released = (reference: string, reservation: string, quantity: number): StockEvent => ({
  type: 'StockReleased',
  data: { ...ledger, reference, reservation, quantity, releasedAt: now },
});
const deducted = (reference: string, quantity: number, reservation: string | null, fromReservation: number): StockEvent => ({
  type: 'StockDeducted',
  data: { ...ledger, reference, reservation, quantity, fromReservation, deductedAt: now },
});
const adjusted = (reference: string, previousOnHand: number, countedOnHand: number): StockEvent => ({
  type: 'StockAdjusted',
  data: { ...ledger, reference, previousOnHand, countedOnHand, delta: countedOnHand - previousOnHand, countedAt: now },
});
const varied = (reference: string, hubFigure: number, warehouseFigure: number, of: VarianceOf = {}): StockEvent => ({
  type: 'StockVarianceRecorded',
  data: {
    ...ledger,
    reference,
    source: of.source ?? 'RECONCILIATION',
    condition: of.condition ?? 'SELLABLE',
    hubFigure,
    warehouseFigure,
    difference: warehouseFigure - hubFigure,
    reason: of.reason ?? 'the warehouse says so',
    batchNo: of.batchNo ?? null,
    recordedAt: now,
  },
});
const anomaly = (reference: string, kind: StockAnomalyKind, onHand: number, reservedQty: number, detail: string): StockEvent => ({
  type: 'StockAnomalyDetected',
  data: { ...ledger, reference, kind, onHand, reserved: reservedQty, detail, detectedAt: now },
});

const stateAfter = (events: StockEvent[]) => fold(stockLedgerDecider, events);

describe('the stock ledger', () => {
  it('lives in the stock category, one stream per warehouse and SKU', () => {
    expect(stockStreamName('WH001', 'SKU001')).toBe('stock-WH001.SKU001');
  });

  describe('receiving goods', () => {
    it('puts sellable goods on hand', () => {
      const state = given([])
        .when(receive('PO1', 10))
        .then([received('PO1', 10)]);
      expect(state).toMatchObject({ onHand: 10, defective: 0 });
      expect(available(state)).toBe(10);
    });

    it('reserves exactly what is available, and not one unit more', () => {
      const state = given([received('PO1', 5), reserved('OMS1#1', 2)])
        .when(reserve('OMS2#1', 3))
        .then([reserved('OMS2#1', 3)]);
      expect(available(state)).toBe(0);
      given([received('PO1', 5), reserved('OMS1#1', 2)])
        .when(reserve('OMS2#1', 4))
        .thenRefused('INSUFFICIENT_STOCK');
    });

    it('keeps defective goods apart, where nobody can reserve them', () => {
      const state = given([received('PO1', 2)])
        .when(receive('INSP1', 3, 'DEFECTIVE'))
        .then([received('INSP1', 3, 'DEFECTIVE')]);
      expect(state).toMatchObject({ onHand: 2, defective: 3 });
      given([received('PO1', 2), received('INSP1', 3, 'DEFECTIVE')])
        .when(reserve('OMS1#1', 3))
        .thenRefused('INSUFFICIENT_STOCK');
    });

    it('records a redelivered receipt once', () => {
      given([received('PO1', 10)])
        .when(receive('PO1', 10))
        .thenNothing();
    });

    it('takes sellable and defective goods of one inspection under the same reference', () => {
      given([received('INSP1', 4)])
        .when(receive('INSP1', 1, 'DEFECTIVE'))
        .then([received('INSP1', 1, 'DEFECTIVE')]);
    });

    it('refuses a receipt of no goods, or for another ledger', () => {
      const refusal = given([]).when(receive('PO1', 0)).thenRefused('INVALID_COMMAND');
      expect(refusal.details).toEqual([{ path: 'quantity', message: 'must be a positive whole number' }]);
      const otherSku = given([received('PO1', 1)])
        .when({ type: 'ReceiveStock', data: { ...ledger, sku: 'SKU002', reference: 'PO2', quantity: 1, condition: 'SELLABLE', now } })
        .thenRefused('INVALID_COMMAND');
      expect(otherSku.details).toEqual([{ path: 'sku', message: 'this ledger is for SKU SKU001' }]);
      expect(otherSku.message).toBe('ReceiveStock is not valid: sku this ledger is for SKU SKU001');
    });

    it('refuses a receipt for another warehouse than the ledger’s', () => {
      given([received('PO1', 1)])
        .when({
          type: 'ReceiveStock',
          data: { ...ledger, warehouseCode: 'WH002', reference: 'PO2', quantity: 1, condition: 'SELLABLE', now },
        })
        .thenRefusedNaming('INVALID_COMMAND', 'ReceiveStock is not valid', [
          { path: 'warehouseCode', message: 'this ledger is for warehouse WH001' },
        ]);
    });

    it('refuses goods that are neither sellable nor defective', () => {
      given([])
        .when(receive('PO1', 1, 'DAMAGED' as 'SELLABLE'))
        .thenRefusedNaming('INVALID_COMMAND', 'ReceiveStock is not valid', [
          { path: 'condition', message: 'must be SELLABLE or DEFECTIVE' },
        ]);
    });
  });

  describe('reserving for an order', () => {
    it('holds what is available', () => {
      const state = given([received('PO1', 10)])
        .when(reserve('OMS1#1', 4))
        .then([reserved('OMS1#1', 4)]);
      expect(state).toMatchObject({ onHand: 10, reserved: 4 });
      expect(toRecord(state.reservations)).toEqual({ 'OMS1#1': 4 });
      expect(available(state)).toBe(6);
    });

    it('refuses more than is available, and says how much is', () => {
      const refusal = given([received('PO1', 10), reserved('OMS1#1', 8)])
        .when(reserve('OMS2#1', 3))
        .thenRefused('INSUFFICIENT_STOCK');
      expect(refusal.message).toBe('3 of SKU001 asked for in WH001, but only 2 available');
      expect(refusal.details).toEqual([]);
    });

    it('never reserves twice for the same reference, even after the reservation was released', () => {
      given([received('PO1', 10), reserved('OMS1#1', 4)])
        .when(reserve('OMS1#1', 4))
        .thenNothing();
      given([received('PO1', 10), reserved('OMS1#1', 4), released('CANCEL1', 'OMS1#1', 4)])
        .when(reserve('OMS1#1', 4))
        .thenNothing();
    });

    it('refuses a blank reference or a fractional quantity', () => {
      const blankReference = given([received('PO1', 10)])
        .when(reserve(' ', 1))
        .thenRefused('INVALID_COMMAND');
      expect(blankReference.details).toEqual([{ path: 'reference', message: 'must not be blank' }]);
      expect(blankReference.message).toBe('ReserveStock is not valid: reference must not be blank');
      const fractional = given([received('PO1', 10)])
        .when(reserve('OMS1#1', 1.5))
        .thenRefused('INVALID_COMMAND');
      expect(fractional.details).toEqual([{ path: 'quantity', message: 'must be a positive whole number' }]);
      expect(fractional.message).toBe('ReserveStock is not valid: quantity must be a positive whole number');
    });
  });

  describe('releasing a reservation', () => {
    const history = [received('PO1', 10), reserved('OMS1#1', 4)];

    it('gives back all that is still reserved', () => {
      const state = given(history)
        .when(release('CANCEL1', 'OMS1#1', 'ALL'))
        .then([released('CANCEL1', 'OMS1#1', 4)]);
      expect(state).toMatchObject({ reserved: 0 });
      expect(toRecord(state.reservations)).toEqual({});
    });

    it('gives back part of it', () => {
      const state = given(history)
        .when(release('REL1', 'OMS1#1', 1))
        .then([released('REL1', 'OMS1#1', 1)]);
      expect(state).toMatchObject({ reserved: 3 });
      expect(toRecord(state.reservations)).toEqual({ 'OMS1#1': 3 });
    });

    it('never gives back more than the reservation still holds', () => {
      given(history)
        .when(release('REL1', 'OMS1#1', 9))
        .then([released('REL1', 'OMS1#1', 4)]);
    });

    it('does nothing when the reservation has nothing left', () => {
      given([...history, released('CANCEL1', 'OMS1#1', 4)])
        .when(release('CANCEL2', 'OMS1#1', 'ALL'))
        .thenNothing();
      given([...history, deducted('SF1', 4, 'OMS1#1', 4)])
        .when(release('CANCEL2', 'OMS1#1', 'ALL'))
        .thenNothing();
    });

    it('does nothing for a redelivered release', () => {
      given([...history, released('REL1', 'OMS1#1', 1)])
        .when(release('REL1', 'OMS1#1', 1))
        .thenNothing();
    });

    it('refuses to release a reservation the ledger never made, and names it', () => {
      const refusal = given(history)
        .when(release('REL1', 'OMS9#1', 'ALL'))
        .thenRefused('RESERVATION_NOT_FOUND');
      expect(refusal.message).toBe('no reservation OMS9#1 was ever made on this ledger');
      expect(refusal.details).toEqual([]);
    });

    it('refuses a release that names no reservation, or no positive quantity', () => {
      const blankReservation = given(history)
        .when(release('REL1', ' ', 'ALL'))
        .thenRefused('INVALID_COMMAND');
      expect(blankReservation.details).toEqual([{ path: 'reservation', message: 'must not be blank' }]);
      expect(blankReservation.message).toBe('ReleaseStock is not valid: reservation must not be blank');
      const none = given(history)
        .when(release('REL1', 'OMS1#1', 0))
        .thenRefused('INVALID_COMMAND');
      expect(none.details).toEqual([{ path: 'quantity', message: 'must be a positive whole number' }]);
      expect(none.message).toBe('ReleaseStock is not valid: quantity must be a positive whole number');
    });

    it('refuses, rather than fails on, a release that leaves out the reservation', () => {
      // an untyped caller may leave the field out altogether
      const refusal = given(history)
        .when(release('REL1', undefined as unknown as string, 'ALL'))
        .thenRefused('INVALID_COMMAND');
      expect(refusal.details).toEqual([{ path: 'reservation', message: 'must not be blank' }]);
    });
  });

  describe('deducting shipped goods (a fact)', () => {
    it('consumes the reservation it names', () => {
      const state = given([received('PO1', 10), reserved('OMS1#1', 4)])
        .when(deduct('SF1', 4, 'OMS1#1'))
        .then([deducted('SF1', 4, 'OMS1#1', 4)]);
      expect(state).toMatchObject({ onHand: 6, reserved: 0 });
      expect(toRecord(state.reservations)).toEqual({});
    });

    it('takes only the reservation’s remainder from it when more was shipped', () => {
      const state = given([received('PO1', 10), reserved('OMS1#1', 2)])
        .when(deduct('SF1', 3, 'OMS1#1'))
        .then([deducted('SF1', 3, 'OMS1#1', 2)]);
      expect(state).toMatchObject({ onHand: 7, reserved: 0 });
    });

    it('deducts without a reservation', () => {
      given([received('PO1', 10)])
        .when(deduct('SF1', 3))
        .then([deducted('SF1', 3, null, 0)]);
    });

    it('records a shipment of goods the ledger did not have, and an anomaly', () => {
      const state = given([received('PO1', 1)])
        .when(deduct('SF1', 3))
        .then([deducted('SF1', 3, null, 0), anomaly('SF1', 'NEGATIVE_ON_HAND', -2, 0, 'shipment SF1 of 3 leaves on hand at -2')]);
      expect(state).toMatchObject({ onHand: -2, anomalies: 1 });
    });

    it('raises an anomaly when what stays reserved exceeds what stays on hand', () => {
      given([received('PO1', 5), reserved('OMS1#1', 4)])
        .when(deduct('SF9', 2))
        .then([
          deducted('SF9', 2, null, 0),
          anomaly('SF9', 'RESERVED_EXCEEDS_ON_HAND', 3, 4, 'shipment SF9 of 2 leaves 4 reserved but 3 on hand'),
        ]);
    });

    it('records a redelivered shipment once', () => {
      given([received('PO1', 10), deducted('SF1', 3, null, 0)])
        .when(deduct('SF1', 3))
        .thenNothing();
    });

    it('raises no anomaly while what stays reserved is at most what stays on hand', () => {
      given([received('PO1', 10), reserved('OMS1#1', 4)])
        .when(deduct('SF1', 6))
        .then([deducted('SF1', 6, null, 0)]);
      given([received('PO1', 10), reserved('OMS1#1', 4)])
        .when(deduct('SF1', 2))
        .then([deducted('SF1', 2, null, 0)]);
    });

    it('still refuses a malformed report', () => {
      const negative = given([received('PO1', 10)])
        .when(deduct('SF1', -1))
        .thenRefused('INVALID_COMMAND');
      expect(negative.details).toEqual([{ path: 'quantity', message: 'must be a positive whole number' }]);
      expect(negative.message).toBe('DeductStock is not valid: quantity must be a positive whole number');
      const blankReservation = given([received('PO1', 10), reserved('OMS1#1', 4)])
        .when(deduct('SF1', 1, ' '))
        .thenRefused('INVALID_COMMAND');
      expect(blankReservation.details).toEqual([{ path: 'reservation', message: 'must not be blank when given' }]);
      expect(blankReservation.message).toBe('DeductStock is not valid: reservation must not be blank when given');
    });
  });

  describe('counting stock (a fact)', () => {
    it('sets on hand to what was counted', () => {
      const state = given([received('PO1', 10)])
        .when(count('CNT1', 8))
        .then([adjusted('CNT1', 10, 8)]);
      expect(state).toMatchObject({ onHand: 8 });
    });

    it('records a count that agrees, for the audit', () => {
      given([received('PO1', 10)])
        .when(count('CNT1', 10))
        .then([adjusted('CNT1', 10, 10)]);
    });

    it('heals a negative on hand', () => {
      const state = given([received('PO1', 1), deducted('SF1', 3, null, 0)])
        .when(count('CNT1', 0))
        .then([adjusted('CNT1', -2, 0)]);
      expect(state.onHand).toBe(0);
    });

    it('raises an anomaly when fewer were counted than are reserved', () => {
      given([received('PO1', 10), reserved('OMS1#1', 6)])
        .when(count('CNT1', 5))
        .then([
          adjusted('CNT1', 10, 5),
          anomaly('CNT1', 'RESERVED_EXCEEDS_ON_HAND', 5, 6, 'count CNT1 of 5 leaves 6 reserved but 5 on hand'),
        ]);
    });

    it('raises no anomaly when exactly as many were counted as are reserved', () => {
      given([received('PO1', 10), reserved('OMS1#1', 6)])
        .when(count('CNT1', 6))
        .then([adjusted('CNT1', 10, 6)]);
    });

    it('records a redelivered count once, and refuses a negative count', () => {
      given([received('PO1', 10), adjusted('CNT1', 10, 8)])
        .when(count('CNT1', 8))
        .thenNothing();
      given([received('PO1', 10)])
        .when(count('CNT1', -1))
        .thenRefusedNaming('INVALID_COMMAND', 'AdjustStock is not valid', [
          { path: 'countedOnHand', message: 'must be a whole number, zero or more' },
        ]);
    });
  });

  describe('the warehouse’s word on its shelves (a variance, a fact)', () => {
    const shortage = { source: 'WMS_SHORTAGE', reason: 'WH001 reported SKU001×2 short for OMS1' } as const;

    it('lowers on hand by the units the warehouse reports short, and says from what to what', () => {
      const state = given([received('PO1', 10), reserved('OMS1/R1', 3)])
        .when(variance('OMS1/shortage:WH001:SKU001=2', shelvesChangedBy(-2), shortage))
        .then([varied('OMS1/shortage:WH001:SKU001=2', 10, 8, shortage)]);
      expect(state).toMatchObject({ onHand: 8, reserved: 3 });
      expect(toRecord(state.reservations)).toEqual({ 'OMS1/R1': 3 });
      expect(available(state)).toBe(5);
    });

    it('keeps released units that the warehouse said are missing out of what is available (a shortage, then cancel and release)', () => {
      const history = [received('PO1', 10), reserved('OMS1/R1', 2), varied('OMS1/short', 10, 9, shortage)];
      const state = given(history)
        .when(release('OMS1/R1/cancel', 'OMS1/R1', 'ALL'))
        .then([released('OMS1/R1/cancel', 'OMS1/R1', 2)]);
      expect(state).toMatchObject({ onHand: 9, reserved: 0 });
      expect(available(state)).toBe(9);
    });

    it('applies a redelivered report once', () => {
      given([received('PO1', 10), varied('OMS1/short', 10, 8, shortage)])
        .when(variance('OMS1/short', shelvesChangedBy(-2), shortage))
        .thenNothing();
    });

    it('sets on hand to the figure of a stock snapshot, and records one that agrees', () => {
      const state = given([received('PO1', 100)])
        .when(variance('REC1', shelvesHold(97)))
        .then([varied('REC1', 100, 97)]);
      expect(state.onHand).toBe(97);
      given([received('PO1', 100)])
        .when(variance('REC1', shelvesHold(100)))
        .then([varied('REC1', 100, 100)]);
    });

    it('raises on hand by units the warehouse found, in the batch it names', () => {
      const found = varied('CHG1/1', 5, 9, { source: 'WAREHOUSE_CHANGE', reason: 'FOUND', batchNo: 'B7' });
      const state = given([received('PO1', 5)])
        .when(variance('CHG1/1', shelvesChangedBy(4), { source: 'WAREHOUSE_CHANGE', reason: 'FOUND', batchNo: 'B7' }))
        .then([{ ...found, data: { ...found.data, batches: [{ batchNo: 'B7', quantity: 4 }] } } as StockEvent]);
      expect(state.onHand).toBe(9);
      expect(state.batches['B7']).toMatchObject({ onHand: 4 });
    });

    it('corrects defective stock apart from on hand, both of one snapshot under one reference', () => {
      const defective = { condition: 'DEFECTIVE' } as const;
      const state = given([received('PO1', 10), received('RT1', 2, 'DEFECTIVE'), varied('REC1', 10, 9)])
        .when(variance('REC1', shelvesHold(5), defective))
        .then([varied('REC1', 2, 5, defective)]);
      expect(state).toMatchObject({ onHand: 9, defective: 5 });
    });

    it('records a defective figure taken below zero, and an anomaly', () => {
      const defective = { condition: 'DEFECTIVE', source: 'WAREHOUSE_CHANGE', reason: 'SCRAPPED' } as const;
      const state = given([received('PO1', 4), received('RT1', 1, 'DEFECTIVE')])
        .when(variance('CHG1/1', shelvesChangedBy(-3), defective))
        .then([
          varied('CHG1/1', 1, -2, defective),
          anomaly('CHG1/1', 'NEGATIVE_DEFECTIVE', 4, 0, 'variance CHG1/1 of -3 defective leaves defective at -2'),
        ]);
      expect(state).toMatchObject({ onHand: 4, defective: -2, anomalies: 1 });
    });

    it('raises the anomalies of the on hand it leaves: below what is reserved, below zero', () => {
      given([received('PO1', 10), reserved('OMS1/R1', 6)])
        .when(variance('REC1', shelvesHold(5)))
        .then([
          varied('REC1', 10, 5),
          anomaly('REC1', 'RESERVED_EXCEEDS_ON_HAND', 5, 6, 'variance REC1 of -5 on hand leaves 6 reserved but 5 on hand'),
        ]);
      given([received('PO1', 1)])
        .when(variance('OMS1/short', shelvesChangedBy(-3), shortage))
        .then([
          varied('OMS1/short', 1, -2, shortage),
          anomaly('OMS1/short', 'NEGATIVE_ON_HAND', -2, 0, 'variance OMS1/short of -3 on hand leaves on hand at -2'),
        ]);
    });

    it('is an anomaly for a person when the figures are more than alertAbove units apart, either way', () => {
      given([received('PO1', 100)])
        .when(variance('REC1', shelvesHold(89)))
        .then([
          varied('REC1', 100, 89),
          anomaly(
            'REC1',
            'LARGE_VARIANCE',
            89,
            0,
            'variance REC1 of -11 on hand: the hub had 100, the warehouse has 89, more than 10 apart',
          ),
        ]);
      given([received('PO1', 100)])
        .when(variance('REC1', shelvesHold(111)))
        .then([
          varied('REC1', 100, 111),
          anomaly(
            'REC1',
            'LARGE_VARIANCE',
            111,
            0,
            'variance REC1 of +11 on hand: the hub had 100, the warehouse has 111, more than 10 apart',
          ),
        ]);
      given([received('PO1', 100)])
        .when(variance('REC1', shelvesHold(90)))
        .then([varied('REC1', 100, 90)]);
      given([received('PO1', 100)])
        .when(variance('REC1', shelvesHold(90), { alertAbove: 0 }))
        .then([
          varied('REC1', 100, 90),
          anomaly(
            'REC1',
            'LARGE_VARIANCE',
            90,
            0,
            'variance REC1 of -10 on hand: the hub had 100, the warehouse has 90, more than 0 apart',
          ),
        ]);
    });

    it('refuses a malformed variance, naming each problem', () => {
      given([])
        .when({
          type: 'RecordVariance',
          data: {
            ...ledger,
            reference: 'REC1',
            source: 'GUESS' as VarianceSource,
            condition: 'DAMAGED' as 'SELLABLE',
            shelf: shelvesChangedBy(0),
            reason: ' ',
            batchNo: '',
            alertAbove: -1,
            now,
          },
        })
        .thenRefusedNaming('INVALID_COMMAND', 'RecordVariance is not valid', [
          { path: 'source', message: 'must be one of WMS_SHORTAGE, WAREHOUSE_CHANGE, RECONCILIATION' },
          { path: 'condition', message: 'must be SELLABLE or DEFECTIVE' },
          { path: 'shelf.quantity', message: 'must be a whole number other than zero' },
          { path: 'reason', message: 'must not be blank' },
          { path: 'batchNo', message: 'must not be blank when given' },
          { path: 'alertAbove', message: 'must be a whole number, zero or more' },
        ]);
    });

    it('refuses shelves of less than nothing, a change of more than a million either way, and a figure of no kind', () => {
      given([])
        .when(variance('REC1', shelvesHold(-1)))
        .thenRefusedNaming('INVALID_COMMAND', 'RecordVariance is not valid', [
          { path: 'shelf.quantity', message: 'must be a whole number, zero or more' },
        ]);
      given([])
        .when(variance('CHG1/1', shelvesChangedBy(-1_000_001)))
        .thenRefusedNaming('INVALID_COMMAND', 'RecordVariance is not valid', [
          { path: 'shelf.quantity', message: 'must be at most 1000000' },
        ]);
      given([])
        .when(variance('CHG1/1', shelvesChangedBy(1.5)))
        .thenRefusedNaming('INVALID_COMMAND', 'RecordVariance is not valid', [
          { path: 'shelf.quantity', message: 'must be a whole number other than zero' },
        ]);
      given([])
        .when(variance('CHG1/1', { kind: 'GUESSED', quantity: 1 } as unknown as ShelfFigure))
        .thenRefusedNaming('INVALID_COMMAND', 'RecordVariance is not valid', [
          { path: 'shelf.kind', message: 'must be COUNTED or CHANGED_BY' },
        ]);
      given([received('PO1', 1_000_000)])
        .when(variance('CHG1/1', shelvesChangedBy(-1_000_000), { alertAbove: 1_000_000 }))
        .then([varied('CHG1/1', 1_000_000, 0)]);
    });
  });

  describe('refusing a malformed message, facts included', () => {
    it('names every problem of a message, in order', () => {
      given([])
        .when({
          type: 'ReceiveStock',
          data: {
            reference: ' ',
            warehouseCode: 'WH.001',
            sku: 'SKU 001',
            now: '2025-11-22T10:00:00',
            quantity: 0,
            condition: 'DAMAGED' as 'SELLABLE',
          },
        })
        .thenRefusedNaming('INVALID_COMMAND', 'ReceiveStock is not valid', [
          { path: 'reference', message: 'must not be blank' },
          { path: 'warehouseCode', message: 'must be 1–32 letters, digits, _ or -' },
          { path: 'sku', message: 'must be 1–64 letters, digits, _ . or -' },
          { path: 'now', message: 'must be an ISO-8601 instant with an offset' },
          { path: 'quantity', message: 'must be a positive whole number' },
          { path: 'condition', message: 'must be SELLABLE or DEFECTIVE' },
        ]);
    });

    it('names both the warehouse and the SKU of the ledger a message missed', () => {
      given([received('PO1', 10)])
        .when({ type: 'AdjustStock', data: { reference: 'CNT1', warehouseCode: 'WH002', sku: 'SKU002', countedOnHand: 3, now } })
        .thenRefusedNaming('INVALID_COMMAND', 'AdjustStock is not valid', [
          { path: 'warehouseCode', message: 'this ledger is for warehouse WH001' },
          { path: 'sku', message: 'this ledger is for SKU SKU001' },
        ]);
    });

    it('refuses, rather than fails on, a message that leaves out its reference', () => {
      // an untyped caller may leave the field out altogether
      const refusal = given([received('PO1', 10)])
        .when(deduct(undefined as unknown as string, 1))
        .thenRefused('INVALID_COMMAND');
      expect(refusal.details).toEqual([{ path: 'reference', message: 'must not be blank' }]);
    });

    it('refuses more than a million units in one movement', () => {
      for (const command of [receive('PO1', 1_000_001), reserve('OMS1#1', 1_000_001), deduct('SF1', 1_000_001)]) {
        const refusal = given([received('PO1', 10)])
          .when(command)
          .thenRefused('INVALID_COMMAND');
        expect(refusal.details).toEqual([{ path: 'quantity', message: 'must be at most 1000000' }]);
      }
      const count1 = given([received('PO1', 10)])
        .when(count('CNT1', 1_000_001))
        .thenRefused('INVALID_COMMAND');
      expect(count1.details).toEqual([{ path: 'countedOnHand', message: 'must be at most 1000000' }]);
      given([])
        .when(receive('PO1', 1_000_000))
        .then([received('PO1', 1_000_000)]);
    });
  });

  describe('folding its stream', () => {
    it('keeps the identity of its first event, even when the stream holds an event of another ledger', () => {
      const stray: StockEvent = {
        type: 'StockReceived',
        data: { warehouseCode: 'WH002', sku: 'SKU002', reference: 'PO2', quantity: 1, condition: 'SELLABLE', receivedAt: now },
      };
      const state = stateAfter([received('PO1', 5), stray]);
      expect(state).toMatchObject({ warehouseCode: 'WH001', sku: 'SKU001' });
      given([received('PO1', 5), stray])
        .when(receive('PO3', 1))
        .then([received('PO3', 1)]);
    });

    it('folds, rather than fails on, a deduction that takes from a reservation it does not name', () => {
      // a broken stream the audit has to report: folding it must not fail
      const broken: StockEvent = {
        type: 'StockDeducted',
        data: { ...ledger, reference: 'SF1', reservation: null, quantity: 2, fromReservation: 2, deductedAt: now },
      };
      const state = stateAfter([received('PO1', 10), reserved('OMS1#1', 4), broken]);
      expect(state).toMatchObject({ onHand: 8, reserved: 2 });
      expect(toRecord(state.reservations)).toEqual({ 'OMS1#1': 4 });
    });

    it('passes over an event it does not know, leaving the state as it was', () => {
      const before = stateAfter([received('PO1', 5)]);
      const unknown = { type: 'StockArchived', data: { ...ledger, archivedAt: now } } as unknown as StockEvent;
      expect(stockLedgerDecider.evolve(before, unknown)).toBe(before);
    });
  });

  it('is never terminal', () => {
    expect(stockLedgerDecider.isTerminal(stateAfter([received('PO1', 1), deducted('SF1', 1, null, 0)]))).toBe(false);
  });
});
