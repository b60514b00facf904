import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { type StockCommand, type StockEvent, reservationsHeld, stockLedgerDecider } from '../../../src/domain/stock-ledger/index.ts';
import { instantArb, run } from '../../support/arbitraries-decider.ts';
import { deciderLaws } from '../../support/decider-laws.ts';

const ledger = { warehouseCode: 'WH001', sku: 'SKU001' };
// Small pools, so that references collide and commands are redelivered.
const reference = fc.constantFrom('R1', 'R2', 'R3', 'R4');
const reservation = fc.constantFrom('OMS1#1', 'OMS2#1', 'OMS3#1');
const quantity = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 6 }), weight: 9 }, { arbitrary: fc.constantFrom(0, -1, 1.5), weight: 1 });

const command: fc.Arbitrary<StockCommand> = fc.oneof(
  fc
    .record({
      reference,
      quantity: quantity.map((q) => q * 2),
      condition: fc.constantFrom('SELLABLE' as const, 'DEFECTIVE' as const),
      now: instantArb,
    })
    .map((data): StockCommand => ({ type: 'ReceiveStock', data: { ...ledger, ...data } })),
  fc
    .record({ reference: reservation, quantity, now: instantArb })
    .map((data): StockCommand => ({ type: 'ReserveStock', data: { ...ledger, ...data } })),
  fc
    .record({ reference, reservation, quantity: fc.oneof(quantity, fc.constant('ALL' as const)), now: instantArb })
    .map((data): StockCommand => ({ type: 'ReleaseStock', data: { ...ledger, ...data } })),
  fc
    .record({ reference, reservation: fc.option(reservation, { nil: undefined }), quantity, now: instantArb })
    .map((data): StockCommand => ({ type: 'DeductStock', data: { ...ledger, ...data } })),
  fc
    .record({ reference, countedOnHand: fc.integer({ min: -1, max: 12 }), now: instantArb })
    .map((data): StockCommand => ({ type: 'AdjustStock', data: { ...ledger, ...data } })),
  fc
    .record({
      reference,
      source: fc.constantFrom('WMS_SHORTAGE' as const, 'WAREHOUSE_CHANGE' as const, 'RECONCILIATION' as const),
      condition: fc.constantFrom('SELLABLE' as const, 'DEFECTIVE' as const),
      shelf: fc.oneof(
        fc.integer({ min: -1, max: 12 }).map((quantity) => ({ kind: 'COUNTED' as const, quantity })),
        fc.integer({ min: -6, max: 6 }).map((quantity) => ({ kind: 'CHANGED_BY' as const, quantity })),
      ),
      reason: fc.constantFrom('SHORT', 'DAMAGED', ' '),
      batchNo: fc.constantFrom(null, 'B1'),
      alertAbove: fc.integer({ min: 0, max: 5 }),
      now: instantArb,
    })
    .map((data): StockCommand => ({ type: 'RecordVariance', data: { ...ledger, ...data } })),
);
const commands = fc.array(command, { maxLength: 40, size: 'medium' });

/** The figures recomputed from the events alone, without `evolve`. */
const figures = (events: readonly StockEvent[]) => {
  let onHand = 0;
  let reserved = 0;
  let defective = 0;
  for (const event of events) {
    if (event.type === 'StockReceived') {
      if (event.data.condition === 'SELLABLE') onHand += event.data.quantity;
      else defective += event.data.quantity;
    }
    if (event.type === 'StockReserved') reserved += event.data.quantity;
    if (event.type === 'StockReleased') reserved -= event.data.quantity;
    if (event.type === 'StockDeducted') {
      onHand -= event.data.quantity;
      reserved -= event.data.fromReservation;
    }
    if (event.type === 'StockAdjusted') onHand += event.data.delta;
    if (event.type === 'StockVarianceRecorded') {
      if (event.data.condition === 'SELLABLE') onHand += event.data.difference;
      else defective += event.data.difference;
    }
  }
  const anomalies = events.filter((e) => e.type === 'StockAnomalyDetected').map((e) => e.data.kind);
  return { onHand, reserved, defective, anomalies };
};

describe('stock ledger properties', () => {
  deciderLaws(stockLedgerDecider, commands);

  test.prop([commands], { numRuns: 1000 })('quantities add up after every step', (history) => {
    const steps = run(stockLedgerDecider, history);
    const events: StockEvent[] = [];
    for (const step of steps) {
      events.push(...step.events);
      const state = step.after;
      const expected = figures(events);
      expect({ onHand: state.onHand, reserved: state.reserved, defective: state.defective }).toEqual({
        onHand: expected.onHand,
        reserved: expected.reserved,
        defective: expected.defective,
      });
      expect(state.anomalies).toBe(expected.anomalies.length);
      // the batches add up to the totals, whatever moved them
      const batches = Object.values(state.batches);
      expect({
        onHand: batches.reduce((sum, b) => sum + b.onHand, 0),
        reserved: batches.reduce((sum, b) => sum + b.reserved, 0),
        defective: batches.reduce((sum, b) => sum + b.defective, 0),
      }).toEqual({ onHand: state.onHand, reserved: state.reserved, defective: state.defective });
      const held = [...reservationsHeld(state)].map(([, q]) => q);
      expect(held.reduce((a, b) => a + b, 0)).toBe(state.reserved);
      expect(held.every((q) => q > 0)).toBe(true);
      if (!expected.anomalies.includes('NEGATIVE_DEFECTIVE')) expect(state.defective).toBeGreaterThanOrEqual(0);
      if (!expected.anomalies.includes('NEGATIVE_ON_HAND')) expect(state.onHand).toBeGreaterThanOrEqual(0);
      if (expected.anomalies.length === 0) expect(state.reserved).toBeLessThanOrEqual(state.onHand);
      // a request never causes an anomaly: only facts do
      if (step.command.type === 'ReserveStock' || step.command.type === 'ReleaseStock') {
        expect(step.events.every((e) => e.type !== 'StockAnomalyDetected')).toBe(true);
        expect(state.reserved).toBeLessThanOrEqual(Math.max(state.onHand, step.before.reserved));
      }
    }
  });

  test.prop([commands], { numRuns: 1000 })(
    'a shipment or a count raises an anomaly exactly when the figures it leaves break an invariant, and states those figures',
    (history) => {
      for (const step of run(stockLedgerDecider, history)) {
        if (step.command.type !== 'DeductStock' && step.command.type !== 'AdjustStock') continue;
        if (step.events.length === 0) continue;
        const { onHand, reserved } = step.after;
        const anomalies = step.events.flatMap((e) => (e.type === 'StockAnomalyDetected' ? [e.data] : []));
        expect(anomalies.map((a) => a.kind)).toEqual([
          ...(onHand < 0 ? ['NEGATIVE_ON_HAND'] : []),
          ...(reserved > 0 && reserved > onHand ? ['RESERVED_EXCEEDS_ON_HAND'] : []),
        ]);
        for (const a of anomalies) expect({ onHand: a.onHand, reserved: a.reserved }).toEqual({ onHand, reserved });
      }
    },
  );

  test.prop([commands], { numRuns: 1000 })(
    'a variance moves only the figure of its condition, to what the warehouse says, and raises the anomalies of that figure and of its size',
    (history) => {
      for (const step of run(stockLedgerDecider, history)) {
        if (step.command.type !== 'RecordVariance' || step.events.length === 0) continue;
        const { condition, shelf, alertAbove } = step.command.data;
        const [recorded, ...anomalies] = step.events;
        const figureOf = (state: typeof step.after) => (condition === 'SELLABLE' ? state.onHand : state.defective);
        const otherOf = (state: typeof step.after) => (condition === 'SELLABLE' ? state.defective : state.onHand);
        expect(figureOf(step.after)).toBe(shelf.kind === 'COUNTED' ? shelf.quantity : figureOf(step.before) + shelf.quantity);
        expect(otherOf(step.after)).toBe(otherOf(step.before));
        expect({ reserved: step.after.reserved, held: [...reservationsHeld(step.after)] }).toEqual({
          reserved: step.before.reserved,
          held: [...reservationsHeld(step.before)],
        });
        expect(recorded?.type === 'StockVarianceRecorded' && recorded.data).toMatchObject({
          hubFigure: figureOf(step.before),
          warehouseFigure: figureOf(step.after),
          difference: figureOf(step.after) - figureOf(step.before),
        });
        const { onHand, reserved, defective } = step.after;
        const difference = figureOf(step.after) - figureOf(step.before);
        expect(anomalies.map((e) => e.type === 'StockAnomalyDetected' && e.data.kind)).toEqual([
          ...(condition === 'SELLABLE' && onHand < 0 ? ['NEGATIVE_ON_HAND'] : []),
          ...(condition === 'SELLABLE' && reserved > 0 && reserved > onHand ? ['RESERVED_EXCEEDS_ON_HAND'] : []),
          ...(condition === 'DEFECTIVE' && defective < 0 ? ['NEGATIVE_DEFECTIVE'] : []),
          ...(Math.abs(difference) > alertAbove ? ['LARGE_VARIANCE'] : []),
        ]);
      }
    },
  );

  test.prop([commands], { numRuns: 1000 })('a ledger is never terminal: a fact is always recorded', (history) => {
    for (const step of run(stockLedgerDecider, history)) {
      expect(stockLedgerDecider.isTerminal(step.after)).toBe(false);
      const isFact =
        step.command.type === 'ReceiveStock' ||
        step.command.type === 'DeductStock' ||
        step.command.type === 'AdjustStock' ||
        step.command.type === 'RecordVariance';
      if (isFact && step.refused !== null) expect(step.refused.reason).toBe('INVALID_COMMAND');
    }
  });
});
