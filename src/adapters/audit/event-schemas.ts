/**
 * The schema of every event the hub stores, per stream category, in zod: what `oms verify`
 * checks each stored event against (an unknown type for its category, a missing or extra field,
 * a quantity that is not a whole number, an instant without offset…). They restate the domain's
 * event types (src/domain/<aggregate>/events.ts); a change there needs one here, and the audit
 * tests fold real deciders' output through these schemas to keep the two in step.
 */
import { z } from 'zod';
import type { EventValidator } from '../../application/audit/integrity-check.ts';
import { isInstant } from '../../domain/kernel/instant.ts';

/** The shape the hub writes (`2025-11-22T02:00:00.000Z`, `…+08:00`) checked fast; anything else by the domain's own rule. */
const usualInstant = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const looksLikeAnInstant = (text: string): boolean => {
  const match = usualInstant.exec(text);
  if (match === null) return isInstant(text);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return !Number.isNaN(Date.parse(text)) && new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
};
const instant = z.string().refine(looksLikeAnInstant, 'must be an ISO-8601 instant with an offset');
const text = z.string();
const code = z.string().min(1, 'must not be blank');
const count = z.int().nonnegative();
const positive = z.int().positive();
const attempt = z.int().positive();

const line = z.strictObject({ sku: code, quantity: positive, batchNo: z.string().optional() });
const receivedLine = z.strictObject({ sku: code, quantity: count, batchNo: z.string().optional() });
const lines = z.array(line);
const consignee = z.strictObject({ name: text, phone: text, province: text, city: text, district: text, address: text });
const pushFailed = z.strictObject({ attempt, error: text, retryable: z.boolean(), failedAt: instant });
const pushRetryScheduled = z.strictObject({ attempt, dueAt: instant });
const manualReason = z.enum(['PUSH_ATTEMPTS_EXHAUSTED', 'PUSH_REJECTED']);

const shipment = z.strictObject({ outboundNo: text, waybillNo: code, carrier: text, items: lines, shippedAt: instant });

const orderEvents = {
  OrderPlaced: z.strictObject({
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
  ReservationRequested: z.strictObject({
    reservationNo: positive,
    warehouseCode: code,
    lines,
    supersedes: z.strictObject({ reservationNo: positive, warehouseCode: code }).nullable(),
  }),
  StockReserved: z.strictObject({ reservationNo: positive, warehouseCode: code, reservedAt: instant }),
  StockShortageDetected: z.strictObject({
    source: z.enum(['RESERVATION', 'WMS']),
    warehouseCode: code,
    lines,
    reportKey: code,
    detectedAt: instant,
  }),
  BackorderCreated: z.strictObject({
    backorderNo: code,
    warehouseCode: code,
    lines,
    heldUnderReservation: positive.nullable(),
    createdAt: instant,
  }),
  OrderRerouted: z.strictObject({
    requestId: code.nullable(),
    fromWarehouse: code,
    toWarehouse: code,
    previousOutboundNo: text.nullable(),
    previousReservationNo: count,
    reason: text,
    reroutedAt: instant,
  }),
  PushSucceeded: z.strictObject({ attempt, warehouseCode: code, outboundNo: code, pushedAt: instant }),
  PushFailed: pushFailed,
  PushRetryScheduled: pushRetryScheduled,
  RetryRequested: z.strictObject({
    requestId: code,
    step: z.enum(['RESERVE', 'PUSH']),
    newRound: z.boolean(),
    requestedBy: text,
    requestedAt: instant,
  }),
  ManualInterventionRequired: z.strictObject({
    reason: z.enum(['PUSH_ATTEMPTS_EXHAUSTED', 'PUSH_REJECTED', 'OUT_OF_STOCK']),
    detail: text,
    at: instant,
  }),
  ManualInterventionResolved: z.strictObject({ requestId: code, outboundNo: code, note: text, resolvedBy: text, resolvedAt: instant }),
  WmsProgressRecorded: z.strictObject({ warehouseCode: code, stage: z.enum(['PICKING', 'PACKED']), at: instant, recordedAt: instant }),
  ShipmentRecorded: shipment.extend({ recordedAt: instant }),
  CancellationRequested: z.strictObject({
    requestId: code,
    reason: text,
    requestedBy: text,
    outboundNo: text.nullable(),
    requestedAt: instant,
  }),
  InterceptFailed: z.strictObject({ cancelRequestId: code, detail: text, at: instant }),
  OrderCancelled: z.strictObject({
    requestId: code.nullable(),
    reason: text,
    lines,
    warehouseCode: code,
    reservationNo: count,
    cancelledAt: instant,
  }),
  AnomalyDetected: z.strictObject({
    kind: z.enum([
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
    ]),
    detail: text,
    factKeys: z.array(text),
    attempt: attempt.nullable(),
    shipment: shipment.nullable(),
    outboundNo: text.nullable(),
    warehouseCode: text,
    detectedAt: instant,
  }),
};

const inboundEvents = {
  InboundCreated: z.strictObject({
    inboundNo: code,
    kind: z.enum(['PURCHASE', 'RETURN']),
    warehouseCode: code,
    supplier: text.nullable(),
    poNumber: text.nullable(),
    returnNo: text.nullable(),
    lines: lines.min(1),
    expectedAt: instant.nullable(),
    createdAt: instant,
  }),
  PushSucceeded: z.strictObject({ attempt, wmsInboundNo: code, pushedAt: instant }),
  PushFailed: pushFailed,
  PushRetryScheduled: pushRetryScheduled,
  ManualInterventionRequired: z.strictObject({ reason: manualReason, detail: text, at: instant }),
  PushRetryRequested: z.strictObject({ requestId: code, requestedBy: text, attempt, requestedAt: instant }),
  InboundReceived: z.strictObject({ receiptNo: code, lines: z.array(receivedLine), receivedAt: instant, recordedAt: instant }),
  DiscrepancyRecorded: z.strictObject({
    receiptNo: code,
    sku: code,
    kind: z.enum(['SHORT', 'OVER', 'UNKNOWN_SKU']),
    expected: count,
    received: count,
  }),
  AnomalyDetected: z.strictObject({
    kind: z.literal('RECEIPT_AFTER_CLOSE'),
    receiptNo: code,
    lines: z.array(receivedLine),
    receivedAt: instant,
    detectedAt: instant,
  }),
};

const inspectionLine = z.strictObject({ sku: code, qualified: count, defective: count });
const returnEvents = {
  ReturnCreated: z.strictObject({
    returnNo: code,
    orderNo: code,
    warehouseCode: code,
    reason: text,
    lines: z.array(z.strictObject({ sku: code, quantity: positive })).min(1),
    shipped: z.record(z.string(), count),
    alreadyReturned: z.record(z.string(), count),
    createdAt: instant,
  }),
  ReturnInspected: z.strictObject({ inspectionNo: code, lines: z.array(inspectionLine), inspectedAt: instant, recordedAt: instant }),
  AnomalyDetected: z.union([
    z.strictObject({
      kind: z.enum(['SHORT', 'OVER', 'UNKNOWN_SKU']),
      inspectionNo: code,
      sku: code,
      expected: count,
      received: count,
      detectedAt: instant,
    }),
    z.strictObject({
      kind: z.literal('SECOND_INSPECTION'),
      inspectionNo: code,
      lines: z.array(inspectionLine),
      inspectedAt: instant,
      detectedAt: instant,
    }),
  ]),
  ReturnClosed: z.strictObject({ requestId: code, closedBy: text, closedAt: instant }),
};

const onLedger = <T extends z.ZodRawShape>(shape: T) => z.strictObject({ reference: code, warehouseCode: code, sku: code, ...shape });
const stockEvents = {
  StockReceived: onLedger({ quantity: positive, condition: z.enum(['SELLABLE', 'DEFECTIVE']), receivedAt: instant }),
  StockReserved: onLedger({ quantity: positive, reservedAt: instant }),
  StockReleased: onLedger({ reservation: code, quantity: positive, releasedAt: instant }),
  StockDeducted: onLedger({ reservation: code.nullable(), quantity: positive, fromReservation: count, deductedAt: instant }),
  StockAdjusted: onLedger({ previousOnHand: z.int(), countedOnHand: count, delta: z.int(), countedAt: instant }),
  StockAnomalyDetected: onLedger({
    kind: z.enum(['NEGATIVE_ON_HAND', 'RESERVED_EXCEEDS_ON_HAND']),
    onHand: z.int(),
    reserved: z.int(),
    detail: text,
    detectedAt: instant,
  }),
};

const shipmentEvents = {
  ShipmentRegistered: z.strictObject({
    waybillNo: code,
    orderNo: code,
    carrier: text,
    consignee,
    items: lines.min(1),
    shippedAt: instant,
    registeredAt: instant,
  }),
  PushSucceeded: z.strictObject({ attempt, transportRef: code, pushedAt: instant }),
  PushFailed: pushFailed,
  PushRetryScheduled: pushRetryScheduled,
  RetryRequested: z.strictObject({ requestId: code, newRound: z.boolean(), requestedBy: text, requestedAt: instant }),
  ManualInterventionRequired: z.strictObject({ reason: manualReason, detail: text, at: instant }),
};

/** Event schemas by stream category, then by event type. */
export const eventSchemas: Readonly<Record<string, Readonly<Record<string, z.ZodType>>>> = {
  order: orderEvents,
  inbound: inboundEvents,
  return: returnEvents,
  stock: stockEvents,
  shipment: shipmentEvents,
};

/** The metadata every event carries (ports/event-store.ts); other keys are kept as they are. */
export const eventMetadata = z.looseObject({
  correlationId: code,
  causationId: code,
  recordedAt: instant,
  callback: z.strictObject({ endpoint: code, body: z.json() }).optional(),
});

const problemsOf = (where: 'data' | 'metadata', error: z.ZodError): string[] =>
  error.issues.map((issue) => `${[where, ...issue.path.map(String)].join('.')}: ${issue.message}`);

/** The validator `oms verify` hands to the integrity check (application/audit/integrity-check.ts). */
export const validateEvent: EventValidator = (category, event) => {
  const types = Object.hasOwn(eventSchemas, category) ? eventSchemas[category] : undefined;
  if (types === undefined) return [`no stream of category "${category}" is written by the hub`];
  const schema = Object.hasOwn(types, event.type) ? types[event.type] : undefined;
  if (schema === undefined) return [`${event.type} is not an event of ${category} streams`];
  const data = schema.safeParse(event.data);
  const metadata = eventMetadata.safeParse(event.metadata);
  return [...(data.success ? [] : problemsOf('data', data.error)), ...(metadata.success ? [] : problemsOf('metadata', metadata.error))];
};
