import { describe, expect, test } from 'vitest';
import { MemoryEventStore } from '../../../src/adapters/event-store/memory/memory-event-store.ts';
import type { Dependencies } from '../../../src/application/dependencies.ts';
import { alertWhenAPersonIsNeeded } from '../../../src/application/reactions/alert-when-a-person-is-needed.ts';
import type { DomainMessage } from '../../../src/application/ports/event-store.ts';
import { depsOver } from '../../support/memory-deps.ts';
import { MemoryAlerting } from '../../support/memory-ports.ts';
import { newAlert } from '../../support/new-alert.ts';

const at = '2025-11-22T03:00:00.000Z';
/** what the order's act leaves open: everything but the alert of its wait */
const stillOpen = ['event:too-late', 'backorder:B1', 'event:anomaly', 'event:other order', 'event:inbound stuck'];

/** The reaction handles `message`, appended to `stream` and read back as the hub reads it. */
const handled = async (deps: Dependencies, category: 'order' | 'inbound' | 'shipment', stream: string, message: DomainMessage) => {
  const id = `e-${stream}-${message.type}`;
  await deps.store.append(stream, [{ ...message, id, metadata: { correlationId: 'c', causationId: 'c', recordedAt: at } }], 'any');
  const [event] = (await deps.events.readStream(category, stream)).filter((read) => read.id === id);
  const alerts = alertWhenAPersonIsNeeded(deps);
  if (event === undefined || !alerts.handles.canHandle(event)) throw new Error(`${message.type} is not handled`);
  await alerts.handle(event);
  return event;
};

const setUp = async () => {
  const alerting = new MemoryAlerting();
  const deps: Dependencies = { ...depsOver(new MemoryEventStore()), alerting };
  const waiting = { reason: 'PUSH_REJECTED', detail: 'HTTP 400', at };
  await alerting.raise(newAlert('event:stuck', { subject: 'order-OMS1', details: waiting }));
  // about the same order, but not its wait: a cancellation too late, a backorder, an anomaly
  await alerting.raise(newAlert('event:too-late', { subject: 'order-OMS1', details: { cancelRequestId: 'c1', detail: 'packed', at } }));
  await alerting.raise(newAlert('backorder:B1', { subject: 'order-OMS1', details: { backorderNo: 'B1', reason: 'OUT_OF_STOCK' } }));
  await alerting.raise(newAlert('event:anomaly', { subject: 'order-OMS1', kind: 'ANOMALY', details: waiting }));
  await alerting.raise(newAlert('event:other order', { subject: 'order-OMS2', details: waiting }));
  await alerting.raise(newAlert('event:inbound stuck', { subject: 'inbound-IN1', details: waiting }));
  const open = async () => (await alerting.list({ acknowledged: false })).map((alert) => alert.key);
  return { deps, alerting, open };
};

describe('a person acting on what waited for them settles its manual-intervention alerts', () => {
  test('resolved by hand: the alert of the order’s wait is acknowledged, naming the act; its other alerts and other subjects are left open', async () => {
    const { deps, alerting, open } = await setUp();
    const event = await handled(deps, 'order', 'order-OMS1', {
      type: 'ManualInterventionResolved',
      data: { requestId: 'r1', outboundNo: 'WMS-9', note: 'pushed by phone', resolvedBy: 'alice', resolvedAt: at },
    });
    expect(await open()).toEqual(stillOpen);
    const [settled] = await alerting.list({ acknowledged: true });
    expect(settled).toMatchObject({ key: 'event:stuck', acknowledgedBy: 'hub: order-OMS1 resolved by alice (outbound WMS-9)' });
    // kept as an event, caused by the act
    const [acknowledged] = await deps.events.readStream('alert', `alert-${settled?.keyDigest}`);
    expect(acknowledged).toMatchObject({ type: 'AlertAcknowledged', metadata: { causationId: event.id } });
  });

  test.each([
    [
      'RetryRequested',
      { requestId: 'r2', step: 'PUSH', newRound: true, requestedBy: 'bob', requestedAt: at },
      'hub: order-OMS1 retried at the request of bob',
    ],
    [
      'OrderCancelled',
      {
        requestId: 'r3',
        reason: 'customer',
        lines: [],
        warehouseCode: 'WH001',
        reservationNo: 1,
        skus: [],
        withdrawFrom: null,
        cancelledAt: at,
      },
      'hub: order-OMS1 cancelled',
    ],
  ])('%s settles them too', async (type, data, by) => {
    const { deps, alerting, open } = await setUp();
    await handled(deps, 'order', 'order-OMS1', { type, data });
    expect(await open()).toEqual(stillOpen);
    expect((await alerting.list({ acknowledged: true }))[0]?.acknowledgedBy).toBe(by);
  });

  test('an inbound pushed again at a person’s request: its alert is settled', async () => {
    const { deps, open } = await setUp();
    await handled(deps, 'inbound', 'inbound-IN1', {
      type: 'PushRetryRequested',
      data: { requestId: 'r4', requestedBy: 'carol', attempt: 4, requestedAt: at },
    });
    expect(await open()).toEqual(['event:stuck', 'event:too-late', 'backorder:B1', 'event:anomaly', 'event:other order']);
  });

  test('an alert already acknowledged by a person keeps that person', async () => {
    const { deps, alerting } = await setUp();
    await alerting.acknowledge(1, 'dave', at);
    await handled(deps, 'order', 'order-OMS1', {
      type: 'ManualInterventionResolved',
      data: { requestId: 'r1', outboundNo: 'WMS-9', note: '', resolvedBy: 'alice', resolvedAt: at },
    });
    expect((await alerting.get(1))?.acknowledgedBy).toBe('dave');
  });
});
