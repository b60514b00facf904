/**
 * What the order projections need to know of an order, kept small enough to live in a row: its
 * status, where it is, its lines' quantities, whether a person is needed, its push attempts.
 * `applyToTrack` (on a copy the caller owns) and `advanceOrderTrack` (pure) follow the outbound
 * order's own evolve (src/domain/outbound-order/evolve.ts) for these fields, and a property test
 * holds the two together.
 */
import { totalsBySku } from '../../domain/kernel/lines.ts';
import type { OrderEvent, OrderStatus } from '../../domain/outbound-order/index.ts';

/** [sku, ordered, shipped, backordered, cancelled] */
export type TrackLine = readonly [sku: string, ordered: number, shipped: number, backordered: number, cancelled: number];

const SHIPPED = 2;
const BACKORDERED = 3;
const CANCELLED = 4;

export type OrderTrack = Readonly<{
  status: OrderStatus;
  warehouseCode: string;
  /** 0 nothing heard from the WMS, 1 picking, 2 packed */
  progress: number;
  statusBeforeCancel: OrderStatus | null;
  outboundNo: string | null;
  lines: readonly TrackLine[];
  manualReason: string | null;
  manualDetail: string | null;
  manualSince: string | null;
  /** push attempts over the order's life */
  attempts: number;
  lastError: string | null;
  anomalies: number;
  closedAt: string | null;
}>;

export const newOrderTrack = (warehouseCode: string, items: readonly Readonly<{ sku: string; quantity: number }>[]): OrderTrack => ({
  status: 'CREATED',
  warehouseCode,
  progress: 0,
  statusBeforeCancel: null,
  outboundNo: null,
  lines: items.map((item): TrackLine => [item.sku, item.quantity, 0, 0, 0]),
  manualReason: null,
  manualDetail: null,
  manualSince: null,
  attempts: 0,
  lastError: null,
  anomalies: 0,
  closedAt: null,
});

export const openOf = (line: TrackLine): number => Math.max(0, line[1] - line[2] - line[3] - line[4]);

const addTo = (
  lines: readonly TrackLine[],
  field: 2 | 3 | 4,
  items: readonly Readonly<{ sku: string; quantity: number }>[],
): readonly TrackLine[] => {
  const quantities = totalsBySku(items);
  let changed = false;
  const next = lines.map((line): TrackLine => {
    const amount = Math.min(quantities.get(line[0]) ?? 0, openOf(line));
    if (amount <= 0) return line;
    changed = true;
    const copy: [string, number, number, number, number] = [...line];
    copy[field] += amount;
    return copy;
  });
  return changed ? next : lines;
};

/** A track being changed: a fresh copy, owned by whoever advances it. */
export type TrackInProgress = { -readonly [K in keyof OrderTrack]: OrderTrack[K] };

const noPerson = (t: TrackInProgress): void => {
  t.manualReason = null;
  t.manualDetail = null;
  t.manualSince = null;
};

/** Once nothing is open the order is closed: shipped if anything shipped, else cancelled, else backordered. */
const settle = (t: TrackInProgress, otherwise: OrderStatus, at: string): void => {
  if (t.lines.some((line) => openOf(line) > 0)) {
    t.status = otherwise;
    return;
  }
  t.status = t.lines.some((line) => line[SHIPPED] > 0)
    ? 'SHIPPED'
    : t.lines.some((line) => line[CANCELLED] > 0)
      ? 'CANCELLED'
      : 'BACKORDERED';
  t.closedAt = at;
  t.statusBeforeCancel = null;
  noPerson(t);
};

const holdingStatus = (t: OrderTrack): OrderStatus =>
  t.lines.some((line) => line[SHIPPED] > 0) ? 'PARTIALLY_SHIPPED' : t.progress > 0 ? 'IN_PROGRESS' : 'PUSHED_TO_WMS';

/**
 * One more event of the order, applied to a copy of its track (OrderPlaced starts a track: see
 * `newOrderTrack`). It changes the copy it is given, and nothing else: replays call it for every
 * event, so it makes no object it does not need.
 */
export const applyToTrack = (t: TrackInProgress, event: OrderEvent): void => {
  switch (event.type) {
    case 'ReservationRequested':
      t.status = 'CREATED';
      noPerson(t);
      return;
    case 'StockReserved':
      t.status = 'RESERVED';
      return;
    case 'BackorderCreated': {
      const status = t.status;
      t.lines = addTo(t.lines, BACKORDERED, event.data.lines);
      settle(t, status, event.data.createdAt);
      return;
    }
    case 'OrderRerouted':
      t.status = 'CREATED';
      t.warehouseCode = event.data.toWarehouse;
      t.outboundNo = null;
      t.progress = 0;
      noPerson(t);
      return;
    case 'PushSucceeded':
      if (t.status === 'RESERVED' || t.status === 'PUSH_FAILED') t.status = 'PUSHED_TO_WMS';
      t.outboundNo ??= event.data.outboundNo;
      t.attempts = Math.max(t.attempts, event.data.attempt);
      t.lastError = null;
      return;
    case 'PushFailed':
      if (t.status === 'RESERVED') t.status = 'PUSH_FAILED';
      t.attempts = Math.max(t.attempts, event.data.attempt);
      t.lastError = event.data.error;
      return;
    case 'PushRetryScheduled':
      t.status = 'PUSH_FAILED';
      return;
    case 'RetryRequested':
      if (event.data.step === 'PUSH') t.status = 'RESERVED';
      noPerson(t);
      return;
    case 'ManualInterventionRequired':
      t.status = 'MANUAL_INTERVENTION';
      t.manualReason = event.data.reason;
      t.manualDetail = event.data.detail;
      t.manualSince = event.data.at;
      return;
    case 'ManualInterventionResolved':
      t.status = holdingStatus(t);
      t.outboundNo = event.data.outboundNo;
      noPerson(t);
      return;
    case 'WmsProgressRecorded':
      t.progress = Math.max(t.progress, event.data.stage === 'PICKING' ? 1 : 2);
      if (t.status !== 'CANCEL_REQUESTED' && t.status !== 'PARTIALLY_SHIPPED') {
        t.status = 'IN_PROGRESS';
        noPerson(t);
      }
      return;
    case 'ShipmentRecorded':
      t.outboundNo ??= event.data.outboundNo;
      t.lines = addTo(t.lines, SHIPPED, event.data.items);
      t.statusBeforeCancel = null;
      noPerson(t);
      settle(t, 'PARTIALLY_SHIPPED', event.data.recordedAt);
      return;
    case 'CancellationRequested':
      t.statusBeforeCancel = t.status;
      t.status = 'CANCEL_REQUESTED';
      return;
    case 'InterceptFailed':
      if (t.status === 'CANCEL_REQUESTED') t.status = t.statusBeforeCancel ?? holdingStatus(t);
      t.statusBeforeCancel = null;
      return;
    case 'OrderCancelled':
      t.lines = addTo(t.lines, CANCELLED, event.data.lines);
      settle(t, 'CANCELLED', event.data.cancelledAt);
      return;
    case 'AnomalyDetected':
      t.anomalies += 1;
      if (event.data.attempt !== null) {
        t.attempts = Math.max(t.attempts, event.data.attempt);
        t.lastError = null;
      }
      return;
    default:
      return;
  }
};

/** The events that change nothing a track holds. */
export const leavesTrackAlone = (event: OrderEvent): boolean => event.type === 'OrderPlaced' || event.type === 'StockShortageDetected';

/** The track after one more event (a new object; the given one is left as it was). */
export const advanceOrderTrack = <T extends OrderTrack>(track: T, event: OrderEvent): T => {
  if (leavesTrackAlone(event)) return track;
  const copy = { ...track } as T & TrackInProgress;
  applyToTrack(copy, event);
  return copy;
};

/** The columns a track takes in a table. */
export const orderTrackColumns = {
  status: 'text',
  warehouseCode: 'text',
  progress: 'integer',
  statusBeforeCancel: 'text',
  outboundNo: 'text',
  lines: 'json',
  manualReason: 'text',
  manualDetail: 'text',
  manualSince: 'text',
  attempts: 'integer',
  lastError: 'text',
  anomalies: 'integer',
  closedAt: 'text',
} as const satisfies Readonly<Record<keyof OrderTrack, 'text' | 'integer' | 'json'>>;

/** Sums of the lines: [ordered, shipped, backordered, cancelled]. */
export const lineTotals = (lines: readonly TrackLine[]): readonly [number, number, number, number] => {
  let ordered = 0;
  let shipped = 0;
  let backordered = 0;
  let cancelled = 0;
  for (const line of lines) {
    ordered += line[1];
    shipped += line[2];
    backordered += line[3];
    cancelled += line[4];
  }
  return [ordered, shipped, backordered, cancelled];
};
