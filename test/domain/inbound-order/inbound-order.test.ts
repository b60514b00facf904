import { describe, expect, it } from 'vitest';
import { fold } from '../../../src/domain/kernel/decider.ts';
import type { Line } from '../../../src/domain/kernel/lines.ts';
import { articleRetryPolicy } from '../../../src/domain/kernel/retry-policy.ts';
import {
  type InboundCommand,
  type InboundEvent,
  type InboundKind,
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
type PushOkData = Extract<InboundCommand, { type: 'RecordInboundPushSucceeded' }>['data'];
type PushFailedData = Extract<InboundCommand, { type: 'RecordInboundPushFailed' }>['data'];
type RetryData = Extract<InboundCommand, { type: 'RetryInboundPush' }>['data'];
type ReceiptData = Extract<InboundCommand, { type: 'RecordReceipt' }>['data'];
const pushOk = (attempt: number, at = now): InboundCommand => ({
  type: 'RecordInboundPushSucceeded',
  data: { inboundNo, attempt, wmsInboundNo: 'WMSIN1', now: at },
});
const pushFailed = (attempt: number, at: string, retryable = true, retryAfterMs?: number): InboundCommand => ({
  type: 'RecordInboundPushFailed',
  data: { inboundNo, attempt, error: 'HTTP 503', retryable, retryAfterMs, now: at, policy: articleRetryPolicy },
});
const retry = (requestId: string, overrides: Partial<RetryData> = {}): InboundCommand => ({
  type: 'RetryInboundPush',
  data: { inboundNo, requestId, requestedBy: 'ops.li', now, ...overrides },
});
const receipt = (receiptNo: string, lines: Line[], overrides: Partial<ReceiptData> = {}): InboundCommand => ({
  type: 'RecordReceipt',
  data: { inboundNo, receiptNo, lines, receivedAt: '2025-11-23T10:00:00+08:00', now, ...overrides },
});
const notAnInstant = 'must be an ISO-8601 instant with an offset';

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
      given([])
        .when(createPurchase({ supplier: undefined, poNumber: ' ', lines: [line('SKU001', 0), line('SKU001', 1)] }))
        .thenRefusedNaming('INVALID_INBOUND', 'inbound IN202511220001 is not valid', [
          { path: 'supplier', message: 'must not be blank' },
          { path: 'poNumber', message: 'must not be blank' },
          { path: 'lines[0].quantity', message: 'must be a positive whole number' },
          { path: 'lines[1].sku', message: 'SKU001 appears more than once' },
        ]);
    });

    it('refuses a return receipt without its return number', () => {
      given([])
        .when(createPurchase({ kind: 'RETURN', supplier: undefined, poNumber: undefined }))
        .thenRefusedNaming('INVALID_INBOUND', 'inbound IN202511220001 is not valid', [{ path: 'returnNo', message: 'must not be blank' }]);
    });

    it('refuses malformed identifiers, a kind other than purchase or return, and instants without an offset, naming every one', () => {
      given([])
        .when(
          createPurchase({
            inboundNo: 'IN 1',
            kind: 'TRANSFER' as InboundKind,
            warehouseCode: 'WH.001',
            expectedAt: '2025-11-25',
            now: '2025-11-22T02:00:00',
          }),
        )
        .thenRefusedNaming('INVALID_INBOUND', 'inbound IN 1 is not valid', [
          { path: 'inboundNo', message: 'must be 1–64 letters, digits, _ . or -' },
          { path: 'kind', message: 'must be PURCHASE or RETURN' },
          { path: 'warehouseCode', message: 'must be 1–32 letters, digits, _ or -' },
          { path: 'expectedAt', message: notAnInstant },
          { path: 'now', message: notAnInstant },
        ]);
    });

    it('keeps the batch a line names, and only SKU and quantity of a line without one', () => {
      const [event] = inboundOrderDecider.decide(
        createPurchase({
          lines: [
            { sku: 'SKU001', quantity: 10, batchNo: 'B1' },
            { sku: 'SKU002', quantity: 5, batchNo: undefined },
          ],
        }),
        inboundOrderDecider.initialState,
      );
      expect(event?.type === 'InboundCreated' && event.data.lines).toStrictEqual([
        { sku: 'SKU001', quantity: 10, batchNo: 'B1' },
        { sku: 'SKU002', quantity: 5 },
      ]);
    });

    it('takes the same inbound again as a redelivery, lines in any order, at any later time', () => {
      given([created, pushed(1)])
        .when(createPurchase({ lines: [...expectedLines].reverse(), now: t2 }))
        .thenNothing();
    });

    it('takes the same three lines in any order as a redelivery', () => {
      const lines = [line('SKU001', 1), line('SKU002', 2), line('SKU003', 3)];
      const [a, b, c] = lines as [Line, Line, Line];
      for (const order of [
        [a, b, c],
        [a, c, b],
        [b, a, c],
        [b, c, a],
        [c, a, b],
        [c, b, a],
      ]) {
        given([{ ...created, data: { ...created.data, lines } } as InboundEvent])
          .when(createPurchase({ lines: order }))
          .thenNothing();
        given([{ ...created, data: { ...created.data, lines: order } } as InboundEvent])
          .when(createPurchase({ lines }))
          .thenNothing();
      }
    });

    it('refuses the same inbound number with different content', () => {
      const refusal = given([created])
        .when(createPurchase({ poNumber: 'PO-2' }))
        .thenRefused('INBOUND_ALREADY_EXISTS');
      expect(refusal.message).toBe('inbound IN202511220001 exists already, with different content');
      expect(refusal.details).toEqual([]);
    });

    it('refuses the same inbound number with other lines: another quantity, another SKU, or another batch', () => {
      for (const lines of [
        [line('SKU001', 10), line('SKU002', 6)],
        [line('SKU001', 10), line('SKU003', 5)],
        [line('SKU001', 10)],
        [{ sku: 'SKU001', quantity: 10, batchNo: 'B1' }, line('SKU002', 5)],
      ]) {
        given([created]).when(createPurchase({ lines })).thenRefused('INBOUND_ALREADY_EXISTS');
      }
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
      const refusal = given([]).when(pushOk(1)).thenRefused('INBOUND_NOT_FOUND');
      expect(refusal.message).toBe('no inbound IN202511220001');
      expect(refusal.details).toEqual([]);
    });

    it('refuses a push outcome, a retry or a receipt that names another inbound than the one on the stream', () => {
      const other = { inboundNo: 'IN202511220002' };
      const commands: InboundCommand[] = [
        { type: 'RecordInboundPushSucceeded', data: { ...(pushOk(1).data as PushOkData), ...other } },
        { type: 'RecordInboundPushFailed', data: { ...(pushFailed(1, now).data as PushFailedData), ...other } },
        retry('REQ1', other),
        receipt('RC1', expectedLines, other),
      ];
      for (const command of commands) {
        const refusal = given([created, failed(1, now), scheduled(2, t1)])
          .when(command)
          .thenRefused('INBOUND_NOT_FOUND');
        expect(refusal.message).toBe('no inbound IN202511220002');
      }
    });

    it('refuses a malformed success report, and names every problem', () => {
      given([created])
        .when({ type: 'RecordInboundPushSucceeded', data: { inboundNo, attempt: 0, wmsInboundNo: ' ', now: 'soon' } })
        .thenRefusedNaming('INVALID_COMMAND', 'push outcome is not valid', [
          { path: 'attempt', message: 'must be a positive whole number' },
          { path: 'now', message: notAnInstant },
          { path: 'wmsInboundNo', message: 'must not be blank' },
        ]);
    });

    it('refuses a malformed failure report, and names every problem, the retry policy’s too', () => {
      given([created])
        .when({
          type: 'RecordInboundPushFailed',
          data: {
            inboundNo,
            attempt: 1.5,
            error: 'HTTP 503',
            retryable: true,
            retryAfterMs: -1,
            now: '2025-11-22T02:00:00',
            policy: { maxAttempts: 0, baseDelayMs: 0.5, maxDelayMs: -1 },
          },
        })
        .thenRefusedNaming('INVALID_COMMAND', 'push outcome is not valid', [
          { path: 'attempt', message: 'must be a positive whole number' },
          { path: 'now', message: notAnInstant },
          { path: 'retryAfterMs', message: 'must be a whole number, zero or more' },
          { path: 'policy', message: 'maxAttempts must be a whole number of at least 1' },
          { path: 'policy', message: 'baseDelayMs must be a whole number of at least 1' },
          { path: 'policy', message: 'maxDelayMs must be a whole number no smaller than baseDelayMs' },
        ]);
    });

    it('refuses a failure report whose only fault is a fractional wait', () => {
      const refusal = given([created])
        .when(pushFailed(1, now, true, 1.5))
        .thenRefused('INVALID_COMMAND');
      expect(refusal.details).toEqual([{ path: 'retryAfterMs', message: 'must be a whole number, zero or more' }]);
    });

    it('given a jitter with the failure, schedules the retry at that fraction of the backoff and records the jitter', () => {
      const jittered: InboundCommand = {
        type: 'RecordInboundPushFailed',
        data: { ...(pushFailed(1, now).data as PushFailedData), jitter: 0.1 },
      };
      const state = given([created])
        .when(jittered)
        .then([failed(1, now), { type: 'PushRetryScheduled', data: { attempt: 2, dueAt: '2025-11-22T02:00:06.000Z', jitter: 0.1 } }]);
      expect(state.push.nextAttemptAt).toBe('2025-11-22T02:00:06.000Z');
    });

    it('refuses a jitter outside [0, 1), naming it with the other problems', () => {
      given([created])
        .when({ type: 'RecordInboundPushFailed', data: { ...(pushFailed(1, now).data as PushFailedData), jitter: 1 } })
        .thenRefusedNaming('INVALID_COMMAND', 'push outcome is not valid', [
          { path: 'jitter', message: 'must be a number from 0 up to, not including, 1' },
        ]);
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

    it('is refused when nothing failed, naming the status', () => {
      const fresh = given([created]).when(retry('REQ1')).thenRefused('PUSH_RETRY_NOT_ALLOWED');
      expect(fresh.message).toBe('inbound IN202511220001 is CREATED; only a failed push can be retried');
      expect(fresh.details).toEqual([]);
      const pushedAlready = given([created, pushed(1)])
        .when(retry('REQ1'))
        .thenRefused('PUSH_RETRY_NOT_ALLOWED');
      expect(pushedAlready.message).toBe('inbound IN202511220001 is PUSHED_TO_WMS; only a failed push can be retried');
      given([]).when(retry('REQ1')).thenRefused('INBOUND_NOT_FOUND');
    });

    it('refuses a malformed retry request, and names every problem', () => {
      given(exhausted)
        .when(retry(' ', { requestedBy: '', now: 'now' }))
        .thenRefusedNaming('INVALID_COMMAND', 'retry request is not valid', [
          { path: 'requestId', message: 'must not be blank' },
          { path: 'requestedBy', message: 'must not be blank' },
          { path: 'now', message: notAnInstant },
        ]);
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
      const state = given([created, pushed(1)])
        .when(receipt('RC1', actual))
        .then([
          received('RC1', actual),
          discrepancy('SKU001', 'SHORT', 10, 7),
          discrepancy('SKU002', 'OVER', 5, 6),
          discrepancy('SKU009', 'UNKNOWN_SKU', 0, 1),
        ]);
      // a discrepancy is part of the receipt, not an anomaly, and not another receipt
      expect(state).toMatchObject({ status: 'RECEIVED', receipts: ['RC1'], anomalies: 0, received: { SKU001: 7, SKU002: 6, SKU009: 1 } });
    });

    it('takes a line of nothing received, and up to a million of a SKU', () => {
      const actual = [line('SKU001', 0), line('SKU002', 1_000_000)];
      given([created])
        .when(receipt('RC1', actual))
        .then([received('RC1', actual), discrepancy('SKU001', 'SHORT', 10, 0), discrepancy('SKU002', 'OVER', 5, 1_000_000)]);
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

    it('counts every receipt after the close as one more anomaly', () => {
      const anomaly = (receiptNo: string): InboundEvent => ({
        type: 'AnomalyDetected',
        data: {
          kind: 'RECEIPT_AFTER_CLOSE',
          receiptNo,
          lines: [line('SKU001', 1)],
          receivedAt: '2025-11-23T10:00:00+08:00',
          detectedAt: now,
          destination: { warehouseCode: 'WH001', kind: 'PURCHASE' },
        },
      });
      const once = given([created, received('RC1', expectedLines)])
        .when(receipt('RC2', [line('SKU001', 1)]))
        .then([anomaly('RC2')]);
      expect(once).toMatchObject({ receipts: ['RC1', 'RC2'], anomalies: 1 });
      const twice = given([created, received('RC1', expectedLines), anomaly('RC2')])
        .when(receipt('RC3', [line('SKU001', 1)]))
        .then([anomaly('RC3')]);
      expect(twice).toMatchObject({
        status: 'RECEIVED',
        receipts: ['RC1', 'RC2', 'RC3'],
        anomalies: 2,
        received: { SKU001: 10, SKU002: 5 },
      });
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

    it('refuses a malformed receipt, and names every problem', () => {
      given([created])
        .when(
          receipt('RC1', [line('', 1), line('SKU 2', -1), line('SKU003', 1.5), line('SKU004', 1_000_001)], {
            receivedAt: '2025-11-23T10:00:00',
            now: 'today',
          }),
        )
        .thenRefusedNaming('INVALID_RECEIPT', 'receipt RC1 is not valid', [
          { path: 'receivedAt', message: notAnInstant },
          { path: 'now', message: notAnInstant },
          { path: 'lines[0].sku', message: 'must not be blank' },
          { path: 'lines[1].sku', message: 'must be 1–64 letters, digits, _ . or -' },
          { path: 'lines[1].quantity', message: 'must be a whole number, zero or more' },
          { path: 'lines[2].quantity', message: 'must be a whole number, zero or more' },
          { path: 'lines[3].quantity', message: 'must be at most 1000000' },
        ]);
    });

    it('refuses a receipt without a receipt number', () => {
      given([created])
        .when(receipt(' ', expectedLines))
        .thenRefusedNaming('INVALID_RECEIPT', 'receipt   is not valid', [{ path: 'receiptNo', message: 'must not be blank' }]);
    });

    it('refuses a manual retry once received', () => {
      given([created, failed(1, now, false), manual('PUSH_REJECTED', 'x', now), received('RC1', expectedLines)])
        .when(retry('REQ1'))
        .thenRefused('PUSH_RETRY_NOT_ALLOWED');
    });
  });

  describe('folding its stream', () => {
    it('keeps the first creation when the stream holds two', () => {
      const second: InboundEvent = { type: 'InboundCreated', data: { ...created.data, poNumber: 'PO-2', createdAt: t1 } };
      const state = fold(inboundOrderDecider, [created, second]);
      expect(state.inbound).toEqual(created.data);
      expect(state.status).toBe('CREATED');
    });

    it('stays received when a push outcome or a retry is folded after the receipt (events out of order)', () => {
      for (const late of [pushed(2), scheduled(2, t1), manual('PUSH_ATTEMPTS_EXHAUSTED', 'x', t1), retryRequested('REQ1', 2)]) {
        const state = fold(inboundOrderDecider, [created, failed(1, now), received('RC1', expectedLines), late]);
        expect(state.status).toBe('RECEIVED');
        expect(inboundOrderDecider.isTerminal(state)).toBe(true);
      }
    });

    it('stays pushed when a retry deadline is folded after the success (events out of order)', () => {
      const state = fold(inboundOrderDecider, [created, failed(1, now), pushed(2), scheduled(2, t1)]);
      expect(state.status).toBe('PUSHED_TO_WMS');
      expect(pushIsDue(state, '2030-01-01T00:00:00.000Z')).toBe(false);
    });

    it('passes over an event it does not know, leaving the state as it was', () => {
      const before = fold(inboundOrderDecider, [created]);
      const unknown = { type: 'InboundArchived', data: { archivedAt: now } } as unknown as InboundEvent;
      expect(inboundOrderDecider.evolve(before, unknown)).toBe(before);
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

  it('at once when a person asks for a fresh round, whatever deadline went before', () => {
    const state = fold(inboundOrderDecider, [...exhausted, retryRequested('REQ1', 4)]);
    expect(state.status).toBe('RETRY_REQUESTED');
    expect(pushIsDue(state, now)).toBe(true);
  });

  it('never while a person is asked to step in, once the WMS has it, or once received, even though an old retry deadline has passed', () => {
    const later = '2030-01-01T00:00:00.000Z';
    expect(pushIsDue(fold(inboundOrderDecider, exhausted), later)).toBe(false);
    expect(pushIsDue(fold(inboundOrderDecider, [created, failed(1, now), scheduled(2, t1), pushed(2)]), later)).toBe(false);
    expect(pushIsDue(fold(inboundOrderDecider, [created, failed(1, now), scheduled(2, t1), received('RC1', expectedLines)]), later)).toBe(
      false,
    );
  });

  it('never on a stream that does not hold the inbound’s creation, whatever else it holds', () => {
    expect(pushIsDue(fold(inboundOrderDecider, [retryRequested('REQ1', 1)]), now)).toBe(false);
    expect(pushIsDue(fold(inboundOrderDecider, [failed(1, now), scheduled(2, t1)]), '2030-01-01T00:00:00.000Z')).toBe(false);
  });
});

describe('a fresh inbound stream', () => {
  it('knows no inbound, no status, no WMS number, no attempts, no receipts, no requests and no anomalies', () => {
    expect(inboundOrderDecider.initialState).toEqual({
      inbound: null,
      status: null,
      wmsInboundNo: null,
      push: { total: 0, roundStart: 0, nextAttemptAt: null, lastDueAt: null, lastError: null, claim: null },
      received: {},
      receipts: [],
      requests: [],
      anomalies: 0,
    });
  });
});

describe('claiming a push before the WMS is called (docs/architecture.md#claimed-calls)', () => {
  const claimMs = 30_000;
  const startPush = (attempt: number, at: string): InboundCommand => ({
    type: 'StartInboundPush',
    data: { inboundNo, attempt, claimMs, now: at },
  });
  const started = (attempt: number, at: string): InboundEvent => ({
    type: 'PushStarted',
    data: { attempt, target: 'WH001', startedAt: at, expiresAt: new Date(Date.parse(at) + claimMs).toISOString() },
  });
  const later = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString();

  it('claims the next attempt at the inbound’s warehouse while the push is due; none while it stands; the same attempt once it ran out', () => {
    given([created])
      .when(startPush(1, now))
      .then([started(1, now)]);
    given([created, started(1, now)])
      .when(startPush(1, later(now, claimMs - 1)))
      .thenNothing();
    given([created, started(1, now)])
      .when(startPush(1, later(now, claimMs)))
      .then([started(1, later(now, claimMs))]);
  });

  it('claims nothing for an attempt out of turn, once pushed, or before a retry is due', () => {
    given([created]).when(startPush(2, now)).thenNothing();
    given([created, started(1, now), pushed(1)])
      .when(startPush(2, t1))
      .thenNothing();
    given([created, failed(1, now), scheduled(2, t1)])
      .when(startPush(2, now))
      .thenNothing();
    given([created, failed(1, now), scheduled(2, t1)])
      .when(startPush(2, t1))
      .then([started(2, t1)]);
  });

  it('closes the claim with the outcome', () => {
    expect(fold(inboundOrderDecider, [created, started(1, now), pushed(1)]).push.claim).toBeNull();
    expect(fold(inboundOrderDecider, [created, started(1, now), failed(1, now)]).push.claim).toBeNull();
  });
});
