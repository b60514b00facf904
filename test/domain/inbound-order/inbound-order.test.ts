import { describe, expect, it } from 'vitest';
import { fold } from '../../../src/domain/kernel/decider.ts';
import type { Line } from '../../../src/domain/kernel/lines.ts';
import { articleRetryPolicy } from '../../../src/domain/kernel/retry-policy.ts';
import {
  type InboundCommand,
  type InboundEvent,
  inboundOrderDecider,
  inboundStreamName,
  pushIsDue,
} from '../../../src/domain/inbound-order/index.ts';
import { specFor } from '../../support/decider-spec.ts';

const { given } = specFor(inboundOrderDecider);
const now = '2025-11-22T02:00:00.000Z';
const inboundNo = 'IN202511220001';
const line = (sku: string, quantity: number): Line => ({ sku, quantity });
const expectedLines = [line('SKU001', 10), line('SKU002', 5)];

// Commands.
const createPurchase = (overrides: Partial<Extract<InboundCommand, { type: 'CreateInbound' }>['data']> = {}): InboundCommand => ({
  type: 'CreateInbound',
  data: {
    inboundNo,
    kind: 'PURCHASE',
    warehouseCode: 'WH001',
    supplier: 'ACME',
    poNumber: 'PO-1',
    lines: expectedLines,
    now,
    ...overrides,
  },
});
const pushOk = (attempt: number, at = now): InboundCommand => ({
  type: 'RecordInboundPushSucceeded',
  data: { inboundNo, attempt, wmsInboundNo: 'WMSIN1', now: at },
});
const pushFailed = (attempt: number, at: string, retryable = true, retryAfterMs?: number): InboundCommand => ({
  type: 'RecordInboundPushFailed',
  data: { inboundNo, attempt, error: 'HTTP 503', retryable, retryAfterMs, now: at, policy: articleRetryPolicy },
});
const retry = (requestId: string): InboundCommand => ({
  type: 'RetryInboundPush',
  data: { inboundNo, requestId, requestedBy: 'ops.li', now },
});
const receipt = (receiptNo: string, lines: Line[]): InboundCommand => ({
  type: 'RecordReceipt',
  data: { inboundNo, receiptNo, lines, receivedAt: '2025-11-23T10:00:00+08:00', now },
});

// Events.
const created: InboundEvent = {
  type: 'InboundCreated',
  data: {
    inboundNo,
    kind: 'PURCHASE',
    warehouseCode: 'WH001',
    supplier: 'ACME',
    poNumber: 'PO-1',
    returnNo: null,
    lines: expectedLines,
    expectedAt: null,
    createdAt: now,
  },
};
const pushed = (attempt: number): InboundEvent => ({ type: 'PushSucceeded', data: { attempt, wmsInboundNo: 'WMSIN1', pushedAt: now } });
const failed = (attempt: number, at: string, retryable = true): InboundEvent => ({
  type: 'PushFailed',
  data: { attempt, error: 'HTTP 503', retryable, failedAt: at },
});
const scheduled = (attempt: number, dueAt: string): InboundEvent => ({ type: 'PushRetryScheduled', data: { attempt, dueAt } });
const manual = (reason: 'PUSH_ATTEMPTS_EXHAUSTED' | 'PUSH_REJECTED', detail: string, at: string): InboundEvent => ({
  type: 'ManualInterventionRequired',
  data: { reason, detail, at },
});
const retryRequested = (requestId: string, attempt: number): InboundEvent => ({
  type: 'PushRetryRequested',
  data: { requestId, requestedBy: 'ops.li', attempt, requestedAt: now },
});
const received = (receiptNo: string, lines: Line[]): InboundEvent => ({
  type: 'InboundReceived',
  data: {
    receiptNo,
    lines,
    receivedAt: '2025-11-23T10:00:00+08:00',
    recordedAt: now,
    destination: { warehouseCode: 'WH001', kind: 'PURCHASE' },
  },
});
const discrepancy = (
  sku: string,
  kind: 'SHORT' | 'OVER' | 'UNKNOWN_SKU',
  expected: number,
  got: number,
  receiptNo = 'RC1',
): InboundEvent => ({
  type: 'DiscrepancyRecorded',
  data: { receiptNo, sku, kind, expected, received: got },
});

const t1 = '2025-11-22T02:01:00.000Z';
const t2 = '2025-11-22T02:04:00.000Z';
const exhausted = [
  created,
  failed(1, now),
  scheduled(2, t1),
  failed(2, t1),
  scheduled(3, t2),
  failed(3, t2),
  manual('PUSH_ATTEMPTS_EXHAUSTED', 'attempt 3 failed, the last this round allows: HTTP 503', t2),
];

const statusAfter = (events: InboundEvent[]) => fold(inboundOrderDecider, events).status;

describe('an inbound order', () => {
  it('lives in the inbound category', () => expect(inboundStreamName(inboundNo)).toBe('inbound-IN202511220001'));

  describe('creation', () => {
    it('creates a purchase receipt for a supplier’s PO', () => {
      const state = given([]).when(createPurchase()).then([created]);
      expect(state.status).toBe('CREATED');
    });

    it('creates a return receipt for a customer return', () => {
      given([])
        .when({
          type: 'CreateInbound',
          data: {
            inboundNo: 'IN2',
            kind: 'RETURN',
            warehouseCode: 'WH001',
            returnNo: 'RT1',
            lines: [line('SKU001', 1)],
            expectedAt: '2025-11-25T00:00:00Z',
            now,
          },
        })
        .then([
          {
            type: 'InboundCreated',
            data: {
              inboundNo: 'IN2',
              kind: 'RETURN',
              warehouseCode: 'WH001',
              supplier: null,
              poNumber: null,
              returnNo: 'RT1',
              lines: [line('SKU001', 1)],
              expectedAt: '2025-11-25T00:00:00Z',
              createdAt: now,
            },
          },
        ]);
    });

    it('refuses a purchase without supplier and PO, or with bad lines, saying where', () => {
      const refusal = given([])
        .when(createPurchase({ supplier: undefined, poNumber: ' ', lines: [line('SKU001', 0), line('SKU001', 1)] }))
        .thenRefused('INVALID_INBOUND');
      expect(refusal.details.map((d) => d.path)).toEqual(['supplier', 'poNumber', 'lines[0].quantity', 'lines[1].sku']);
    });

    it('refuses a return receipt without its return number', () => {
      given([])
        .when(createPurchase({ kind: 'RETURN', supplier: undefined, poNumber: undefined }))
        .thenRefused('INVALID_INBOUND');
    });

    it('takes the same inbound again as a redelivery, lines in any order, at any later time', () => {
      given([created, pushed(1)])
        .when(createPurchase({ lines: [...expectedLines].reverse(), now: t2 }))
        .thenNothing();
    });

    it('refuses the same inbound number with different content', () => {
      given([created])
        .when(createPurchase({ poNumber: 'PO-2' }))
        .thenRefused('INBOUND_ALREADY_EXISTS');
    });
  });

  describe('pushing to the WMS', () => {
    it('is PUSHED_TO_WMS once the WMS took it', () => {
      const state = given([created])
        .when(pushOk(1))
        .then([pushed(1)]);
      expect(state).toMatchObject({ status: 'PUSHED_TO_WMS', wmsInboundNo: 'WMSIN1' });
    });

    it('schedules a retry with backoff after a failure that can be retried', () => {
      const state = given([created])
        .when(pushFailed(1, now))
        .then([failed(1, now), scheduled(2, t1)]);
      expect(state.status).toBe('PUSH_FAILED');
    });

    it('waits as long as the WMS asked', () => {
      given([created])
        .when(pushFailed(1, now, true, 300_000))
        .then([failed(1, now), scheduled(2, '2025-11-22T02:05:00.000Z')]);
    });

    it('asks a person to step in after the last attempt of the round', () => {
      const state = given(exhausted.slice(0, 5)).when(pushFailed(3, t2)).then(exhausted.slice(5));
      expect(state.status).toBe('MANUAL_INTERVENTION');
    });

    it('asks a person to step in at once when the WMS rejects the order', () => {
      given([created])
        .when(pushFailed(1, now, false))
        .then([failed(1, now, false), manual('PUSH_REJECTED', 'the WMS rejected attempt 1: HTTP 503', now)]);
    });

    it('ignores a redelivered outcome and refuses one from the future', () => {
      given([created, pushed(1)])
        .when(pushFailed(1, now))
        .thenNothing();
      given([created, failed(1, now), scheduled(2, t1)])
        .when(pushOk(1))
        .thenNothing();
      given([created]).when(pushOk(3)).thenRefused('ATTEMPT_OUT_OF_SEQUENCE');
    });

    it('records a failure of an extra attempt once pushed, but schedules nothing', () => {
      const state = given([created, pushed(1)])
        .when(pushFailed(2, t1))
        .then([failed(2, t1)]);
      expect(state.status).toBe('PUSHED_TO_WMS');
    });

    it('refuses a push outcome for an inbound it does not know', () => {
      given([]).when(pushOk(1)).thenRefused('INBOUND_NOT_FOUND');
    });
  });

  describe('a manual retry', () => {
    it('starts a fresh round after manual intervention', () => {
      const state = given(exhausted)
        .when(retry('REQ1'))
        .then([retryRequested('REQ1', 4)]);
      expect(state.status).toBe('RETRY_REQUESTED');
      const t3 = '2025-11-22T03:00:00.000Z';
      given([...exhausted, retryRequested('REQ1', 4)])
        .when(pushFailed(4, t3))
        .then([failed(4, t3), scheduled(5, '2025-11-22T03:01:00.000Z')]);
    });

    it('starts a fresh round while a retry is scheduled', () => {
      given([created, failed(1, now), scheduled(2, t1)])
        .when(retry('REQ1'))
        .then([retryRequested('REQ1', 2)]);
    });

    it('does nothing for a redelivered request', () => {
      given([...exhausted, retryRequested('REQ1', 4), failed(4, t2), manual('PUSH_REJECTED', 'x', t2)])
        .when(retry('REQ1'))
        .thenNothing();
    });

    it('is refused when nothing failed', () => {
      given([created]).when(retry('REQ1')).thenRefused('PUSH_RETRY_NOT_ALLOWED');
      given([created, pushed(1)])
        .when(retry('REQ1'))
        .thenRefused('PUSH_RETRY_NOT_ALLOWED');
      given([]).when(retry('REQ1')).thenRefused('INBOUND_NOT_FOUND');
    });
  });

  describe('the receipt (a fact)', () => {
    it('closes the inbound when everything arrived', () => {
      const state = given([created, pushed(1)])
        .when(receipt('RC1', expectedLines))
        .then([received('RC1', expectedLines)]);
      expect(state).toMatchObject({ status: 'RECEIVED', received: { SKU001: 10, SKU002: 5 } });
      expect(inboundOrderDecider.isTerminal(state)).toBe(true);
    });

    it('records short, over and unknown SKUs as discrepancies', () => {
      const actual = [line('SKU001', 7), line('SKU002', 6), line('SKU009', 1)];
      given([created, pushed(1)])
        .when(receipt('RC1', actual))
        .then([
          received('RC1', actual),
          discrepancy('SKU001', 'SHORT', 10, 7),
          discrepancy('SKU002', 'OVER', 5, 6),
          discrepancy('SKU009', 'UNKNOWN_SKU', 0, 1),
        ]);
    });

    it('adds up a SKU received in several batches, and counts a SKU not received as short', () => {
      const actual = [
        { sku: 'SKU001', quantity: 4, batchNo: 'B1' },
        { sku: 'SKU001', quantity: 6, batchNo: 'B2' },
      ];
      given([created, pushed(1)])
        .when(receipt('RC1', actual))
        .then([received('RC1', actual), discrepancy('SKU002', 'SHORT', 5, 0)]);
    });

    it('is accepted before the push success is known, and that late success changes nothing', () => {
      given([created, failed(1, now), scheduled(2, t1)])
        .when(receipt('RC1', expectedLines))
        .then([received('RC1', expectedLines)]);
      given([created, received('RC1', expectedLines)])
        .when(pushOk(1))
        .thenNothing();
    });

    it('records a second, different receipt after the close as an anomaly only', () => {
      given([created, received('RC1', expectedLines)])
        .when(receipt('RC2', [line('SKU001', 1)]))
        .then([
          {
            type: 'AnomalyDetected',
            data: {
              kind: 'RECEIPT_AFTER_CLOSE',
              receiptNo: 'RC2',
              lines: [line('SKU001', 1)],
              receivedAt: '2025-11-23T10:00:00+08:00',
              detectedAt: now,
              destination: { warehouseCode: 'WH001', kind: 'PURCHASE' },
            },
          },
        ]);
    });

    it('does nothing for a redelivered receipt', () => {
      given([created, received('RC1', expectedLines)])
        .when(receipt('RC1', expectedLines))
        .thenNothing();
    });

    it('refuses a receipt for an inbound it does not know, or a malformed one', () => {
      given([]).when(receipt('RC1', expectedLines)).thenRefused('INBOUND_NOT_FOUND');
      given([created])
        .when(receipt('RC1', [line('', 1)]))
        .thenRefused('INVALID_RECEIPT');
    });

    it('refuses a manual retry once received', () => {
      given([created, failed(1, now, false), manual('PUSH_REJECTED', 'x', now), received('RC1', expectedLines)])
        .when(retry('REQ1'))
        .thenRefused('PUSH_RETRY_NOT_ALLOWED');
    });
  });

  it('goes CREATED → PUSH_FAILED → RETRY_REQUESTED → PUSHED_TO_WMS → RECEIVED', () => {
    expect(statusAfter([created])).toBe('CREATED');
    expect(statusAfter([created, failed(1, now, false), manual('PUSH_REJECTED', 'x', now), retryRequested('R', 2), pushed(2)])).toBe(
      'PUSHED_TO_WMS',
    );
  });
});

describe('when the inbound push is due', () => {
  it('as soon as it is created or a person asks again; after a failure, once its retry comes due; never once the WMS has it', () => {
    expect(pushIsDue(inboundOrderDecider.initialState, now)).toBe(false);
    expect(pushIsDue(fold(inboundOrderDecider, [created]), now)).toBe(true);
    const failedOnce = fold(inboundOrderDecider, [created, failed(1, now), scheduled(2, '2030-01-01T00:01:00.000Z')]);
    expect(pushIsDue(failedOnce, '2030-01-01T00:00:59.999Z')).toBe(false);
    expect(pushIsDue(failedOnce, '2030-01-01T00:01:00.000Z')).toBe(true);
    expect(pushIsDue(fold(inboundOrderDecider, [created, pushed(1)]), '2030-01-01T00:00:00.000Z')).toBe(false);
  });
});
