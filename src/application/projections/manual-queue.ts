/**
 * The manual-intervention queue (人工介入): every order, inbound order and hand-off to transport
 * that waits for a person, with the reason, since when, how many push attempts were made and the
 * last error; oldest first, its age worked out when read, from the reader's clock. Orders are in
 * the order list already (their track knows when a person is needed, and when no longer: a
 * retry, a resolution, a reroute, the warehouse moving on, a cancellation); this projection keeps
 * the inbound orders and hand-offs, and the report reads the two together. A subject leaves the
 * queue when whatever it waits for happens.
 */
import type { RecordedEvent } from '../events/recorded-event.ts';
import { NOTHING, type Projection, type ReadRow, type RowOperation, put, remove, table } from './projection.ts';

export type ManualSubjectKind = 'order' | 'inbound' | 'shipment';

export type ManualQueueRow = Readonly<{
  /** the stream: `inbound-PO1`, `shipment-SF.SF1` (orders, read from the order list: `order-OMS1`) */
  subject: string;
  kind: ManualSubjectKind;
  /** the stream's id: the order or inbound number, a hand-off's `{carrier}.{waybillNo}` */
  reference: string;
  warehouseCode: string | null;
  reason: string;
  detail: string;
  since: string;
  sinceMs: number;
  attempts: number;
  lastError: string | null;
}>;

export const manualQueue = table<ManualQueueRow, 'subject'>({
  name: 'manual_queue',
  columns: {
    subject: 'text',
    kind: 'text',
    reference: 'text',
    warehouseCode: 'text',
    reason: 'text',
    detail: 'text',
    since: 'text',
    sinceMs: 'integer',
    attempts: 'integer',
    lastError: 'text',
  },
  key: ['subject'],
  indexes: [['sinceMs', 'subject']],
});

/** Inbound orders and hand-offs: where, the push attempts that failed so far, and whether the goods are in. */
export type ManualPusherRow = Readonly<{
  subject: string;
  warehouseCode: string | null;
  attempts: number;
  lastError: string | null;
  done: number;
}>;

export const manualPushers = table<ManualPusherRow, 'subject'>({
  name: 'manual_queue_pushers',
  columns: { subject: 'text', warehouseCode: 'text', attempts: 'integer', lastError: 'text', done: 'integer' },
  key: ['subject'],
});

const leave = (read: ReadRow, subject: string): readonly RowOperation[] =>
  read(manualQueue, { subject }) === undefined ? NOTHING : [remove(manualQueue, { subject })];

/** An inbound order's or a hand-off's event: its subject is its stream, its reference the stream's id. */
const onPusher = (
  event: RecordedEvent<'inbound' | 'shipment'>,
  read: ReadRow,
  millisOf: (i: string) => number,
): readonly RowOperation[] => {
  const subject = event.stream;
  if (event.type === 'InboundCreated') {
    return [put(manualPushers, { subject, warehouseCode: event.data.warehouseCode, attempts: 0, lastError: null, done: 0 })];
  }
  // a hand-off has a row only once a push failed: most never need one
  const pusher = read(manualPushers, { subject }) ?? { subject, warehouseCode: null, attempts: 0, lastError: null, done: 0 };
  switch (event.type) {
    case 'PushFailed': {
      const next = { ...pusher, attempts: Math.max(pusher.attempts, event.data.attempt), lastError: event.data.error };
      const queued = read(manualQueue, { subject });
      return queued === undefined
        ? [put(manualPushers, next)]
        : [put(manualPushers, next), put(manualQueue, { ...queued, attempts: next.attempts, lastError: next.lastError })];
    }
    case 'InboundReceived':
      return [put(manualPushers, { ...pusher, done: 1 }), ...leave(read, subject)];
    case 'PushSucceeded':
    case 'PushRetryScheduled':
      return leave(read, subject);
    case 'PushRetryRequested':
    case 'RetryRequested':
      // a received inbound stays received, whatever is asked of it
      return pusher.done === 1 ? NOTHING : leave(read, subject);
    case 'ManualInterventionRequired':
      if (pusher.done === 1) return NOTHING;
      return [
        put(manualQueue, {
          subject,
          kind: event.category,
          reference: event.streamId,
          warehouseCode: pusher.warehouseCode,
          reason: event.data.reason,
          detail: event.data.detail,
          since: event.data.at,
          sinceMs: millisOf(event.data.at),
          attempts: pusher.attempts,
          lastError: pusher.lastError,
        }),
      ];
    default:
      return NOTHING;
  }
};

export const manualQueueProjection: Projection = {
  name: 'manual-queue',
  version: 1,
  description:
    'inbound orders and transport hand-offs waiting for a person: reason, since when, attempts, last error (orders: in the order list)',
  categories: ['inbound', 'shipment'],
  tables: [manualQueue, manualPushers],
  evolve: (event, read, { millisOf }) =>
    event.category === 'inbound' || event.category === 'shipment' ? onPusher(event, read, millisOf) : NOTHING,
};
