import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { fold } from '../../../src/domain/kernel/decider.ts';
import {
  type ReturnCommand,
  type ReturnEvent,
  type ReturnState,
  inspectedTotals,
  returnOrderDecider,
} from '../../../src/domain/return-order/index.ts';
import { instantArb, outcome, run } from '../../support/arbitraries-decider.ts';
import { deciderLaws } from '../../support/decider-laws.ts';

const decider = returnOrderDecider;
const returnNo = fc.oneof({ arbitrary: fc.constant('RT1'), weight: 12 }, { arbitrary: fc.constant('RT2'), weight: 1 });
const sku = fc.constantFrom('SKU001', 'SKU002', 'SKU003');
const figures = fc.dictionary(sku, fc.integer({ min: 0, max: 3 }), { maxKeys: 3 });

const create = fc
  .record({
    returnNo,
    reason: fc.constantFrom('wrong size', 'damaged'),
    lines: fc.uniqueArray(fc.record({ sku, quantity: fc.integer({ min: 1, max: 3 }) }), {
      selector: (l) => l.sku,
      minLength: 1,
      maxLength: 2,
    }),
    shipped: fc.oneof(fc.constant({ SKU001: 3, SKU002: 3 }), figures),
    alreadyReturned: fc.oneof(fc.constant({}), figures),
    now: instantArb,
  })
  .map((d): ReturnCommand => ({ type: 'CreateReturn', data: { ...d, orderNo: 'OMS1', warehouseCode: 'WH001' } }));
const command: fc.Arbitrary<ReturnCommand> = fc.oneof(
  create,
  fc
    .record({
      returnNo,
      inspectionNo: fc.constantFrom('QC1', 'QC2', 'QC3'),
      lines: fc.array(fc.record({ sku, qualified: fc.integer({ min: 0, max: 3 }), defective: fc.integer({ min: 0, max: 2 }) }), {
        maxLength: 3,
      }),
      inspectedAt: instantArb,
      now: instantArb,
    })
    .map((d): ReturnCommand => ({ type: 'RecordReturnInspection', data: d })),
  fc
    .record({ returnNo, requestId: fc.constantFrom('Q1', 'Q2'), now: instantArb })
    .map((d): ReturnCommand => ({ type: 'CloseReturn', data: { ...d, closedBy: 'ops' } })),
);
const commands = fc
  .tuple(fc.option(create, { freq: 5 }), fc.array(command, { maxLength: 25, size: 'medium' }))
  .map(([first, rest]) => (first === null ? rest : [first, ...rest]));

describe('return order properties', () => {
  deciderLaws(decider, commands);

  test.prop([commands], { numRuns: 1000 })('returned quantities add up after every step', (history) => {
    const events: ReturnEvent[] = [];
    for (const step of run(decider, history)) {
      events.push(...step.events);
      const state = step.after;
      const created = events.find((e) => e.type === 'ReturnCreated');
      if (created !== undefined) {
        // what was accepted never exceeds what may still be returned
        for (const l of created.data.lines) {
          expect(l.quantity).toBeLessThanOrEqual((created.data.shipped[l.sku] ?? 0) - (created.data.alreadyReturned[l.sku] ?? 0));
        }
      }
      const inspections = events.filter((e) => e.type === 'ReturnInspected');
      expect(inspections.length).toBeLessThanOrEqual(1);
      const inspection = inspections[0];
      if (inspection === undefined || created === undefined) {
        expect(state.returned).toEqual({});
        continue;
      }
      const totals = inspectedTotals(inspection.data.lines);
      // qualified + defective per SKU is what was received, and both are recorded
      expect(Object.fromEntries(Object.entries(state.returned).map(([s, r]) => [s, r.qualified + r.defective]))).toEqual(
        Object.fromEntries(totals),
      );
      for (const [s, r] of Object.entries(state.returned)) {
        const lines = inspection.data.lines.filter((l) => l.sku === s);
        expect(r).toEqual({ qualified: lines.reduce((a, l) => a + l.qualified, 0), defective: lines.reduce((a, l) => a + l.defective, 0) });
      }
      // every difference against the announced lines is an anomaly, with the right figures
      const expected = new Map(created.data.lines.map((l) => [l.sku, l.quantity]));
      const found = events.filter((e) => e.type === 'AnomalyDetected' && e.data.kind !== 'SECOND_INSPECTION');
      for (const s of new Set([...expected.keys(), ...totals.keys()])) {
        const diff = (totals.get(s) ?? 0) - (expected.get(s) ?? 0);
        const recorded = found.filter((e) => 'sku' in e.data && e.data.sku === s);
        expect(recorded.length).toBe(diff === 0 ? 0 : 1);
        for (const e of recorded) if ('expected' in e.data) expect(e.data.received - e.data.expected).toBe(diff);
      }
    }
  });

  const announced = fc.uniqueArray(
    fc.record({
      sku: fc.constantFrom('SKU001', 'SKU002', 'SKU003', 'SKU004', 'SKU005', 'SKU006'),
      quantity: fc.integer({ min: 1, max: 4 }),
    }),
    { selector: (l) => l.sku, minLength: 1, maxLength: 6 },
  );
  const redelivery = announced.chain((lines) =>
    fc.record({
      lines: fc.constant(lines),
      reordered: fc.shuffledSubarray(lines, { minLength: lines.length }),
      changed: fc.nat(lines.length - 1),
    }),
  );
  test.prop([redelivery], { numRuns: 300 })(
    'a return redelivered with its lines in any order yields nothing; with one quantity changed it is refused',
    ({ lines, reordered, changed }) => {
      const creating = (l: typeof lines): ReturnCommand => ({
        type: 'CreateReturn',
        data: {
          returnNo: 'RT1',
          orderNo: 'OMS1',
          warehouseCode: 'WH001',
          reason: 'damaged',
          lines: l,
          shipped: Object.fromEntries(lines.map((x) => [x.sku, 5])),
          alreadyReturned: {},
          now: '2025-11-22T00:00:00Z',
        },
      });
      const state = fold(decider, decider.decide(creating(lines), decider.initialState));
      expect(decider.decide(creating(reordered), state)).toEqual([]);
      const other = reordered.map((l, i) => (i === changed ? { ...l, quantity: l.quantity + 1 } : l));
      expect(outcome(decider, creating(other), state)).toEqual({ refused: 'RETURN_ALREADY_EXISTS' });
    },
  );

  test.prop([commands, fc.array(command, { minLength: 1, maxLength: 10 })], { numRuns: 1000 })(
    'a closed return accepts nothing but anomaly facts',
    (history, afterwards) => {
      const inspect: ReturnCommand = {
        type: 'RecordReturnInspection',
        data: { returnNo: 'RT1', inspectionNo: 'QCX', lines: [], inspectedAt: '2025-11-22T00:00:00Z', now: '2025-11-22T00:00:00Z' },
      };
      const closing: ReturnCommand = {
        type: 'CloseReturn',
        data: { returnNo: 'RT1', requestId: 'QX', closedBy: 'ops', now: '2025-11-22T00:00:00Z' },
      };
      const state = run(decider, [...history, inspect, closing]).at(-1)?.after as ReturnState;
      if (!decider.isTerminal(state)) return;
      for (const step of run(decider, afterwards, state)) {
        expect(decider.isTerminal(step.after)).toBe(true);
        expect(step.events.every((e) => e.type === 'AnomalyDetected')).toBe(true);
      }
    },
  );
});
