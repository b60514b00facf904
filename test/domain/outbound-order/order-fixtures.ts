// Builders for outbound-order specs: the article's order (OMS202511220001, WH001, SKU001×2, 张三)
// and one-line events and commands, so each spec reads like the business.
import type { Line } from '../../../src/domain/kernel/lines.ts';
import type { RetryPolicy } from '../../../src/domain/kernel/retry-policy.ts';
import type {
  AnomalyDetected,
  AnomalyKind,
  OrderCommand,
  OrderEvent,
  Placement,
  ReportedShipment,
  Shipment,
  ShipmentContext,
  ShortagePolicy,
} from '../../../src/domain/outbound-order/index.ts';

export const T0 = '2025-11-22T02:00:00.000Z';
export const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
export const policy3: RetryPolicy = { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 600_000 };

export const line = (sku: string, quantity: number): Line => ({ sku, quantity });

export const articleOrder = (overrides: Partial<Placement> = {}): Placement => ({
  orderNo: 'OMS202511220001',
  warehouseCode: 'WH001',
  priority: 'HIGH',
  timeRequirement: 'STANDARD',
  items: [{ sku: 'SKU001', quantity: 2, batchNo: 'BATCH001' }],
  consignee: { name: '张三', phone: '13800138000', province: '北京市', city: '北京市', district: '朝阳区', address: 'XX街道XX号' },
  policy: { allowPartialShip: false, allowCancel: false },
  ...overrides,
});

export const twoLineOrder = (policy: ShortagePolicy): Placement => articleOrder({ items: [line('SKU001', 2), line('SKU002', 3)], policy });

// ---- commands
export const placeOrder = (placement: Placement = articleOrder(), now = T0): OrderCommand => ({
  type: 'PlaceOrder',
  data: { ...placement, now },
});
export const stockReserved = (reservationNo = 1, now = at(1)): OrderCommand => ({
  type: 'RecordStockReserved',
  data: { reservationNo, now },
});
export const stockShort = (
  shortfalls: { sku: string; requested: number; available: number }[],
  alternativeWarehouse: string | null = null,
  reservationNo = 1,
): OrderCommand => ({ type: 'RecordStockShort', data: { reservationNo, shortfalls, alternativeWarehouse, now: at(1) } });
export const pushOk = (attempt = 1, outboundNo = 'WMS202511220001', warehouseCode = 'WH001', now = at(2)): OrderCommand => ({
  type: 'RecordPushSucceeded',
  data: { attempt, warehouseCode, outboundNo, now },
});
export const pushFailed = (attempt: number, now: string, retryable = true, warehouseCode = 'WH001'): OrderCommand => ({
  type: 'RecordPushFailed',
  data: { attempt, warehouseCode, error: retryable ? 'HTTP 503' : 'HTTP 400 invalid consignee', retryable, policy: policy3, now },
});
export const progress = (stage: 'PICKING' | 'PACKED', now = at(5), warehouseCode = 'WH001', messageId?: string): OrderCommand => ({
  type: 'RecordWmsProgress',
  data: { warehouseCode, stage, at: now, now, ...(messageId === undefined ? {} : { messageId }) },
});
export const wmsShort = (
  lines: Line[],
  alternativeWarehouse: string | null = null,
  warehouseCode = 'WH001',
  messageId?: string,
): OrderCommand => ({
  type: 'RecordWmsShortage',
  data: { warehouseCode, lines, alternativeWarehouse, now: at(6), ...(messageId === undefined ? {} : { messageId }) },
});
export const articleShipment = (overrides: Partial<ReportedShipment> = {}): ReportedShipment => ({
  outboundNo: 'WMS202511220001',
  waybillNo: 'SF1234567890',
  carrier: 'SF',
  items: [{ sku: 'SKU001', quantity: 2, batchNo: 'BATCH001' }],
  shippedAt: '2025-11-22T10:00:00.000+08:00',
  ...overrides,
});
export const recordShipment = (
  shipment: ReportedShipment = articleShipment(),
  now = at(10),
  confirmation: Readonly<{ final?: boolean; messageId?: string }> = {},
): OrderCommand => ({
  type: 'RecordShipment',
  data: { ...shipment, ...confirmation, now },
});
export const cancelOrder = (requestId = 'cancel-1', now = at(3)): OrderCommand => ({
  type: 'CancelOrder',
  data: { requestId, reason: 'customer changed their mind', requestedBy: 'customer-service', now },
});
export const intercept = (cancelRequestId: string, intercepted: boolean, now = at(4)): OrderCommand => ({
  type: 'RecordInterceptOutcome',
  data: { cancelRequestId, intercepted, detail: intercepted ? 'stopped before packing' : 'already handed to carrier', now },
});
export const retryNow = (requestId = 'retry-1', now = at(30)): OrderCommand => ({
  type: 'RetryNow',
  data: { requestId, requestedBy: 'ops', now },
});
export const reroute = (warehouseCode: string, requestId = 'reroute-1', now = at(30)): OrderCommand => ({
  type: 'RerouteOrder',
  data: { requestId, warehouseCode, reason: 'WH001 is down', requestedBy: 'ops', now },
});
export const resolve = (outboundNo: string, requestId = 'resolve-1', now = at(30)): OrderCommand => ({
  type: 'ResolveManually',
  data: { requestId, outboundNo, note: 'keyed in by the warehouse', resolvedBy: 'ops', now },
});

// ---- events
export const placed = (placement: Placement = articleOrder(), now = T0): OrderEvent => ({
  type: 'OrderPlaced',
  data: { ...placement, placedAt: now },
});
export const reservationRequested = (
  reservationNo: number,
  lines: Line[],
  warehouseCode = 'WH001',
  previousWarehouse = 'WH001',
  orderSkus: readonly string[] = lines.map((l) => l.sku),
): OrderEvent => ({
  type: 'ReservationRequested',
  data: {
    reservationNo,
    warehouseCode,
    lines,
    supersedes: reservationNo === 1 ? null : { reservationNo: reservationNo - 1, warehouseCode: previousWarehouse, skus: orderSkus },
  },
});
export const reserved = (reservationNo = 1, warehouseCode = 'WH001', now = at(1)): OrderEvent => ({
  type: 'StockReserved',
  data: { reservationNo, warehouseCode, reservedAt: now },
});
export const pushed = (attempt = 1, outboundNo = 'WMS202511220001', now = at(2), warehouseCode = 'WH001'): OrderEvent => ({
  type: 'PushSucceeded',
  data: { attempt, warehouseCode, outboundNo, pushedAt: now },
});
export const failed = (attempt: number, now: string, retryable = true): OrderEvent => ({
  type: 'PushFailed',
  data: { attempt, error: retryable ? 'HTTP 503' : 'HTTP 400 invalid consignee', retryable, failedAt: now },
});
export const retryScheduled = (attempt: number, dueAt: string): OrderEvent => ({ type: 'PushRetryScheduled', data: { attempt, dueAt } });
/** A reported shipment as the order records it: with the order's context (the article's order, first reservation, by default). */
export const withContext = (shipment: ReportedShipment, context: Partial<ShipmentContext> = {}): Shipment => ({
  ...shipment,
  warehouseCode: 'WH001',
  reservationNo: 1,
  consignee: articleOrder().consignee,
  ...context,
});
export const shipped = (
  shipment: ReportedShipment = articleShipment(),
  now = at(10),
  context: Partial<ShipmentContext> = {},
): OrderEvent => ({
  type: 'ShipmentRecorded',
  data: { ...withContext(shipment, context), recordedAt: now },
});
export const picking = (now = at(5)): OrderEvent => ({
  type: 'WmsProgressRecorded',
  data: { warehouseCode: 'WH001', stage: 'PICKING', at: now, recordedAt: now },
});
export const cancellationRequested = (requestId = 'cancel-1', now = at(3)): OrderEvent => ({
  type: 'CancellationRequested',
  data: {
    requestId,
    reason: 'customer changed their mind',
    requestedBy: 'customer-service',
    outboundNo: 'WMS202511220001',
    requestedAt: now,
  },
});

/** The article's order placed and its stock reserved: ready to push. */
export const placedAndReserved = (placement: Placement = articleOrder()): OrderEvent[] => [
  placed(placement),
  reservationRequested(
    1,
    placement.items.map((i) => line(i.sku, i.quantity)),
    placement.warehouseCode,
  ),
  reserved(1, placement.warehouseCode),
];
export const atTheWms = (placement: Placement = articleOrder()): OrderEvent[] => [...placedAndReserved(placement), pushed()];
export const anomaly = (kind: AnomalyKind, detail: string, now: string, extra: Partial<AnomalyDetected['data']> = {}): OrderEvent => ({
  type: 'AnomalyDetected',
  data: {
    kind,
    detail,
    factKeys: [],
    attempt: null,
    shipment: null,
    outboundNo: 'WMS202511220001',
    warehouseCode: 'WH001',
    detectedAt: now,
    ...extra,
  },
});

/**
 * The article's order through its whole life, as commands: placed at T0, reserved a minute later,
 * pushed (WMS1), shipped in full on waybill SF1 an hour after T0.
 */
export const articleOrderLife = (times: Readonly<{ pushed: string; recorded: string }>): OrderCommand[] => [
  { type: 'PlaceOrder', data: { ...articleOrder(), now: at(0) } },
  { type: 'RecordStockReserved', data: { reservationNo: 1, now: at(1) } },
  { type: 'RecordPushSucceeded', data: { attempt: 1, warehouseCode: 'WH001', outboundNo: 'WMS1', now: times.pushed } },
  {
    type: 'RecordShipment',
    data: {
      outboundNo: 'WMS1',
      waybillNo: 'SF1',
      carrier: 'SF',
      items: [{ sku: 'SKU001', quantity: 2 }],
      shippedAt: at(60),
      now: times.recorded,
    },
  },
];
