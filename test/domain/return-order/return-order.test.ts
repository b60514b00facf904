import { describe, expect, it } from 'vitest';
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
const inspection = (inspectionNo: string, lines: InspectionLine[]): ReturnCommand => ({
  type: 'RecordReturnInspection',
  data: { returnNo, inspectionNo, lines, inspectedAt, now },
});
const close = (requestId: string): ReturnCommand => ({ type: 'CloseReturn', data: { returnNo, requestId, closedBy: 'ops.wang', now } });

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
      expect(refusal.details).toEqual([{ path: 'lines[0].quantity', message: '2 of SKU001 asked for, at most 1 may still be returned' }]);
    });

    it('refuses a SKU the order never shipped', () => {
      given([])
        .when(createReturn({ lines: [line('SKU009', 1)] }))
        .thenRefused('SKU_NOT_SHIPPED');
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

    it('refuses the same return number with different content', () => {
      given([created()])
        .when(createReturn({ reason: 'damaged' }))
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
      given([created()]).when(close('REQ1')).thenRefused('RETURN_NOT_INSPECTED');
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
      given([]).when(close('REQ1')).thenRefused('RETURN_NOT_FOUND');
    });
  });
});
