import { describe, expect, it } from 'vitest';
import { fold } from '../../../src/domain/kernel/decider.ts';
import {
  type InspectionLine,
  type ReturnCommand,
  type ReturnEvent,
  type ReturnLine,
  returnOrderDecider,
  returnStreamName,
} from '../../../src/domain/return-order/index.ts';
import { specFor } from '../../support/decider-spec.ts';

const { given } = specFor(returnOrderDecider);
const now = '2025-11-25T09:00:00.000+08:00';
const inspectedAt = '2025-11-26T15:30:00.000+08:00';
const returnNo = 'RT202511250001';
const line = (sku: string, quantity: number): ReturnLine => ({ sku, quantity });
const inspected = (sku: string, qualified: number, defective: number): InspectionLine => ({ sku, qualified, defective });
const shipped = { SKU001: 2, SKU002: 1 };

// Commands.
type CreateData = Extract<ReturnCommand, { type: 'CreateReturn' }>['data'];
const createReturn = (overrides: Partial<CreateData> = {}): ReturnCommand => ({
  type: 'CreateReturn',
  data: {
    returnNo,
    orderNo: 'OMS202511220001',
    warehouseCode: 'WH001',
    reason: 'wrong size',
    lines: [line('SKU001', 2)],
    shipped,
    alreadyReturned: {},
    now,
    ...overrides,
  },
});
type InspectionData = Extract<ReturnCommand, { type: 'RecordReturnInspection' }>['data'];
const inspection = (inspectionNo: string, lines: InspectionLine[], overrides: Partial<InspectionData> = {}): ReturnCommand => ({
  type: 'RecordReturnInspection',
  data: { returnNo, inspectionNo, lines, inspectedAt, now, ...overrides },
});
type CloseData = Extract<ReturnCommand, { type: 'CloseReturn' }>['data'];
const close = (requestId: string, overrides: Partial<CloseData> = {}): ReturnCommand => ({
  type: 'CloseReturn',
  data: { returnNo, requestId, closedBy: 'ops.wang', now, ...overrides },
});

// Events.
const created = (lines: ReturnLine[] = [line('SKU001', 2)], alreadyReturned = {}): ReturnEvent => ({
  type: 'ReturnCreated',
  data: {
    returnNo,
    orderNo: 'OMS202511220001',
    warehouseCode: 'WH001',
    reason: 'wrong size',
    lines,
    shipped,
    alreadyReturned,
    createdAt: now,
  },
});
const inspectedEvent = (inspectionNo: string, lines: InspectionLine[]): ReturnEvent => ({
  type: 'ReturnInspected',
  data: { inspectionNo, lines, inspectedAt, recordedAt: now, warehouseCode: 'WH001' },
});
const difference = (
  kind: 'SHORT' | 'OVER' | 'UNKNOWN_SKU',
  sku: string,
  expected: number,
  received: number,
  inspectionNo = 'QC1',
): ReturnEvent => ({
  type: 'AnomalyDetected',
  data: { kind, inspectionNo, sku, expected, received, detectedAt: now },
});
const closed = (requestId: string): ReturnEvent => ({ type: 'ReturnClosed', data: { requestId, closedBy: 'ops.wang', closedAt: now } });

describe('a return order', () => {
  it('lives in the return category', () => expect(returnStreamName(returnNo)).toBe('return-RT202511250001'));

  describe('creation', () => {
    it('accepts a return of goods the order shipped', () => {
      const state = given([]).when(createReturn()).then([created()]);
      expect(state.status).toBe('CREATED');
    });

    it('counts what other returns of the order took back', () => {
      given([])
        .when(createReturn({ lines: [line('SKU001', 1)], alreadyReturned: { SKU001: 1 } }))
        .then([created([line('SKU001', 1)], { SKU001: 1 })]);
    });

    it('refuses more than may still be returned, and says how many may', () => {
      const refusal = given([])
        .when(createReturn({ alreadyReturned: { SKU001: 1 } }))
        .thenRefused('RETURN_EXCEEDS_SHIPPED');
      expect(refusal.message).toBe(
        'return RT202511250001 asks for more than order OMS202511220001 shipped: ' +
          'lines[0].quantity 2 of SKU001 asked for, at most 1 may still be returned',
      );
      expect(refusal.details).toEqual([{ path: 'lines[0].quantity', message: '2 of SKU001 asked for, at most 1 may still be returned' }]);
    });

    it('refuses a SKU the order never shipped, or shipped none of, and names each line', () => {
      const refusal = given([])
        .when(createReturn({ lines: [line('SKU001', 1), line('SKU009', 1), line('SKU003', 1)], shipped: { ...shipped, SKU003: 0 } }))
        .thenRefused('SKU_NOT_SHIPPED');
      expect(refusal.message).toBe(
        'order OMS202511220001 never shipped what return RT202511250001 names: ' +
          'lines[1].sku SKU009 was not shipped with order OMS202511220001; lines[2].sku SKU003 was not shipped with order OMS202511220001',
      );
      expect(refusal.details).toEqual([
        { path: 'lines[1].sku', message: 'SKU009 was not shipped with order OMS202511220001' },
        { path: 'lines[2].sku', message: 'SKU003 was not shipped with order OMS202511220001' },
      ]);
    });

    it('refuses a return with blank or malformed fields, and names every one of them', () => {
      given([])
        .when(
          createReturn({
            returnNo: 'RT 1',
            orderNo: '',
            warehouseCode: 'WH.001',
            reason: '   ',
            lines: [line('SKU001', 0)],
            shipped: { SKU001: -1 },
            alreadyReturned: { SKU002: 0.5 },
            now: '2025-11-25T09:00:00',
          }),
        )
        .thenRefusedNaming('INVALID_RETURN', 'return RT 1 is not valid', [
          { path: 'returnNo', message: 'must be 1–64 letters, digits, _ . or -' },
          { path: 'orderNo', message: 'must not be blank' },
          { path: 'warehouseCode', message: 'must be 1–32 letters, digits, _ or -' },
          { path: 'reason', message: 'must not be blank' },
          { path: 'lines[0].quantity', message: 'must be a positive whole number' },
          { path: 'shipped.SKU001', message: 'must be a whole number, zero or more' },
          { path: 'alreadyReturned.SKU002', message: 'must be a whole number, zero or more' },
          { path: 'now', message: 'must be an ISO-8601 instant with an offset' },
        ]);
    });

    it('refuses a return without a reason, even one that is only spaces', () => {
      for (const reason of ['', ' \t ']) {
        const refusal = given([]).when(createReturn({ reason })).thenRefused('INVALID_RETURN');
        expect(refusal.message).toBe('return RT202511250001 is not valid: reason must not be blank');
        expect(refusal.details).toEqual([{ path: 'reason', message: 'must not be blank' }]);
      }
    });

    it('refuses bad lines', () => {
      given([])
        .when(createReturn({ lines: [] }))
        .thenRefused('INVALID_RETURN');
      given([])
        .when(createReturn({ lines: [line('SKU001', -1)] }))
        .thenRefused('INVALID_RETURN');
    });

    it('takes the same return again as a redelivery, even when the order’s figures now count it', () => {
      given([created()])
        .when(createReturn({ alreadyReturned: { SKU001: 2 } }))
        .thenNothing();
    });

    it('takes the same lines in any order as a redelivery', () => {
      const lines = [line('SKU001', 1), line('SKU002', 2), line('SKU003', 3)];
      const [a, b, c] = lines as [ReturnLine, ReturnLine, ReturnLine];
      for (const order of [
        [a, b, c],
        [a, c, b],
        [b, a, c],
        [b, c, a],
        [c, a, b],
        [c, b, a],
      ]) {
        given([created(lines)])
          .when(createReturn({ lines: order }))
          .thenNothing();
        given([created(order)])
          .when(createReturn({ lines }))
          .thenNothing();
      }
    });

    it('refuses the same return number with different content', () => {
      const refusal = given([created()])
        .when(createReturn({ reason: 'damaged' }))
        .thenRefused('RETURN_ALREADY_EXISTS');
      expect(refusal.message).toBe('return RT202511250001 exists already, with different content');
      expect(refusal.details).toEqual([]);
    });

    it('refuses the same return number with other lines: another quantity, or another SKU', () => {
      given([created()])
        .when(createReturn({ lines: [line('SKU001', 1)] }))
        .thenRefused('RETURN_ALREADY_EXISTS');
      given([created([line('SKU001', 1)])])
        .when(createReturn({ lines: [line('SKU002', 1)] }))
        .thenRefused('RETURN_ALREADY_EXISTS');
    });
  });

  describe('inspection (a fact)', () => {
    it('records what came back, qualified and defective', () => {
      const lines = [inspected('SKU001', 1, 1)];
      const state = given([created()])
        .when(inspection('QC1', lines))
        .then([inspectedEvent('QC1', lines)]);
      expect(state).toMatchObject({ status: 'INSPECTED', returned: { SKU001: { qualified: 1, defective: 1 } } });
    });

    it('records short, over and unknown SKUs as anomalies', () => {
      const lines = [inspected('SKU001', 1, 0), inspected('SKU003', 0, 1)];
      given([created()])
        .when(inspection('QC1', lines))
        .then([inspectedEvent('QC1', lines), difference('SHORT', 'SKU001', 2, 1), difference('UNKNOWN_SKU', 'SKU003', 0, 1)]);
      given([created()])
        .when(inspection('QC1', [inspected('SKU001', 3, 0)]))
        .then([inspectedEvent('QC1', [inspected('SKU001', 3, 0)]), difference('OVER', 'SKU001', 2, 3)]);
    });

    it('sums a SKU the inspection names twice', () => {
      const lines = [inspected('SKU001', 1, 0), inspected('SKU001', 0, 1)];
      const state = given([created()])
        .when(inspection('QC1', lines))
        .then([inspectedEvent('QC1', lines)]);
      expect(state.returned).toEqual({ SKU001: { qualified: 1, defective: 1 } });
    });

    it('records an empty inspection as every SKU short', () => {
      given([created([line('SKU001', 2), line('SKU002', 1)])])
        .when(inspection('QC1', []))
        .then([inspectedEvent('QC1', []), difference('SHORT', 'SKU001', 2, 0), difference('SHORT', 'SKU002', 1, 0)]);
    });

    it('does nothing for a redelivered inspection', () => {
      given([created(), inspectedEvent('QC1', [inspected('SKU001', 2, 0)])])
        .when(inspection('QC1', [inspected('SKU001', 2, 0)]))
        .thenNothing();
    });

    it('records a different inspection after the first as an anomaly only, even after the close', () => {
      const first = inspectedEvent('QC1', [inspected('SKU001', 2, 0)]);
      const second = [inspected('SKU001', 0, 2)];
      const anomaly: ReturnEvent = {
        type: 'AnomalyDetected',
        data: { kind: 'SECOND_INSPECTION', inspectionNo: 'QC2', lines: second, inspectedAt, detectedAt: now },
      };
      given([created(), first]).when(inspection('QC2', second)).then([anomaly]);
      given([created(), first, closed('REQ1')])
        .when(inspection('QC2', second))
        .then([anomaly]);
    });

    it('refuses an inspection of a return it does not know, or a malformed one', () => {
      given([])
        .when(inspection('QC1', [inspected('SKU001', 2, 0)]))
        .thenRefused('RETURN_NOT_FOUND');
      given([created()])
        .when(inspection('QC1', [inspected('SKU001', -1, 0)]))
        .thenRefused('INVALID_INSPECTION');
    });

    it('refuses an inspection that names another return than the one on the stream', () => {
      const refusal = given([created()])
        .when(inspection('QC1', [inspected('SKU001', 2, 0)], { returnNo: 'RT202511250002' }))
        .thenRefused('RETURN_NOT_FOUND');
      expect(refusal.message).toBe('no return RT202511250002');
    });

    it('refuses a malformed inspection, and names every problem', () => {
      given([created()])
        .when(
          inspection('QC1', [inspected('', 1, 0), inspected('SKU 2', 1.5, -1)], {
            inspectedAt: '2025-11-26T15:30:00',
            now: 'yesterday',
          }),
        )
        .thenRefusedNaming('INVALID_INSPECTION', 'inspection QC1 is not valid', [
          { path: 'inspectedAt', message: 'must be an ISO-8601 instant with an offset' },
          { path: 'now', message: 'must be an ISO-8601 instant with an offset' },
          { path: 'lines[0].sku', message: 'must not be blank' },
          { path: 'lines[1].sku', message: 'must be 1–64 letters, digits, _ . or -' },
          { path: 'lines[1].qualified', message: 'must be a whole number, zero or more' },
          { path: 'lines[1].defective', message: 'must be a whole number, zero or more' },
        ]);
    });

    it('refuses an inspection without an inspection number', () => {
      given([created()])
        .when(inspection(' ', [inspected('SKU001', 2, 0)]))
        .thenRefusedNaming('INVALID_INSPECTION', 'inspection   is not valid', [{ path: 'inspectionNo', message: 'must not be blank' }]);
    });
  });

  describe('closing', () => {
    const inspectedReturn = [created(), inspectedEvent('QC1', [inspected('SKU001', 2, 0)])];

    it('closes an inspected return for good', () => {
      const state = given(inspectedReturn)
        .when(close('REQ1'))
        .then([closed('REQ1')]);
      expect(returnOrderDecider.isTerminal(state)).toBe(true);
    });

    it('refuses to close before the goods were inspected', () => {
      const refusal = given([created()]).when(close('REQ1')).thenRefused('RETURN_NOT_INSPECTED');
      expect(refusal.message).toBe('return RT202511250001 cannot be closed before it is inspected');
    });

    it('refuses a malformed close request, and names every problem', () => {
      given(inspectedReturn)
        .when(close(' ', { closedBy: '', now: '2025-11-27T10:00:00' }))
        .thenRefusedNaming('INVALID_COMMAND', 'close request is not valid', [
          { path: 'requestId', message: 'must not be blank' },
          { path: 'closedBy', message: 'must not be blank' },
          { path: 'now', message: 'must be an ISO-8601 instant with an offset' },
        ]);
    });

    it('refuses, rather than fails on, a close request that does not say who closes', () => {
      // an untyped caller may leave the field out altogether
      const refusal = given(inspectedReturn)
        .when(close('REQ1', { closedBy: undefined as unknown as string }))
        .thenRefused('INVALID_COMMAND');
      expect(refusal.details).toEqual([{ path: 'closedBy', message: 'must not be blank' }]);
    });

    it('does nothing for a redelivered close, or a second close', () => {
      given([...inspectedReturn, closed('REQ1')])
        .when(close('REQ1'))
        .thenNothing();
      given([...inspectedReturn, closed('REQ1')])
        .when(close('REQ2'))
        .thenNothing();
    });

    it('refuses to close a return it does not know', () => {
      const refusal = given([]).when(close('REQ1')).thenRefused('RETURN_NOT_FOUND');
      expect(refusal.message).toBe('no return RT202511250001');
      given(inspectedReturn)
        .when(close('REQ1', { returnNo: 'RT202511250002' }))
        .thenRefused('RETURN_NOT_FOUND');
    });
  });

  describe('folding its stream', () => {
    it('keeps the first creation when the stream holds two', () => {
      const first = created([line('SKU001', 2)]);
      const state = fold(returnOrderDecider, [first, created([line('SKU002', 1)])]);
      expect(state.created).toEqual(first.data);
      expect(state.status).toBe('CREATED');
    });

    it('stays closed when an inspection is folded after the close (events out of order)', () => {
      const state = fold(returnOrderDecider, [created(), closed('REQ1'), inspectedEvent('QC1', [inspected('SKU001', 2, 0)])]);
      expect(state).toMatchObject({ status: 'CLOSED', returned: { SKU001: { qualified: 2, defective: 0 } }, inspections: ['QC1'] });
      expect(returnOrderDecider.isTerminal(state)).toBe(true);
    });

    it('passes over an event it does not know, leaving the state as it was', () => {
      const before = fold(returnOrderDecider, [created()]);
      const unknown = { type: 'ReturnArchived', data: { archivedAt: now } } as unknown as ReturnEvent;
      expect(returnOrderDecider.evolve(before, unknown)).toBe(before);
    });
  });
});

describe('counting what went wrong', () => {
  it('counts each anomaly of a return up, one by one', () => {
    const state = fold(returnOrderDecider, [created(), difference('SHORT', 'SKU001', 2, 1), difference('OVER', 'SKU002', 0, 1, 'QC2')]);
    expect(state.anomalies).toBe(2);
  });
});
