/**
 * One complete life of each stream category, written by the deciders themselves: the article's
 * order shipped, its stock ledger, a purchase inbound with a discrepancy, a return with an anomaly,
 * a transport hand-off retried once. Audit and codec tests start from these.
 */
import type { HandOffCommand } from '../../src/domain/transport-handoff/index.ts';
import { type InboundCommand, inboundOrderDecider } from '../../src/domain/inbound-order/index.ts';
import { type OrderCommand, outboundOrder } from '../../src/domain/outbound-order/index.ts';
import { type ReturnCommand, returnOrderDecider } from '../../src/domain/return-order/index.ts';
import { type StockCommand, stockLedgerDecider } from '../../src/domain/stock-ledger/index.ts';
import { transportHandOff } from '../../src/domain/transport-handoff/index.ts';
import { articleOrder, articleOrderLife, at, policy3 } from '../domain/outbound-order/order-fixtures.ts';
import { eventsOf, run } from './arbitraries-decider.ts';
import type { WarehouseMessageEvent } from '../../src/application/warehouse-messages/warehouse-message.ts';
import type { AlertEvent } from '../../src/application/alerts/acknowledge-alert.ts';
import type { ParkedEvent } from '../../src/application/callbacks/parked-callbacks.ts';

export const orderCommands = (...commands: OrderCommand[]) => eventsOf(run(outboundOrder, commands));
export const placed = articleOrder(); // OMS202511220001, SKU001×2
export const shippedOrder = orderCommands(...articleOrderLife({ pushed: at(2), recorded: at(61) }));
export const ledger = { warehouseCode: 'WH001', sku: 'SKU001' } as const;
export const stockCommands = (...commands: StockCommand[]) => eventsOf(run(stockLedgerDecider, commands));
export const stockLife = stockCommands(
  { type: 'ReceiveStock', data: { ...ledger, reference: 'PO1', quantity: 10, condition: 'SELLABLE', now: at(0) } },
  { type: 'ReserveStock', data: { ...ledger, reference: 'OMS202511220001/R1', quantity: 2, now: at(1) } },
  { type: 'DeductStock', data: { ...ledger, reference: 'SF1', reservation: 'OMS202511220001/R1', quantity: 2, now: at(61) } },
);
export const inboundLife = eventsOf(
  run<unknown, InboundCommand, { type: string; data: object }>(inboundOrderDecider as never, [
    {
      type: 'CreateInbound',
      data: {
        inboundNo: 'IN1',
        kind: 'PURCHASE',
        warehouseCode: 'WH001',
        supplier: 'ACME',
        poNumber: 'PO1',
        lines: [
          { sku: 'SKU001', quantity: 5 },
          { sku: 'SKU002', quantity: 3 },
        ],
        now: at(0),
      },
    },
    // each push claimed before the call, as src/application/inbound/push-inbound.ts does
    { type: 'StartInboundPush', data: { inboundNo: 'IN1', attempt: 1, claimMs: 30_000, now: at(1) } },
    {
      type: 'RecordInboundPushFailed',
      data: { inboundNo: 'IN1', attempt: 1, error: 'HTTP 503', retryable: true, policy: policy3, now: at(1) },
    },
    { type: 'StartInboundPush', data: { inboundNo: 'IN1', attempt: 2, claimMs: 30_000, now: at(3) } },
    { type: 'RecordInboundPushSucceeded', data: { inboundNo: 'IN1', attempt: 2, wmsInboundNo: 'W1', now: at(3) } },
    {
      type: 'RecordReceipt',
      data: {
        inboundNo: 'IN1',
        receiptNo: 'RC1',
        lines: [
          { sku: 'SKU001', quantity: 4 },
          { sku: 'SKU009', quantity: 1 },
        ],
        receivedAt: at(90),
        now: at(91),
      },
    },
  ]),
);
/** An inbound whose push is refused (a person steps in and retries), then received twice: the second receipt is an anomaly. */
export const inboundTroubledLife = eventsOf(
  run<unknown, InboundCommand, { type: string; data: object }>(inboundOrderDecider as never, [
    {
      type: 'CreateInbound',
      data: {
        inboundNo: 'IN2',
        kind: 'PURCHASE',
        warehouseCode: 'WH001',
        supplier: 'ACME',
        poNumber: 'PO2',
        lines: [{ sku: 'SKU001', quantity: 1 }],
        now: at(0),
      },
    },
    {
      type: 'RecordInboundPushFailed',
      data: { inboundNo: 'IN2', attempt: 1, error: 'HTTP 400', retryable: false, policy: policy3, now: at(1) },
    },
    { type: 'RetryInboundPush', data: { inboundNo: 'IN2', requestId: 'Q1', requestedBy: 'ops', now: at(2) } },
    { type: 'RecordInboundPushSucceeded', data: { inboundNo: 'IN2', attempt: 1, wmsInboundNo: 'W2', now: at(3) } },
    ...['RC1', 'RC2'].map((receiptNo): InboundCommand => ({
      type: 'RecordReceipt',
      data: { inboundNo: 'IN2', receiptNo, lines: [{ sku: 'SKU001', quantity: 1 }], receivedAt: at(90), now: at(91) },
    })),
  ]),
);
export const returnLife = eventsOf(
  run<unknown, ReturnCommand, { type: string; data: object }>(returnOrderDecider as never, [
    {
      type: 'CreateReturn',
      data: {
        returnNo: 'RT1',
        orderNo: 'OMS202511220001',
        warehouseCode: 'WH001',
        reason: 'damaged',
        lines: [{ sku: 'SKU001', quantity: 2 }],
        shipped: { SKU001: 2 },
        alreadyReturned: {},
        now: at(0),
      },
    },
    {
      type: 'RecordReturnInspection',
      data: {
        returnNo: 'RT1',
        inspectionNo: 'QC1',
        lines: [{ sku: 'SKU001', qualified: 1, defective: 0 }],
        inspectedAt: at(5),
        now: at(6),
      },
    },
    { type: 'CloseReturn', data: { returnNo: 'RT1', requestId: 'Q1', closedBy: 'ops', now: at(7) } },
  ]),
);
/** The article's shipment registered for transport under this waybill. */
const registered = (waybillNo: string): HandOffCommand => ({
  type: 'RegisterShipment',
  data: {
    waybillNo,
    orderNo: 'OMS202511220001',
    carrier: 'SF',
    consignee: placed.consignee,
    items: [{ sku: 'SKU001', quantity: 2 }],
    shippedAt: at(60),
    now: at(61),
  },
});

export const handOffLife = eventsOf(
  run<unknown, HandOffCommand, { type: string; data: object }>(transportHandOff as never, [
    registered('SF1'),
    // each hand-off claimed before the call, as src/application/transport/hand-off-shipment.ts does
    { type: 'StartHandOff', data: { attempt: 1, claimMs: 30_000, now: at(62) } },
    { type: 'RecordHandOffFailed', data: { attempt: 1, error: 'timeout', retryable: true, policy: policy3, now: at(62) } },
    { type: 'StartHandOff', data: { attempt: 2, claimMs: 30_000, now: at(64) } },
    { type: 'RecordHandOffSucceeded', data: { attempt: 2, transportRef: 'TMS1', now: at(64) } },
  ]),
);

/** A hand-off the TMS refuses: a person steps in and asks for another round. */
export const handOffRefusedLife = eventsOf(
  run<unknown, HandOffCommand, { type: string; data: object }>(transportHandOff as never, [
    registered('SF2'),
    { type: 'RecordHandOffFailed', data: { attempt: 1, error: 'HTTP 400', retryable: false, policy: policy3, now: at(62) } },
    { type: 'RetryHandOff', data: { requestId: 'Q1', requestedBy: 'ops', now: at(63) } },
  ]),
);

/** Warehouse messages as the archive keeps them: applied, and refused with a body that is not UTF-8. */
export const archivedMessages: readonly WarehouseMessageEvent[] = [
  {
    type: 'WarehouseMessageReceived',
    data: {
      messageId: 'f2c1b0a4-5d8e-4f7a-9b3c-1e2d3f4a5b6c',
      endpoint: '/api/oms/outbound/callback',
      caller: 'wh-east',
      receivedAt: at(60),
      timestamp: '1763776800',
      signature: 'sha256=00',
      contentType: 'application/json',
      body: '{"orderNo":"OMS202511220001"}',
      bodyEncoding: 'utf8',
      status: 200,
      answer: 'success',
    },
  },
  {
    type: 'WarehouseMessageReceived',
    data: {
      messageId: '0b7e4f6a-1c2d-4e3f-8a9b-7c6d5e4f3a2b',
      endpoint: '/api/oms/inbound/callback',
      caller: 'open',
      receivedAt: at(61),
      timestamp: null,
      signature: null,
      contentType: null,
      body: '/w==',
      bodyEncoding: 'base64',
      status: 400,
      answer: 'the body is not valid JSON',
    },
  },
  // a shipment for an order not known yet: parked, then applied once the order was pushed
  {
    type: 'WarehouseMessageReceived',
    data: {
      messageId: 'a1b2c3d4-0000-4000-8000-000000000001',
      endpoint: '/api/oms/outbound/callback',
      caller: 'wh-east',
      receivedAt: at(50),
      timestamp: '1763776790',
      signature: 'sha256=01',
      contentType: 'application/json',
      body: '{"orderNo":"OMS9"}',
      bodyEncoding: 'utf8',
      status: 404,
      answer: 'no such order; the callback was kept for a person to look at, and is applied once order OMS9 is known',
    },
  },
  {
    type: 'CallbackParked',
    data: {
      messageId: 'a1b2c3d4-0000-4000-8000-000000000001',
      endpoint: '/api/oms/outbound/callback',
      waitingFor: { kind: 'order', no: 'OMS9' },
      reason: 'no such order; the callback was kept for a person to look at, and is applied once order OMS9 is known',
      parkedAt: at(50),
    },
  },
  {
    type: 'ParkedCallbackSettled',
    data: {
      messageId: 'a1b2c3d4-0000-4000-8000-000000000001',
      waitingFor: { kind: 'order', no: 'OMS9' },
      outcome: 'APPLIED',
      changed: true,
      status: 200,
      answer: 'success',
      settledAt: at(80),
    },
  },
];

/** A parked message filed under the order it waits for (`parked-order-OMS9`). */
export const parkedMessages: readonly ParkedEvent[] = [
  {
    type: 'CallbackWaiting',
    data: {
      messageId: 'a1b2c3d4-0000-4000-8000-000000000001',
      endpoint: '/api/oms/outbound/callback',
      waitingFor: { kind: 'order', no: 'OMS9' },
      filedAt: at(51),
    },
  },
];

/** A person's acknowledgement of an alert, as it is kept. */
export const acknowledgedAlerts: readonly AlertEvent[] = [
  {
    type: 'AlertAcknowledged',
    data: {
      alertKey: 'anomaly:order-OMS1:0',
      keyDigest: '0123456789abcdef0123456789abcdef',
      kind: 'ANOMALY',
      subject: 'order-OMS1',
      acknowledgedBy: 'shift-lead',
      acknowledgedAt: at(70),
    },
  },
];

/**
 * A family of backorders: the original short at its warehouse numbers OMS1-BO1, which a person
 * cancels; a backorder short again under a message id of the warehouse's owes the rest back
 * (`OwedToOriginal`), which the original numbers next (`BackorderCarriedOver`).
 */
export const backorderFamilyLife = orderCommands(
  {
    type: 'PlaceOrder',
    data: { ...articleOrder({ orderNo: 'OMS1', policy: { allowPartialShip: true, allowCancel: false } }), now: at(0) },
  },
  { type: 'RecordStockReserved', data: { reservationNo: 1, now: at(1) } },
  { type: 'RecordPushSucceeded', data: { attempt: 1, warehouseCode: 'WH001', outboundNo: 'WMS1', now: at(2) } },
  {
    type: 'RecordWmsShortage',
    data: { warehouseCode: 'WH001', lines: [{ sku: 'SKU001', quantity: 2 }], alternativeWarehouse: null, now: at(3) },
  },
  {
    type: 'CarryOverBackorder',
    data: {
      fromOrderNo: 'OMS1-BO1',
      owedNo: 1,
      warehouseCode: 'WH002',
      lines: [{ sku: 'SKU001', quantity: 1 }],
      reportedShortBy: 'WH002',
      now: at(40),
    },
  },
  {
    type: 'CancelBackorder',
    data: { requestId: 'Q1', backorderNo: 'OMS1-BO1', reason: 'no longer wanted', requestedBy: 'ops', now: at(41) },
  },
);
export const shortBackorderLife = orderCommands(
  {
    type: 'PlaceOrder',
    data: {
      ...articleOrder({ orderNo: 'OMS1-BO1', policy: { allowPartialShip: true, allowCancel: false }, backorderOf: 'OMS1' }),
      now: at(30),
    },
  },
  { type: 'RecordStockReserved', data: { reservationNo: 1, now: at(31) } },
  { type: 'RecordPushSucceeded', data: { attempt: 1, warehouseCode: 'WH001', outboundNo: 'WMS2', now: at(32) } },
  {
    type: 'RecordWmsShortage',
    data: { warehouseCode: 'WH001', lines: [{ sku: 'SKU001', quantity: 1 }], alternativeWarehouse: null, now: at(33), messageId: 'MSG-7' },
  },
);
/** A ledger the warehouse corrects: a shortage reported at picking, a change it made, a stock snapshot far off (sellable and defective). */
export const stockVarianceLife = stockCommands(
  { type: 'ReceiveStock', data: { ...ledger, reference: 'PO1', quantity: 20, condition: 'SELLABLE', now: at(0) } },
  { type: 'ReserveStock', data: { ...ledger, reference: 'OMS1/R1', quantity: 2, now: at(1) } },
  {
    type: 'RecordVariance',
    data: {
      ...ledger,
      reference: 'OMS1/shortage:WH001:SKU001=1',
      source: 'WMS_SHORTAGE',
      condition: 'SELLABLE',
      shelf: { kind: 'CHANGED_BY', quantity: -1 },
      reason: 'WH001 reported SKU001×1 short for OMS1',
      batchNo: null,
      alertAbove: 10,
      now: at(2),
    },
  },
  {
    type: 'RecordVariance',
    data: {
      ...ledger,
      reference: 'CHG1/1',
      source: 'WAREHOUSE_CHANGE',
      condition: 'DEFECTIVE',
      shelf: { kind: 'CHANGED_BY', quantity: -1 },
      reason: 'SCRAPPED',
      batchNo: 'B1',
      alertAbove: 10,
      now: at(3),
    },
  },
  {
    type: 'RecordVariance',
    data: {
      ...ledger,
      reference: 'REC1',
      source: 'RECONCILIATION',
      condition: 'SELLABLE',
      shelf: { kind: 'COUNTED', quantity: 1 },
      reason: 'stock snapshot of WH001 (REC1)',
      batchNo: null,
      alertAbove: 10,
      now: at(4),
    },
  },
);
