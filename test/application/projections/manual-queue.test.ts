import { describe, expect, it } from 'vitest';
import { manualQueue, manualQueueProjection } from '../../../src/application/projections/manual-queue.ts';
import type { InboundEvent } from '../../../src/domain/inbound-order/index.ts';
import type { HandOffEvent } from '../../../src/domain/transport-handoff/index.ts';
import { at } from '../../domain/outbound-order/order-fixtures.ts';
import { EventLog, project, rowsOf } from './projection-harness.ts';

const queue = (log: EventLog) => rowsOf(project(manualQueueProjection, log.all()), manualQueue.name);

const inbound = 'inbound-PO1';
const inboundCreated: InboundEvent = {
  type: 'InboundCreated',
  data: {
    inboundNo: 'PO1',
    kind: 'PURCHASE',
    warehouseCode: 'WH002',
    supplier: 'ACME',
    poNumber: 'PO-1',
    returnNo: null,
    lines: [{ sku: 'SKU001', quantity: 10 }],
    expectedAt: null,
    createdAt: at(0),
  },
};
const inboundGaveUp: InboundEvent[] = [
  { type: 'PushFailed', data: { attempt: 1, error: 'HTTP 400 bad sku', retryable: false, failedAt: at(1) } },
  { type: 'ManualInterventionRequired', data: { reason: 'PUSH_REJECTED', detail: 'the WMS refused it', at: at(1) } },
];

describe('manual-intervention queue: inbound orders and hand-offs that wait for a person (orders: see the order list)', () => {
  it('an inbound order the WMS refused waits at its warehouse, and leaves once the goods are received', () => {
    const waiting = new EventLog().add(inbound, inboundCreated, ...inboundGaveUp);
    expect(queue(waiting)).toMatchObject([
      {
        subject: inbound,
        kind: 'inbound',
        reference: 'PO1',
        warehouseCode: 'WH002',
        reason: 'PUSH_REJECTED',
        attempts: 1,
        lastError: 'HTTP 400 bad sku',
      },
    ]);
    const received = waiting.add(inbound, {
      type: 'InboundReceived',
      data: { receiptNo: 'RC1', lines: [{ sku: 'SKU001', quantity: 10 }], receivedAt: at(40), recordedAt: at(40) },
    });
    expect(queue(received)).toEqual([]);
  });

  it('a hand-off to transport that keeps failing waits, until a later push gets through', () => {
    const shipment = 'shipment-SF.SF1';
    const gaveUp: HandOffEvent[] = [
      { type: 'PushFailed', data: { attempt: 1, error: 'TMS timeout', retryable: true, failedAt: at(20) } },
      {
        type: 'ManualInterventionRequired',
        data: { reason: 'PUSH_ATTEMPTS_EXHAUSTED', detail: 'hand-off to transport: TMS timeout', at: at(20) },
      },
    ];
    const waiting = new EventLog().add(shipment, ...gaveUp);
    expect(queue(waiting)).toMatchObject([
      { subject: shipment, kind: 'shipment', reference: 'SF.SF1', warehouseCode: null, attempts: 1, lastError: 'TMS timeout' },
    ]);
    const done = waiting.add(
      shipment,
      { type: 'RetryRequested', data: { requestId: 'r', newRound: true, requestedBy: 'ops', requestedAt: at(30) } },
      {
        type: 'PushSucceeded',
        data: { attempt: 2, transportRef: 'T1', pushedAt: at(30) },
      },
    );
    expect(queue(done)).toEqual([]);
  });
});
