import { describe, expect, it } from 'vitest';
import { fold } from '../../../src/domain/kernel/decider.ts';
import { toRecord } from '../../../src/domain/kernel/persistent-map.ts';
import {
  type Allocation,
  type StockCommand,
  type StockEvent,
  type StockLedgerState,
  allocationOf,
  available,
  fefoOrder,
  stockLedgerDecider,
} from '../../../src/domain/stock-ledger/index.ts';
import { specFor } from '../../support/decider-spec.ts';
import {
  type Condition,
  count,
  deduct,
  deducted,
  early,
  late,
  ledger,
  now,
  receive,
  received,
  release,
  released,
  reserve,
  reserved,
  twoBatches,
} from './batch-messages.ts';

const { given } = specFor(stockLedgerDecider);

const expectedVariance = (
  reference: string,
  condition: Condition,
  hubFigure: number,
  difference: number,
  batchNo: string,
  batches: Allocation,
): StockEvent[] => [
  {
    type: 'StockVarianceRecorded',
    data: {
      ...ledger,
      reference,
      source: 'WAREHOUSE_CHANGE',
      condition,
      hubFigure,
      warehouseFigure: hubFigure + difference,
      difference,
      reason: 'DAMAGED',
      batchNo,
      recordedAt: now,
      batches,
    },
  },
];

const stateAfter = (events: readonly StockEvent[]) => fold(stockLedgerDecider, events);
const figuresOf = (state: StockLedgerState) =>
  fefoOrder(state).map(({ batchNo, onHand, reserved: held, defective }) => ({ batchNo, onHand, reserved: held, defective }));

describe('batches in the stock ledger', () => {
  describe('a receipt', () => {
    it('keeps its batch, with the production and expiry dates the warehouse gave', () => {
      const state = given([])
        .when(receive('PO1', 10, early))
        .then([received('PO1', 10, early)]);
      expect(state.batches['Z-EARLY']).toEqual({
        batchNo: 'Z-EARLY',
        productionDate: '2025-06-01',
        expiryDate: '2026-03-31',
        onHand: 10,
        reserved: 0,
        defective: 0,
      });
      expect(state).toMatchObject({ onHand: 10, reserved: 0, defective: 0 });
    });

    it('may bring several batches of the SKU under one reference, each once', () => {
      const state = given([received('PO1', 10, early)])
        .when(receive('PO1', 4, late))
        .then([received('PO1', 4, late)]);
      given([received('PO1', 10, early), received('PO1', 4, late)])
        .when(receive('PO1', 10, early))
        .thenNothing();
      expect(state.onHand).toBe(14);
    });

    it('keeps defective goods of a batch apart from its sellable ones', () => {
      const state = given([received('PO1', 3, early)])
        .when(receive('RT1', 2, early, 'DEFECTIVE'))
        .then([received('RT1', 2, early, 'DEFECTIVE')]);
      expect(state.batches['Z-EARLY']).toMatchObject({ onHand: 3, defective: 2 });
      expect(state).toMatchObject({ onHand: 3, defective: 2 });
    });

    it('without a batch goes to the "no batch" bucket and its event names none, as before', () => {
      const state = given([])
        .when(receive('PO1', 5))
        .then([received('PO1', 5)]);
      expect(state.batches['']).toMatchObject({ batchNo: null, onHand: 5, expiryDate: null });
    });

    it('refuses a batch number that is not an identifier, a date that is not an ISO date, and dates without a batch', () => {
      given([])
        .when(receive('PO1', 1, { batchNo: 'B 1', expiryDate: '2026-02-30' }))
        .thenRefusedNaming('INVALID_COMMAND', 'ReceiveStock is not valid', [
          { path: 'batchNo', message: 'must be 1–64 letters, digits, _ . or -' },
          { path: 'expiryDate', message: 'must be an ISO date such as 2026-03-31' },
        ]);
      given([])
        .when(receive('PO1', 1, { expiryDate: '2026-03-31' }))
        .thenRefusedNaming('INVALID_COMMAND', 'ReceiveStock is not valid', [
          { path: 'batchNo', message: 'must be given with a production or expiry date' },
        ]);
    });
  });

  describe('a reservation without a batch (first expiry, first out)', () => {
    it('takes the batch that expires first, whatever arrived first', () => {
      given(twoBatches)
        .when(reserve('OMS1#1', 4))
        .then([reserved('OMS1#1', 4, [{ batchNo: 'Z-EARLY', quantity: 4 }])]);
    });

    it('goes on to the next expiry only when the earlier batch is used up', () => {
      const state = given(twoBatches)
        .when(reserve('OMS1#1', 13))
        .then([
          reserved('OMS1#1', 13, [
            { batchNo: 'Z-EARLY', quantity: 10 },
            { batchNo: 'B-LATE', quantity: 3 },
          ]),
        ]);
      expect(toRecord(state.allocations)).toEqual({ 'OMS1#1': { 'Z-EARLY': 10, 'B-LATE': 3 } });
      expect(state).toMatchObject({ onHand: 20, reserved: 13 });
    });

    it('takes batches without an expiry date after those with one, goods without a batch last, ties by batch number', () => {
      given([
        received('PO1', 1),
        received('PO2', 1, { batchNo: 'B-NONE-2' }),
        received('PO3', 1, { batchNo: 'B-NONE-1' }),
        received('PO4', 1, { batchNo: 'B-Z', expiryDate: '2026-01-01' }),
        received('PO5', 1, { batchNo: 'B-A', expiryDate: '2026-01-01' }),
      ])
        .when(reserve('OMS1#1', 5))
        .then([
          reserved('OMS1#1', 5, [
            { batchNo: 'B-A', quantity: 1 },
            { batchNo: 'B-Z', quantity: 1 },
            { batchNo: 'B-NONE-1', quantity: 1 },
            { batchNo: 'B-NONE-2', quantity: 1 },
            { batchNo: null, quantity: 1 },
          ]),
        ]);
    });

    it('passes over what other reservations hold', () => {
      given([...twoBatches, reserved('OMS1#1', 8, [{ batchNo: 'Z-EARLY', quantity: 8 }])])
        .when(reserve('OMS2#1', 5))
        .then([
          reserved('OMS2#1', 5, [
            { batchNo: 'Z-EARLY', quantity: 2 },
            { batchNo: 'B-LATE', quantity: 3 },
          ]),
        ]);
    });

    it('never takes an expired batch (expired: its expiry date is before the day of `now`), but does on its last day', () => {
      const expired = received('PO0', 5, { batchNo: 'B-OLD', expiryDate: '2025-11-21' });
      const lastDay = received('PO9', 5, { batchNo: 'B-TODAY', expiryDate: '2025-11-22' });
      given([expired, ...twoBatches])
        .when(reserve('OMS1#1', 2))
        .then([reserved('OMS1#1', 2, [{ batchNo: 'Z-EARLY', quantity: 2 }])]);
      given([lastDay])
        .when(reserve('OMS1#1', 2))
        .then([reserved('OMS1#1', 2, [{ batchNo: 'B-TODAY', quantity: 2 }])]);
      given([expired]).when(reserve('OMS1#1', 1)).thenRefused('INSUFFICIENT_STOCK');
    });

    it('never takes defective goods', () => {
      given([received('RT1', 5, early, 'DEFECTIVE'), received('PO1', 2)])
        .when(reserve('OMS1#1', 3))
        .thenRefused('INSUFFICIENT_STOCK');
      given([received('RT1', 5, early, 'DEFECTIVE'), received('PO1', 2)])
        .when(reserve('OMS1#1', 2))
        .then([reserved('OMS1#1', 2)]);
    });
  });

  describe('a reservation naming a batch', () => {
    it('takes from that batch only, even when another expires first', () => {
      const state = given(twoBatches)
        .when(reserve('OMS1#1', 4, 'B-LATE'))
        .then([reserved('OMS1#1', 4, [{ batchNo: 'B-LATE', quantity: 4 }])]);
      expect(state.batches['Z-EARLY']).toMatchObject({ reserved: 0 });
      expect(state.batches['B-LATE']).toMatchObject({ reserved: 4 });
    });

    it('is short when that batch is, however much the others hold', () => {
      const refusal = given(twoBatches)
        .when(reserve('OMS1#1', 11, 'B-LATE'))
        .thenRefused('INSUFFICIENT_STOCK');
      expect(refusal.message).toBe('11 of SKU001 batch B-LATE asked for in WH001, but only 10 of that batch available');
      given(twoBatches)
        .when(reserve('OMS1#1', 1, 'B-UNKNOWN'))
        .thenRefused('INSUFFICIENT_STOCK');
    });

    it('takes a batch the ledger was never told of from the goods without a batch (theirs is unknown), never from another batch', () => {
      given([...twoBatches, received('PO3', 2)])
        .when(reserve('OMS1#1', 2, 'BATCH001'))
        .then([reserved('OMS1#1', 2)]);
      given([...twoBatches, received('PO3', 2)])
        .when(reserve('OMS1#1', 3, 'BATCH001'))
        .thenRefused('INSUFFICIENT_STOCK');
    });

    it('never takes the defective goods of that batch, nor an expired one', () => {
      given([received('RT1', 5, early, 'DEFECTIVE')])
        .when(reserve('OMS1#1', 1, 'Z-EARLY'))
        .thenRefused('INSUFFICIENT_STOCK');
      given([received('PO0', 5, { batchNo: 'B-OLD', expiryDate: '2025-11-21' })])
        .when(reserve('OMS1#1', 1, 'B-OLD'))
        .thenRefused('INSUFFICIENT_STOCK');
    });

    it('refuses a batch number that is not an identifier', () => {
      given(twoBatches)
        .when(reserve('OMS1#1', 1, 'B/1'))
        .thenRefusedNaming('INVALID_COMMAND', 'ReserveStock is not valid', [
          { path: 'batchNo', message: 'must be 1–64 letters, digits, _ . or -' },
        ]);
    });
  });

  describe('a deduction and a release', () => {
    const held = [
      ...twoBatches,
      reserved('OMS1#1', 13, [
        { batchNo: 'Z-EARLY', quantity: 10 },
        { batchNo: 'B-LATE', quantity: 3 },
      ]),
    ];

    it('a deduction consumes the reservation’s batches, earliest expiry first', () => {
      const state = given(held)
        .when(deduct('SF.1', 11, 'OMS1#1'))
        .then([
          deducted('SF.1', 11, 'OMS1#1', 11, [
            { batchNo: 'Z-EARLY', quantity: 10, fromReservation: 10 },
            { batchNo: 'B-LATE', quantity: 1, fromReservation: 1 },
          ]),
        ]);
      expect(figuresOf(state)).toEqual([
        { batchNo: 'Z-EARLY', onHand: 0, reserved: 0, defective: 0 },
        { batchNo: 'B-LATE', onHand: 9, reserved: 2, defective: 0 },
      ]);
      expect(toRecord(state.allocations)).toEqual({ 'OMS1#1': { 'B-LATE': 2 } });
    });

    it('a deduction beyond the reservation takes units nobody holds, earliest expiry first', () => {
      given([...twoBatches, reserved('OMS1#1', 2, [{ batchNo: 'B-LATE', quantity: 2 }])])
        .when(deduct('SF.1', 5, 'OMS1#1'))
        .then([
          deducted('SF.1', 5, 'OMS1#1', 2, [
            { batchNo: 'Z-EARLY', quantity: 3, fromReservation: 0 },
            { batchNo: 'B-LATE', quantity: 2, fromReservation: 2 },
          ]),
        ]);
    });

    it('a partial release gives back the latest expiry first, so the reservation keeps the earliest', () => {
      const state = given(held)
        .when(release('OMS1#1/cut', 'OMS1#1', 5))
        .then([
          released('OMS1#1/cut', 'OMS1#1', 5, [
            { batchNo: 'B-LATE', quantity: 3 },
            { batchNo: 'Z-EARLY', quantity: 2 },
          ]),
        ]);
      expect(toRecord(state.allocations)).toEqual({ 'OMS1#1': { 'Z-EARLY': 8 } });
      expect(available(state)).toBe(12);
    });

    it('releasing all gives every batch back', () => {
      const state = given(held)
        .when(release('OMS1#1/undo', 'OMS1#1', 'ALL'))
        .then([
          released('OMS1#1/undo', 'OMS1#1', 13, [
            { batchNo: 'B-LATE', quantity: 3 },
            { batchNo: 'Z-EARLY', quantity: 10 },
          ]),
        ]);
      expect(allocationOf(state, 'OMS1#1')).toEqual({});
      expect(Object.values(state.batches).map((batch) => batch.reserved)).toEqual([0, 0]);
    });
  });

  describe('a count', () => {
    it('lower than the ledger takes units nobody holds, earliest expiry first; higher adds to the "no batch" bucket', () => {
      const state = given([...twoBatches, reserved('OMS1#1', 9, [{ batchNo: 'Z-EARLY', quantity: 9 }])])
        .when(count('CNT1', 8))
        .then([
          {
            type: 'StockAdjusted',
            data: {
              ...ledger,
              reference: 'CNT1',
              previousOnHand: 20,
              countedOnHand: 8,
              delta: -12,
              countedAt: now,
              batches: [
                { batchNo: 'Z-EARLY', quantity: -2 },
                { batchNo: 'B-LATE', quantity: -10 },
              ],
            },
          },
          {
            type: 'StockAnomalyDetected',
            data: {
              ...ledger,
              reference: 'CNT1',
              kind: 'RESERVED_EXCEEDS_ON_HAND',
              onHand: 8,
              reserved: 9,
              detail: 'count CNT1 of 8 leaves 9 reserved but 8 on hand',
              detectedAt: now,
            },
          },
        ]);
      // 11 of the 12 were free (1 of Z-EARLY, 10 of B-LATE); the 12th was reserved: the anomaly says so
      expect(state.batches['Z-EARLY']).toMatchObject({ onHand: 8, reserved: 9 });
      expect(Object.values(state.batches).reduce((sum, batch) => sum + batch.onHand, 0)).toBe(8);
    });
  });

  describe('the warehouse’s word on a batch (a variance naming it)', () => {
    const change = (reference: string, quantity: number, batchNo: string, condition: Condition = 'SELLABLE'): StockCommand => ({
      type: 'RecordVariance',
      data: {
        ...ledger,
        reference,
        source: 'WAREHOUSE_CHANGE',
        condition,
        shelf: { kind: 'CHANGED_BY', quantity },
        reason: 'DAMAGED',
        batchNo,
        alertAbove: 100,
        now,
      },
    });

    it('moves that batch: a move to defective keeps the batch', () => {
      const lost = expectedVariance('CHG1/1', 'SELLABLE', 20, -2, 'B-LATE', [{ batchNo: 'B-LATE', quantity: -2 }]);
      given(twoBatches)
        .when(change('CHG1/1', -2, 'B-LATE'))
        .then(lost);
      const state = given([...twoBatches, ...lost])
        .when(change('CHG1/2', 2, 'B-LATE', 'DEFECTIVE'))
        .then(expectedVariance('CHG1/2', 'DEFECTIVE', 0, 2, 'B-LATE', [{ batchNo: 'B-LATE', quantity: 2 }]));
      expect(state.batches['B-LATE']).toMatchObject({ onHand: 8, defective: 2 });
      expect(state.batches['Z-EARLY']).toMatchObject({ onHand: 10, defective: 0 });
    });

    it('takes what the named batch lacks from the others, first expiry first, never the named one below zero', () => {
      given(twoBatches)
        .when(change('CHG1/1', -12, 'B-LATE'))
        .then(
          expectedVariance('CHG1/1', 'SELLABLE', 20, -12, 'B-LATE', [
            { batchNo: 'B-LATE', quantity: -10 },
            { batchNo: 'Z-EARLY', quantity: -2 },
          ]),
        );
      given(twoBatches)
        .when(change('CHG1/1', -12, 'Z-EARLY'))
        .then(
          expectedVariance('CHG1/1', 'SELLABLE', 20, -12, 'Z-EARLY', [
            { batchNo: 'Z-EARLY', quantity: -10 },
            { batchNo: 'B-LATE', quantity: -2 },
          ]),
        );
    });
  });

  describe('events written before batches were kept', () => {
    const old: StockEvent[] = [
      received('PO1', 10),
      received('RT1', 2, {}, 'DEFECTIVE'),
      reserved('OMS1#1', 6),
      released('OMS1#1/cut', 'OMS1#1', 1),
      deducted('SF.1', 4, 'OMS1#1', 4),
      {
        type: 'StockVarianceRecorded',
        data: {
          ...ledger,
          reference: 'CHG1/1',
          source: 'WAREHOUSE_CHANGE',
          condition: 'SELLABLE',
          hubFigure: 6,
          warehouseFigure: 5,
          difference: -1,
          reason: 'DAMAGED',
          batchNo: 'B7',
          recordedAt: now,
        },
      },
    ];

    it('replay to the same totals as before, all in the "no batch" bucket', () => {
      const state = stateAfter(old);
      expect(state).toMatchObject({ onHand: 5, reserved: 1, defective: 2 });
      expect(toRecord(state.reservations)).toEqual({ 'OMS1#1': 1 });
      expect(state.batches).toEqual({
        '': { batchNo: null, productionDate: null, expiryDate: null, onHand: 5, reserved: 1, defective: 2 },
      });
    });

    it('and what follows them is decided as before: events without batches', () => {
      given(old)
        .when(reserve('OMS2#1', 4))
        .then([reserved('OMS2#1', 4)]);
      given(old)
        .when(deduct('SF.2', 1, 'OMS1#1'))
        .then([deducted('SF.2', 1, 'OMS1#1', 1)]);
    });
  });
});
