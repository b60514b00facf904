import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { entriesOf } from '../../../src/domain/kernel/persistent-map.ts';
import { dateOf } from '../../../src/domain/stock-ledger/batches.ts';
import {
  type StockCommand,
  type StockEvent,
  type StockLedgerState,
  allocationOf,
  reservable,
  reservationsHeld,
  stockLedgerDecider,
} from '../../../src/domain/stock-ledger/index.ts';
import { instantArb, run } from '../../support/arbitraries-decider.ts';
import { deciderLaws } from '../../support/decider-laws.ts';

const ledger = { warehouseCode: 'WH001', sku: 'SKU001' };
/**
 * A few batches, each with its own dates: one that expires within the days the commands are sent
 * (instantArb: 2025-11-22 to 2025-11-27), two later, one without an expiry date, and no batch.
 * Their numbers sort against their expiry, so that an order by number or by arrival is caught.
 */
const batchArb = fc.constantFrom(
  { batchNo: 'Z-SOON', expiryDate: '2025-11-24' },
  { batchNo: 'B2', productionDate: '2025-01-10', expiryDate: '2026-01-10' },
  { batchNo: 'B1', expiryDate: '2026-02-01' },
  { batchNo: 'A0' },
  {},
);
const reference = fc.constantFrom('R1', 'R2', 'R3');
const reservation = fc.constantFrom('OMS1#1', 'OMS2#1', 'OMS3#1');
const quantity = fc.integer({ min: 1, max: 6 });

const command: fc.Arbitrary<StockCommand> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record({ reference, batch: batchArb, quantity, defective: fc.boolean(), now: instantArb })
      .map(({ batch, defective, ...data }): StockCommand => ({
        type: 'ReceiveStock',
        data: { ...ledger, ...data, ...batch, quantity: data.quantity * 2, condition: defective ? 'DEFECTIVE' : 'SELLABLE' },
      })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        reference: reservation,
        quantity,
        named: fc.option(fc.constantFrom('Z-SOON', 'B2', 'B1', 'A0', 'NEVER-RECEIVED'), { nil: undefined }),
        now: instantArb,
      })
      .map(({ named, ...data }): StockCommand => ({
        type: 'ReserveStock',
        data: { ...ledger, ...data, ...(named === undefined ? {} : { batchNo: named }) },
      })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ reference, reservation, quantity: fc.oneof(quantity, fc.constant('ALL' as const)), now: instantArb })
      .map((data): StockCommand => ({ type: 'ReleaseStock', data: { ...ledger, ...data } })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({ reference, reservation: fc.option(reservation, { nil: undefined }), quantity, now: instantArb })
      .map((data): StockCommand => ({ type: 'DeductStock', data: { ...ledger, ...data } })),
  },
);
const commands = fc.array(command, { maxLength: 40, size: 'medium' });

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

const batchesOf = (state: StockLedgerState) => Object.values(state.batches);

/** What the reservations hold of each batch, from their allocations. */
const heldPerBatch = (state: StockLedgerState): Map<string, number> => {
  const held = new Map<string, number>();
  for (const [, allocation] of entriesOf(state.allocations))
    for (const [key, q] of Object.entries(allocation)) held.set(key, (held.get(key) ?? 0) + q);
  return held;
};

const anomaliesIn = (events: readonly StockEvent[]): number => events.filter((e) => e.type === 'StockAnomalyDetected').length;

describe('stock ledger properties, with batches', () => {
  deciderLaws(stockLedgerDecider, commands, 300);

  test.prop([commands], { numRuns: 1000 })(
    'the batches add up to the totals after every step, and no batch figure goes below zero or reserved above on hand unless an anomaly was raised',
    (history) => {
      let anomalies = 0;
      for (const step of run(stockLedgerDecider, history)) {
        anomalies += anomaliesIn(step.events);
        const state = step.after;
        const batches = batchesOf(state);
        expect({
          onHand: sum(batches.map((b) => b.onHand)),
          reserved: sum(batches.map((b) => b.reserved)),
          defective: sum(batches.map((b) => b.defective)),
        }).toEqual({ onHand: state.onHand, reserved: state.reserved, defective: state.defective });
        // each reservation's batches add up to what it holds, and each batch's reserved to what the reservations hold of it
        for (const [ref, held] of reservationsHeld(state)) {
          expect(sum(Object.values(allocationOf(state, ref)))).toBe(held);
        }
        const held = heldPerBatch(state);
        for (const batch of batches) expect(held.get(batch.batchNo ?? '') ?? 0).toBe(batch.reserved);
        if (anomalies === 0) {
          for (const batch of batches) {
            expect(batch.onHand).toBeGreaterThanOrEqual(0);
            expect(batch.defective).toBeGreaterThanOrEqual(0);
            expect(batch.reserved).toBeGreaterThanOrEqual(0);
            expect(batch.reserved).toBeLessThanOrEqual(batch.onHand);
          }
        }
      }
    },
  );

  test.prop([commands], { numRuns: 1000 })(
    'a reservation without a batch never takes a later-expiring batch while an earlier one still has stock it could take; one naming a batch takes from it only (an unknown one: from the goods without a batch); neither takes defective or expired goods',
    (history) => {
      for (const step of run(stockLedgerDecider, history)) {
        if (step.command.type !== 'ReserveStock') continue;
        const reservedEvent = step.events.find((e) => e.type === 'StockReserved');
        if (reservedEvent?.type !== 'StockReserved') continue;
        const today = dateOf(step.command.data.now);
        const allocation = reservedEvent.data.batches ?? [{ batchNo: null, quantity: reservedEvent.data.quantity }];
        expect(sum(allocation.map((part) => part.quantity))).toBe(reservedEvent.data.quantity);
        for (const part of allocation) {
          const before = step.before.batches[part.batchNo ?? ''];
          expect(before).toBeDefined();
          if (before === undefined) continue;
          // never more than the batch's sellable, unreserved, unexpired units
          expect(part.quantity).toBeLessThanOrEqual(reservable(before, today));
          const named = step.command.data.batchNo;
          if (named !== undefined) {
            // that batch only; one the ledger was never told of, from the goods without a batch
            expect(part.batchNo).toBe(step.before.batches[named] === undefined ? null : named);
            continue;
          }
          // the oracle is the rule itself, not the ledger's ordering: a strictly earlier expiry date,
          // or any expiry date against none, or any batch against the goods without a batch
          for (const other of batchesOf(step.after)) {
            const earlier =
              (other.expiryDate !== null && (before.expiryDate === null || other.expiryDate < before.expiryDate)) ||
              (other.batchNo !== null && before.batchNo === null);
            if (earlier) expect({ batch: other.batchNo, left: reservable(other, today) }).toEqual({ batch: other.batchNo, left: 0 });
          }
        }
      }
    },
  );
});
