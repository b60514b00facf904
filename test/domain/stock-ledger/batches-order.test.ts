/**
 * The first-expiry-first-out order to the letter, and the batches an event records: which, how
 * many of each, none at zero, and in what order (./batches.test.ts tells the story; this file pins
 * the edges: ties, batches without an expiry date, the day of `now` in its own offset, batch
 * numbers that read as numbers, a movement that takes free units before reserved ones).
 */
import { describe, expect, it } from 'vitest';
import {
  type Allocation,
  type BatchFigures,
  type StockAnomalyKind,
  type StockCommand,
  type StockEvent,
  byFirstExpiry,
  dateOf,
  fefoOrder,
  isIsoDate,
  stockLedgerDecider,
} from '../../../src/domain/stock-ledger/index.ts';
import { fold } from '../../../src/domain/kernel/decider.ts';
import { specFor } from '../../support/decider-spec.ts';
import {
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

const defectiveChange = (reference: string, quantity: number): StockCommand => ({
  type: 'RecordVariance',
  data: {
    ...ledger,
    reference,
    source: 'WAREHOUSE_CHANGE',
    condition: 'DEFECTIVE',
    shelf: { kind: 'CHANGED_BY', quantity },
    reason: 'SCRAPPED',
    batchNo: null,
    alertAbove: 100,
    now,
  },
});
const counted = (reference: string, previousOnHand: number, countedOnHand: number, batches: Allocation): StockEvent => ({
  type: 'StockAdjusted',
  data: { ...ledger, reference, previousOnHand, countedOnHand, delta: countedOnHand - previousOnHand, countedAt: now, batches },
});
const anomaly = (reference: string, kind: StockAnomalyKind, onHand: number, held: number, detail: string): StockEvent => ({
  type: 'StockAnomalyDetected',
  data: { ...ledger, reference, kind, onHand, reserved: held, detail, detectedAt: now },
});

/** every order of `items` */
const orders = <T>(items: readonly T[]): T[][] =>
  items.length <= 1 ? [[...items]] : items.flatMap((item, i) => orders(items.filter((_, j) => j !== i)).map((rest) => [item, ...rest]));

const figures = (batchNo: string | null, expiryDate: string | null): BatchFigures => ({
  batchNo,
  productionDate: null,
  expiryDate,
  onHand: 1,
  reserved: 0,
  defective: 0,
});

describe('the first-expiry-first-out order, to the letter', () => {
  describe('byFirstExpiry', () => {
    /** first expiry first; same expiry by batch number; then no expiry by batch number; then no batch */
    const inOrder: readonly BatchFigures[] = [
      figures('Z-FIRST', '2025-12-31'),
      figures('A-SAME', '2026-01-01'),
      figures('M-SAME', '2026-01-01'),
      figures('Z-SAME', '2026-01-01'),
      figures('B-LATER', '2026-06-30'),
      figures('A-NONE', null),
      figures('B-NONE', null),
      figures(null, null),
    ];

    it('puts every pair in that order, whichever comes first, and says a batch is level with itself', () => {
      for (const [i, a] of inOrder.entries()) {
        for (const [j, b] of inOrder.entries()) {
          expect({ a: a.batchNo, b: b.batchNo, sign: Math.sign(byFirstExpiry(a, b)) }).toEqual({
            a: a.batchNo,
            b: b.batchNo,
            sign: Math.sign(i - j),
          });
        }
      }
    });

    it('sorts them so from any starting order', () => {
      for (const start of [[...inOrder].reverse(), [...inOrder.slice(4), ...inOrder.slice(0, 4)], [...inOrder]]) {
        expect([...start].sort(byFirstExpiry).map((batch) => batch.batchNo)).toEqual(inOrder.map((batch) => batch.batchNo));
      }
    });
  });

  describe('a reservation without a batch', () => {
    const sameDay = [
      received('PO-M', 1, { batchNo: 'M-SAME', expiryDate: '2026-01-01' }),
      received('PO-A', 1, { batchNo: 'A-SAME', expiryDate: '2026-01-01' }),
      received('PO-Z', 1, { batchNo: 'Z-SAME', expiryDate: '2026-01-01' }),
    ];

    it('takes batches of the same expiry by batch number, whatever order they arrived in', () => {
      for (const arrival of orders(sameDay)) {
        expect(fefoOrder(fold(stockLedgerDecider, arrival)).map((batch) => batch.batchNo)).toEqual(['A-SAME', 'M-SAME', 'Z-SAME']);
        given(arrival)
          .when(reserve('OMS1#1', 2))
          .then([
            reserved('OMS1#1', 2, [
              { batchNo: 'A-SAME', quantity: 1 },
              { batchNo: 'M-SAME', quantity: 1 },
            ]),
          ]);
      }
    });

    it('takes a batch without an expiry date after those with one, whatever order they arrived in', () => {
      const batches = [
        received('PO-A', 1, { batchNo: 'A-NONE', productionDate: '2025-01-01' }),
        received('PO-Z', 1, { batchNo: 'Z-DATED', expiryDate: '2026-12-31' }),
        received('PO-B', 1, { batchNo: 'B-DATED', expiryDate: '2026-12-31' }),
      ];
      for (const arrival of orders(batches)) {
        expect(fefoOrder(fold(stockLedgerDecider, arrival)).map((batch) => batch.batchNo)).toEqual(['B-DATED', 'Z-DATED', 'A-NONE']);
        given(arrival)
          .when(reserve('OMS1#1', 3))
          .then([
            reserved('OMS1#1', 3, [
              { batchNo: 'B-DATED', quantity: 1 },
              { batchNo: 'Z-DATED', quantity: 1 },
              { batchNo: 'A-NONE', quantity: 1 },
            ]),
          ]);
      }
    });
  });

  describe('the day of `now`, in its own offset', () => {
    it('is the date `now` writes, however far its offset is from this machine’s', () => {
      expect(dateOf('2026-05-01T23:30:00-12:00')).toBe('2026-05-01');
      expect(dateOf('2026-05-01T00:30:00+14:00')).toBe('2026-05-01');
      expect(dateOf('2026-05-01T23:30:00.000Z')).toBe('2026-05-01');
    });

    it('is read from an instant in the ISO basic format too, not cut from its first ten characters', () => {
      expect(dateOf('20260501T233000-0800')).toBe('2026-05-01');
    });

    it('is the first ten characters of a text that is no instant (the decider refuses one before it asks)', () => {
      expect(dateOf('not an instant')).toBe('not an ins');
    });

    it('a batch on its last day in `now`’s offset is taken, one past it is not, whichever the offset', () => {
      const lastDay = received('PO1', 5, { batchNo: 'B-MAY1', expiryDate: '2026-05-01' });
      const dayBefore = received('PO2', 5, { batchNo: 'B-APR30', expiryDate: '2026-04-30' });
      // late on May 1st far west of UTC: already May 2nd in UTC, still May 1st where it was sent
      const lateWest = '2026-05-01T23:30:00-12:00';
      given([lastDay])
        .when(reserve('OMS1#1', 2, undefined, lateWest))
        .then([reserved('OMS1#1', 2, [{ batchNo: 'B-MAY1', quantity: 2 }], lateWest)]);
      // early on May 1st far east of UTC: still April 30th in UTC, already May 1st where it was sent
      const earlyEast = '2026-05-01T00:30:00+14:00';
      given([dayBefore])
        .when(reserve('OMS1#1', 2, undefined, earlyEast))
        .thenRefused('INSUFFICIENT_STOCK');
      given([dayBefore, lastDay])
        .when(reserve('OMS1#1', 2, undefined, earlyEast))
        .then([reserved('OMS1#1', 2, [{ batchNo: 'B-MAY1', quantity: 2 }], earlyEast)]);
      // the ISO basic format
      const basic = '20260501T233000-0800';
      given([lastDay])
        .when(reserve('OMS1#1', 2, undefined, basic))
        .then([reserved('OMS1#1', 2, [{ batchNo: 'B-MAY1', quantity: 2 }], basic)]);
    });
  });

  describe('the dates of a receipt', () => {
    const notDates: readonly unknown[] = [
      '2026-13-01',
      '2026-02-30',
      '2026-00-10',
      'x2026-01-01',
      '2026-01-01x',
      '+002026-01-01',
      '2026-01-01T00:00',
      '20260101',
      20260101,
      ['2026-01-01'],
    ];

    it('are refused unless each is a calendar date written YYYY-MM-DD, and nothing more', () => {
      for (const value of notDates) {
        expect({ value, iso: isIsoDate(value) }).toEqual({ value, iso: false });
        given([])
          .when(receive('PO1', 1, { batchNo: 'B1', expiryDate: value as string }))
          .thenRefusedNaming('INVALID_COMMAND', 'ReceiveStock is not valid', [
            { path: 'expiryDate', message: 'must be an ISO date such as 2026-03-31' },
          ]);
        given([])
          .when(receive('PO1', 1, { batchNo: 'B1', productionDate: value as string }))
          .thenRefusedNaming('INVALID_COMMAND', 'ReceiveStock is not valid', [
            { path: 'productionDate', message: 'must be an ISO date such as 2026-03-31' },
          ]);
      }
    });

    it('are kept when they are, a leap day included', () => {
      expect(isIsoDate('2028-02-29')).toBe(true);
      const dates = { batchNo: 'B1', productionDate: '2024-02-29', expiryDate: '2026-12-31' };
      given([])
        .when(receive('PO1', 1, dates))
        .then([received('PO1', 1, dates)]);
    });
  });

  describe('what a reservation holds, as its deductions and releases read it', () => {
    // batch numbers that read as numbers: an object lists such keys in numeric order, whatever order they came in
    const lot2 = { batchNo: '2', expiryDate: '2026-03-31' };
    const lot1 = { batchNo: '1', expiryDate: '2026-09-30' };
    const lots = [received('PO1', 10, lot1), received('PO2', 10, lot2)];
    const held = [
      ...lots,
      reserved('OMS1#1', 13, [
        { batchNo: '2', quantity: 10 },
        { batchNo: '1', quantity: 3 },
      ]),
    ];

    it('a reservation of such lots takes the first expiry first', () => {
      given(lots)
        .when(reserve('OMS1#1', 13))
        .then([
          reserved('OMS1#1', 13, [
            { batchNo: '2', quantity: 10 },
            { batchNo: '1', quantity: 3 },
          ]),
        ]);
    });

    it('a deduction takes its first expiry first, whatever the batch numbers', () => {
      given(held)
        .when(deduct('SF.1', 11, 'OMS1#1'))
        .then([
          deducted('SF.1', 11, 'OMS1#1', 11, [
            { batchNo: '2', quantity: 10, fromReservation: 10 },
            { batchNo: '1', quantity: 1, fromReservation: 1 },
          ]),
        ]);
    });

    it('a release gives back its latest expiry first, whatever the batch numbers', () => {
      given(held)
        .when(release('OMS1#1/cut', 'OMS1#1', 5))
        .then([
          released('OMS1#1/cut', 'OMS1#1', 5, [
            { batchNo: '1', quantity: 3 },
            { batchNo: '2', quantity: 2 },
          ]),
        ]);
    });

    it('a release that one batch covers names that batch only, no other at zero', () => {
      given(held)
        .when(release('OMS1#1/cut', 'OMS1#1', 3))
        .then([released('OMS1#1/cut', 'OMS1#1', 3, [{ batchNo: '1', quantity: 3 }])]);
    });

    it('a deduction that one batch covers names that batch only, and takes nothing it does not hold', () => {
      given(held)
        .when(deduct('SF.1', 5, 'OMS1#1'))
        .then([deducted('SF.1', 5, 'OMS1#1', 5, [{ batchNo: '2', quantity: 5, fromReservation: 5 }])]);
    });
  });

  describe('units leaving when nothing says which batch', () => {
    it('a count that one batch covers names that batch only, no other at zero', () => {
      given(twoBatches)
        .when(count('CNT1', 15))
        .then([counted('CNT1', 20, 15, [{ batchNo: 'Z-EARLY', quantity: -5 }])]);
    });

    it('a shipment beyond its reservation takes what is free of each batch first, not what another reservation holds', () => {
      given([...twoBatches, reserved('OMS2#1', 9, [{ batchNo: 'Z-EARLY', quantity: 9 }])])
        .when(deduct('SF.1', 5))
        .then([
          deducted('SF.1', 5, null, 0, [
            { batchNo: 'Z-EARLY', quantity: 1, fromReservation: 0 },
            { batchNo: 'B-LATE', quantity: 4, fromReservation: 0 },
          ]),
        ]);
    });

    it('takes reserved units only when no free ones are left, and never more than a batch holds: the rest goes below zero without a batch', () => {
      given([received('PO2/EARLY', 10, early), reserved('OMS2#1', 3, [{ batchNo: 'Z-EARLY', quantity: 3 }])])
        .when(deduct('SF.1', 12))
        .then([
          deducted('SF.1', 12, null, 0, [
            { batchNo: 'Z-EARLY', quantity: 10, fromReservation: 0 },
            { batchNo: null, quantity: 2, fromReservation: 0 },
          ]),
          anomaly('SF.1', 'NEGATIVE_ON_HAND', -2, 3, 'shipment SF.1 of 12 leaves on hand at -2'),
          anomaly('SF.1', 'RESERVED_EXCEEDS_ON_HAND', -2, 3, 'shipment SF.1 of 12 leaves 3 reserved but -2 on hand'),
        ]);
    });

    it('a shipment beyond its reservation counts the units its reservation gives as gone from their batch', () => {
      given([
        ...twoBatches,
        reserved('OMS1#1', 4, [{ batchNo: 'Z-EARLY', quantity: 4 }]),
        reserved('OMS2#1', 6, [{ batchNo: 'Z-EARLY', quantity: 6 }]),
        reserved('OMS3#1', 10, [{ batchNo: 'B-LATE', quantity: 10 }]),
      ])
        .when(deduct('SF.1', 12, 'OMS1#1'))
        .then([
          deducted('SF.1', 12, 'OMS1#1', 4, [
            { batchNo: 'Z-EARLY', quantity: 10, fromReservation: 4 },
            { batchNo: 'B-LATE', quantity: 2, fromReservation: 0 },
          ]),
          anomaly('SF.1', 'RESERVED_EXCEEDS_ON_HAND', 8, 16, 'shipment SF.1 of 12 leaves 16 reserved but 8 on hand'),
        ]);
    });

    it('records the batches first expiry first, though free units of a later batch were taken before reserved ones of an earlier', () => {
      given([...twoBatches, reserved('OMS1#1', 10, [{ batchNo: 'Z-EARLY', quantity: 10 }])])
        .when(count('CNT1', 8))
        .then([
          counted('CNT1', 20, 8, [
            { batchNo: 'Z-EARLY', quantity: -2 },
            { batchNo: 'B-LATE', quantity: -10 },
          ]),
          anomaly('CNT1', 'RESERVED_EXCEEDS_ON_HAND', 8, 10, 'count CNT1 of 8 leaves 10 reserved but 8 on hand'),
        ]);
    });

    it('defective units leave from the batches that hold defective units, whatever sellable ones the others hold', () => {
      const state = given([...twoBatches, received('RT1', 3, late, 'DEFECTIVE')])
        .when(defectiveChange('SCRAP1', -2))
        .then([
          {
            type: 'StockVarianceRecorded',
            data: {
              ...ledger,
              reference: 'SCRAP1',
              source: 'WAREHOUSE_CHANGE',
              condition: 'DEFECTIVE',
              hubFigure: 3,
              warehouseFigure: 1,
              difference: -2,
              reason: 'SCRAPPED',
              batchNo: null,
              recordedAt: now,
              batches: [{ batchNo: 'B-LATE', quantity: -2 }],
            },
          },
        ]);
      expect(state.batches['Z-EARLY']).toMatchObject({ onHand: 10, defective: 0 });
      expect(state.batches['B-LATE']).toMatchObject({ onHand: 10, defective: 1 });
    });
  });
});
