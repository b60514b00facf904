/** The outbound order's events (`order-{orderNo}` streams), and the older shapes still read. */
import { z } from 'zod';
import type { OrderEvent } from '../../domain/outbound-order/index.ts';
import {
  attempt,
  code,
  consignee,
  count,
  eventOf,
  instant,
  lines,
  positive,
  pushFailed,
  pushRetryScheduled,
  pushStarted,
  text,
} from './fields.ts';

const reportedShipment = z.strictObject({ outboundNo: text, waybillNo: code, carrier: code, items: lines, shippedAt: instant });
const shipmentContext = { warehouseCode: code, reservationNo: count, consignee: consignee.nullable() };
const shipment = reportedShipment.extend(shipmentContext);
const withdrawal = z.strictObject({ warehouseCode: code, outboundNo: text.nullable() });
const skus = z.array(code);

const reservationRequested = z.strictObject({
  reservationNo: positive,
  warehouseCode: code,
  lines,
  supersedes: z.strictObject({ reservationNo: positive, warehouseCode: code }).nullable(),
});
const orderRerouted = z.strictObject({
  requestId: code.nullable(),
  fromWarehouse: code,
  toWarehouse: code,
  previousOutboundNo: text.nullable(),
  previousReservationNo: count,
  reason: text,
  reroutedAt: instant,
});
const orderCancelled = z.strictObject({
  requestId: code.nullable(),
  reason: text,
  lines,
  warehouseCode: code,
  reservationNo: count,
  cancelledAt: instant,
});

const backorderCreated = z.strictObject({
  backorderNo: code,
  warehouseCode: code,
  lines,
  heldUnderReservation: positive.nullable(),
  createdAt: instant,
});
const reportedShortBy = code.nullable();

const anomalyKind = z.enum([
  'SHIPPED_MORE_THAN_ORDERED',
  'SKU_NOT_ORDERED',
  'OUTBOUND_NO_MISMATCH',
  'SHIPPED_AFTER_CANCEL_REQUEST',
  'SHIPPED_AFTER_CANCEL',
  'SHIPPED_AFTER_CLOSE',
  'CONFLICTING_SHIPMENT',
  'PUSHED_AFTER_CANCEL',
  'PUSHED_TO_PREVIOUS_WAREHOUSE',
  'PROGRESS_AFTER_CANCEL',
  'SHORTAGE_AFTER_CLOSE',
  'PUSHED_AFTER_CLOSE',
  'SHORTAGE_NOT_OPEN',
  'REPORT_FROM_PREVIOUS_WAREHOUSE',
  'INTERCEPTED_AFTER_SHIPMENT',
  'MESSAGE_ID_REUSED',
]);
const anomaly = <S extends z.ZodType>(shipmentSchema: S) =>
  z.strictObject({
    kind: anomalyKind,
    detail: text,
    factKeys: z.array(text),
    attempt: attempt.nullable(),
    shipment: shipmentSchema,
    outboundNo: text.nullable(),
    warehouseCode: text,
    detectedAt: instant,
  });

export const orderEvent: z.ZodType<OrderEvent> = z.discriminatedUnion('type', [
  eventOf(
    'OrderPlaced',
    z.strictObject({
      orderNo: code,
      warehouseCode: code,
      priority: z.enum(['HIGH', 'NORMAL', 'LOW']),
      timeRequirement: z.enum(['STANDARD', 'EXPRESS']),
      items: lines.min(1),
      consignee,
      policy: z.strictObject({ allowPartialShip: z.boolean(), allowCancel: z.boolean() }),
      backorderOf: code.optional(),
      placedAt: instant,
    }),
  ),
  eventOf(
    'ReservationRequested',
    reservationRequested.extend({
      supersedes: z.strictObject({ reservationNo: positive, warehouseCode: code, skus }).nullable(),
    }),
  ),
  eventOf('StockReserved', z.strictObject({ reservationNo: positive, warehouseCode: code, reservedAt: instant })),
  eventOf(
    'StockShortageDetected',
    z.strictObject({ source: z.enum(['RESERVATION', 'WMS']), warehouseCode: code, lines, reportKey: code, detectedAt: instant }),
  ),
  eventOf('BackorderCreated', backorderCreated.extend({ reportedShortBy })),
  eventOf(
    'OwedToOriginal',
    z.strictObject({
      originalOrderNo: code,
      owedNo: positive,
      warehouseCode: code,
      lines,
      heldUnderReservation: positive.nullable(),
      reportedShortBy,
      createdAt: instant,
    }),
  ),
  eventOf(
    'BackorderCarriedOver',
    z.strictObject({
      backorderNo: code,
      fromOrderNo: code,
      owedNo: positive,
      warehouseCode: code,
      lines,
      reportedShortBy,
      createdAt: instant,
    }),
  ),
  eventOf(
    'BackorderCancelled',
    z.strictObject({ backorderNo: code, lines, requestId: code, reason: text, cancelledBy: text, cancelledAt: instant }),
  ),
  eventOf('OrderRerouted', orderRerouted.extend({ skus, withdrawFrom: withdrawal.nullable() })),
  eventOf('PushStarted', pushStarted),
  eventOf('PushSucceeded', z.strictObject({ attempt, warehouseCode: code, outboundNo: code, pushedAt: instant })),
  eventOf('PushFailed', pushFailed),
  eventOf('PushRetryScheduled', pushRetryScheduled),
  eventOf(
    'RetryRequested',
    z.strictObject({ requestId: code, step: z.enum(['RESERVE', 'PUSH']), newRound: z.boolean(), requestedBy: text, requestedAt: instant }),
  ),
  eventOf(
    'ManualInterventionRequired',
    z.strictObject({ reason: z.enum(['PUSH_ATTEMPTS_EXHAUSTED', 'PUSH_REJECTED', 'OUT_OF_STOCK']), detail: text, at: instant }),
  ),
  eventOf(
    'ManualInterventionResolved',
    z.strictObject({ requestId: code, outboundNo: code, note: text, resolvedBy: text, resolvedAt: instant }),
  ),
  eventOf(
    'WmsProgressRecorded',
    z.strictObject({ warehouseCode: code, stage: z.enum(['PICKING', 'PACKED']), at: instant, recordedAt: instant }),
  ),
  eventOf('ShipmentRecorded', shipment.extend({ recordedAt: instant })),
  eventOf(
    'CancellationRequested',
    z.strictObject({ requestId: code, reason: text, requestedBy: text, outboundNo: text.nullable(), requestedAt: instant }),
  ),
  eventOf('InterceptFailed', z.strictObject({ cancelRequestId: code, detail: text, at: instant })),
  eventOf(
    'CancelCallStarted',
    z.strictObject({
      kind: z.enum(['INTERCEPT', 'WITHDRAW']),
      id: code,
      warehouseCode: code,
      outboundNo: text.nullable(),
      reason: text,
      startedAt: instant,
      expiresAt: instant,
    }),
  ),
  eventOf('WithdrawalAnswered', z.strictObject({ withdrawalId: code, withdrawn: z.boolean(), detail: text, at: instant })),
  eventOf('OrderCancelled', orderCancelled.extend({ skus, withdrawFrom: withdrawal.nullable() })),
  eventOf('WarehouseMessageApplied', z.strictObject({ messageId: code, content: code, appliedAt: instant })),
  eventOf('AnomalyDetected', anomaly(shipment.nullable())),
]);

/**
 * Order events written before they carried what their consumers need: read as they are, then
 * completed from the order before them (upcasts.ts). Shipments without the order's
 * context (`ShipmentContext`: warehouse, reservation round, consignee); releases without their
 * SKUs; cancellations and reroutes without the warehouse to withdraw from; backorders without the
 * warehouse that reported them short.
 */
export const legacyOrderEvent = z.discriminatedUnion('type', [
  eventOf('ShipmentRecorded', reportedShipment.extend({ recordedAt: instant })),
  eventOf('AnomalyDetected', anomaly(reportedShipment)),
  eventOf('ReservationRequested', reservationRequested),
  eventOf('OrderRerouted', orderRerouted),
  eventOf('OrderCancelled', orderCancelled),
  eventOf('BackorderCreated', backorderCreated),
]);
