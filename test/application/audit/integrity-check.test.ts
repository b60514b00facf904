/**
 * The integrity check behind `oms verify`: what the deciders write passes it (properties over
 * random lives of each aggregate, through the hub's event decoder), and each way of
 * breaking a store by hand is found and named, at the event where it shows.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { validateMetadata } from '../../../src/adapters/event-codec/metadata.ts';
import { ZodEventDecoder } from '../../../src/adapters/event-codec/zod-event-decoder.ts';
import { type IntegrityReport, checkIntegrity } from '../../../src/application/audit/integrity-check.ts';
import type { StoredEvent } from '../../../src/application/ports/event-store.ts';
import { type InboundCommand, inboundOrderDecider } from '../../../src/domain/inbound-order/index.ts';
import type { OrderCommand, OrderEvent } from '../../../src/domain/outbound-order/index.ts';
import { type ReturnCommand, returnOrderDecider } from '../../../src/domain/return-order/index.ts';
import { type StockCommand, stockLedgerDecider } from '../../../src/domain/stock-ledger/index.ts';
import { at } from '../../domain/outbound-order/order-fixtures.ts';
import { accepted, life, play } from '../../domain/outbound-order/order-model.ts';
import { eventsOf, instantArb, retryPolicyArb, run } from '../../support/arbitraries-decider.ts';
import { storedStream, tampered, withData } from './stored-events.ts';
import {
  handOffLife,
  inboundLife,
  ledger,
  orderCommands,
  placed,
  returnLife,
  shippedOrder,
  stockCommands,
  stockLife,
  stockVarianceLife,
} from '../../support/category-lives.ts';

const check = (events: readonly StoredEvent[]): IntegrityReport => checkIntegrity(events, new ZodEventDecoder(), validateMetadata);
const findings = (report: IntegrityReport) =>
  report.broken.flatMap((stream) => stream.findings.map((finding) => ({ stream: stream.stream, ...finding })));
const rules = (report: IntegrityReport) => findings(report).map((finding) => finding.rule);
const renumbered = (events: readonly StoredEvent[]): StoredEvent[] => events.map((event, i) => ({ ...event, revision: BigInt(i) }));

// ------------------------------------------------------------------ clean histories, from the deciders

const order = () => storedStream('order-OMS202511220001', shippedOrder);
const stock = () => storedStream('stock-WH001.SKU001', stockLife);

describe('what the deciders write passes', () => {
  test('an order, its stock ledger, an inbound, a return and a hand-off, each with its schema and invariants', () => {
    const report = check([
      ...order(),
      ...stock(),
      ...storedStream('inbound-IN1', inboundLife),
      ...storedStream('return-RT1', returnLife),
      ...storedStream('shipment-SF.SF1', handOffLife),
    ]);
    expect(report.broken).toEqual([]);
    expect(report.categories).toEqual({ order: 1, stock: 1, inbound: 1, return: 1, shipment: 1 });
    expect(report.events).toBe(shippedOrder.length + stockLife.length + inboundLife.length + returnLife.length + handOffLife.length);
    expect(inboundLife.map((e) => e.type)).toContain('DiscrepancyRecorded'); // the receipt's discrepancies were checked, not absent
    expect(returnLife.map((e) => e.type)).toContain('AnomalyDetected');
  });

  // One exception, left out here and reported: a reservation shortfall naming the same SKU twice
  // (the inventory never reports one so) makes the decider backorder more than is open, which the
  // check rightly calls a break ("only what is open is backordered or cancelled").
  const repeatsASku = (command: OrderCommand): boolean =>
    command.type === 'RecordStockShort' && new Set(command.data.shortfalls.map((s) => s.sku)).size < command.data.shortfalls.length;
  test.prop([life], { numRuns: 300 })('any life of an outbound order (redeliveries, races, contradictions, anomalies)', (lifeOf) => {
    const turns = play(lifeOf);
    fc.pre(!turns.some((turn) => repeatsASku(turn.command)));
    const events = turns.flatMap((turn) => (accepted(turn) ? turn.events : []));
    const report = check(storedStream(`order-${lifeOf[0].orderNo}`, events));
    expect(findings(report)).toEqual([]);
  });

  const stockCommand: fc.Arbitrary<StockCommand> = (() => {
    const reference = fc.constantFrom('R1', 'R2', 'R3', 'R4');
    const reservation = fc.constantFrom('OMS1/R1', 'OMS2/R1', 'OMS3/R1');
    const quantity = fc.integer({ min: 1, max: 6 });
    return fc.oneof(
      fc
        .record({
          reference,
          quantity: quantity.map((q) => q * 2),
          condition: fc.constantFrom('SELLABLE' as const, 'DEFECTIVE' as const),
          batch: fc.constantFrom({}, { batchNo: 'B1', expiryDate: '2026-01-31' }, { batchNo: 'B2' }),
          now: instantArb,
        })
        .map(({ batch, ...d }): StockCommand => ({ type: 'ReceiveStock', data: { ...ledger, ...d, ...batch } })),
      fc
        .record({ reference: reservation, quantity, batchNo: fc.constantFrom(undefined, 'B1', 'B2'), now: instantArb })
        .map((d): StockCommand => ({ type: 'ReserveStock', data: { ...ledger, ...d } })),
      fc
        .record({ reference, reservation, quantity: fc.oneof(quantity, fc.constant('ALL' as const)), now: instantArb })
        .map((d): StockCommand => ({ type: 'ReleaseStock', data: { ...ledger, ...d } })),
      fc
        .record({ reference, reservation: fc.option(reservation, { nil: undefined }), quantity, now: instantArb })
        .map((d): StockCommand => ({ type: 'DeductStock', data: { ...ledger, ...d } })),
      fc
        .record({ reference, countedOnHand: fc.integer({ min: 0, max: 12 }), now: instantArb })
        .map((d): StockCommand => ({ type: 'AdjustStock', data: { ...ledger, ...d } })),
      fc
        .record({
          reference,
          source: fc.constantFrom('WMS_SHORTAGE' as const, 'WAREHOUSE_CHANGE' as const, 'RECONCILIATION' as const),
          condition: fc.constantFrom('SELLABLE' as const, 'DEFECTIVE' as const),
          shelf: fc.oneof(
            fc.integer({ min: 0, max: 12 }).map((q) => ({ kind: 'COUNTED' as const, quantity: q })),
            fc.integer({ min: -6, max: 6 }).map((q) => ({ kind: 'CHANGED_BY' as const, quantity: q === 0 ? 1 : q })),
          ),
          reason: fc.constant('the warehouse says so'),
          batchNo: fc.constantFrom(null, 'B1'),
          alertAbove: fc.integer({ min: 0, max: 5 }),
          now: instantArb,
        })
        .map((d): StockCommand => ({ type: 'RecordVariance', data: { ...ledger, ...d } })),
    );
  })();
  test.prop([fc.array(stockCommand, { maxLength: 40 })], { numRuns: 300 })(
    'any life of a stock ledger (deductions below zero, variances from the warehouse, and their anomalies included)',
    (commands) => {
      const report = check(storedStream('stock-WH001.SKU001', eventsOf(run(stockLedgerDecider, commands))));
      expect(findings(report)).toEqual([]);
    },
  );

  const inboundCommand: fc.Arbitrary<InboundCommand> = (() => {
    const sku = fc.constantFrom('SKU001', 'SKU002', 'SKU003');
    const attempt = fc.integer({ min: 1, max: 4 });
    return fc.oneof(
      fc
        .record({ inboundNo: fc.constant('IN1'), attempt, now: instantArb })
        .map((d): InboundCommand => ({ type: 'RecordInboundPushSucceeded', data: { ...d, wmsInboundNo: 'W1' } })),
      {
        weight: 3,
        arbitrary: fc
          .record({ inboundNo: fc.constant('IN1'), attempt, retryable: fc.boolean(), now: instantArb, policy: retryPolicyArb })
          .map((d): InboundCommand => ({ type: 'RecordInboundPushFailed', data: { ...d, error: 'HTTP 503' } })),
      },
      fc
        .record({ inboundNo: fc.constant('IN1'), requestId: fc.constantFrom('Q1', 'Q2'), now: instantArb })
        .map((d): InboundCommand => ({ type: 'RetryInboundPush', data: { ...d, requestedBy: 'ops' } })),
      fc
        .record({
          inboundNo: fc.constant('IN1'),
          receiptNo: fc.constantFrom('RC1', 'RC2'),
          lines: fc.array(fc.record({ sku, quantity: fc.integer({ min: 0, max: 4 }) }), { maxLength: 4 }),
          receivedAt: instantArb,
          now: instantArb,
        })
        .map((d): InboundCommand => ({ type: 'RecordReceipt', data: d })),
    );
  })();
  test.prop([fc.array(inboundCommand, { maxLength: 25 })], { numRuns: 300 })('any life of an inbound order', (commands) => {
    const create: InboundCommand = {
      type: 'CreateInbound',
      data: {
        inboundNo: 'IN1',
        kind: 'RETURN',
        returnNo: 'RT1',
        warehouseCode: 'WH001',
        lines: [
          { sku: 'SKU001', quantity: 3 },
          { sku: 'SKU002', quantity: 2 },
        ],
        now: at(0),
      },
    };
    const report = check(
      storedStream(
        'inbound-IN1',
        eventsOf(run<unknown, InboundCommand, { type: string; data: object }>(inboundOrderDecider as never, [create, ...commands])),
      ),
    );
    expect(findings(report)).toEqual([]);
  });

  const returnCommand: fc.Arbitrary<ReturnCommand> = (() => {
    const sku = fc.constantFrom('SKU001', 'SKU002', 'SKU003');
    return fc.oneof(
      fc
        .record({
          inspectionNo: fc.constantFrom('QC1', 'QC2'),
          lines: fc.array(fc.record({ sku, qualified: fc.integer({ min: 0, max: 3 }), defective: fc.integer({ min: 0, max: 2 }) }), {
            maxLength: 3,
          }),
          inspectedAt: instantArb,
          now: instantArb,
        })
        .map((d): ReturnCommand => ({ type: 'RecordReturnInspection', data: { ...d, returnNo: 'RT1' } })),
      fc
        .record({ requestId: fc.constantFrom('Q1', 'Q2'), now: instantArb })
        .map((d): ReturnCommand => ({ type: 'CloseReturn', data: { ...d, returnNo: 'RT1', closedBy: 'ops' } })),
    );
  })();
  test.prop([fc.array(returnCommand, { maxLength: 10 })], { numRuns: 300 })('any life of a return', (commands) => {
    const create: ReturnCommand = {
      type: 'CreateReturn',
      data: {
        returnNo: 'RT1',
        orderNo: 'OMS1',
        warehouseCode: 'WH001',
        reason: 'damaged',
        lines: [
          { sku: 'SKU001', quantity: 2 },
          { sku: 'SKU002', quantity: 1 },
        ],
        shipped: { SKU001: 3, SKU002: 1 },
        alreadyReturned: { SKU001: 1 },
        now: at(0),
      },
    };
    const report = check(
      storedStream(
        'return-RT1',
        eventsOf(run<unknown, ReturnCommand, { type: string; data: object }>(returnOrderDecider as never, [create, ...commands])),
      ),
    );
    expect(findings(report)).toEqual([]);
  });
});

// ------------------------------------------------------------------ older event shapes

describe('shipments written before they carried the order’s context still verify', () => {
  /** the shipment as it was stored before it carried warehouseCode, reservationNo and consignee */
  const olderShape = (event: StoredEvent): StoredEvent =>
    withData(event, (d) => {
      const shipment = event.type === 'AnomalyDetected' ? d.shipment : d;
      if (shipment === null || typeof shipment !== 'object') return;
      delete shipment.warehouseCode;
      delete shipment.reservationNo;
      delete shipment.consignee;
    });
  const olderShipments = (events: readonly StoredEvent[]): StoredEvent[] =>
    events.map((event) => (event.type === 'ShipmentRecorded' || event.type === 'AnomalyDetected' ? olderShape(event) : event));

  test('a ShipmentRecorded without warehouseCode, reservationNo and consignee: clean', () => {
    const events = olderShipments(order());
    const shipment = events.find((e) => e.type === 'ShipmentRecorded') as StoredEvent;
    expect(Object.keys(shipment.data)).not.toContain('warehouseCode');
    expect(Object.keys(shipment.data)).not.toContain('reservationNo');
    expect(Object.keys(shipment.data)).not.toContain('consignee');
    expect(new ZodEventDecoder().decode(shipment).kind).toBe('needs-state-before');
    const report = check([...events, ...stock()]);
    expect(report.broken).toEqual([]);
    expect(report.categories).toEqual({ order: 1, stock: 1 });
  });

  /** The article's order, reserved and pushed, then these waybills shipped (SF1 an hour later, SF2 ten minutes after that): its events in their older shape. */
  const olderOrderShipping = (...waybills: readonly Readonly<{ waybillNo: string; quantity: number }>[]) =>
    olderShipments(
      storedStream(
        'order-OMS202511220001',
        orderCommands(
          { type: 'PlaceOrder', data: { ...placed, now: at(0) } },
          { type: 'RecordStockReserved', data: { reservationNo: 1, now: at(1) } },
          { type: 'RecordPushSucceeded', data: { attempt: 1, warehouseCode: 'WH001', outboundNo: 'WMS1', now: at(2) } },
          ...waybills.map(({ waybillNo, quantity }, i) => ({
            type: 'RecordShipment' as const,
            data: {
              outboundNo: 'WMS1',
              waybillNo,
              carrier: 'SF',
              items: [{ sku: 'SKU001', quantity }],
              shippedAt: at(60 + 10 * i),
              now: at(61 + 10 * i),
            },
          })),
        ),
      ),
    );

  test('…an older over-shipment is excused by its anomaly as a new one is, and without it is a break', () => {
    const overShipped = olderOrderShipping({ waybillNo: 'SF1', quantity: 5 });
    expect(overShipped.map((e) => e.type).slice(-2)).toEqual(['ShipmentRecorded', 'AnomalyDetected']);
    expect(check(overShipped).broken).toEqual([]);
    expect(rules(check(renumbered(overShipped.filter((e) => e.type !== 'AnomalyDetected'))))).toEqual(['shipped ≤ ordered']);
  });

  test('…an older anomaly carrying its shipment (shipped after the order closed): clean', () => {
    const shippedAfterClose = olderOrderShipping({ waybillNo: 'SF1', quantity: 2 }, { waybillNo: 'SF2', quantity: 1 });
    const anomaly = shippedAfterClose.at(-1) as StoredEvent;
    expect(anomaly.data).toMatchObject({ kind: 'SHIPPED_AFTER_CLOSE', shipment: { waybillNo: 'SF2' } });
    expect(Object.keys((anomaly.data as { shipment: object }).shipment)).not.toContain('warehouseCode');
    expect(check(shippedAfterClose).broken).toEqual([]);
  });

  test('…and one that breaks its older schema is named as any other', () => {
    const report = check(
      tampered(olderShipments(order()), 4, (e) =>
        withData(e, (d) => {
          d.items[0].quantity = 0;
        }),
      ),
    );
    expect(findings(report)).toEqual([
      expect.objectContaining({
        revision: '4',
        type: 'ShipmentRecorded',
        rule: 'events match their schema',
        message: expect.stringContaining('data'),
      }),
    ]);
  });
});

// ------------------------------------------------------------------ hand-offs, per carrier's waybill

describe("a hand-off's stream names its carrier's waybill", () => {
  test('`shipment-{carrier}.{waybillNo}`: clean; the same registration under another carrier or number: a break', () => {
    expect(check(storedStream('shipment-SF.SF1', handOffLife)).broken).toEqual([]);
    for (const stream of ['shipment-YTO.SF1', 'shipment-SF.SF2', 'shipment-SF.SF1.1']) {
      expect(findings(check(storedStream(stream, handOffLife)))).toEqual([
        expect.objectContaining({
          stream,
          revision: '0',
          type: 'ShipmentRegistered',
          rule: 'a stream holds its own waybill',
          message: `ShipmentRegistered for SF waybill SF1 in ${stream}`,
        }),
      ]);
    }
  });

  test('a store written before waybills were per carrier: `shipment-{waybillNo}`, the carrier by name, still verifies', () => {
    const older = tampered(storedStream('shipment-SF1', handOffLife), 0, (e) =>
      withData(e, (d) => {
        d.carrier = '顺丰速运';
      }),
    );
    expect(check(older).broken).toEqual([]);
    expect(rules(check(storedStream('shipment-SF2', handOffLife)))).toEqual(['a stream holds its own waybill']);
  });
});

// ------------------------------------------------------------------ a store edited by hand

describe('a tampered store is found out, stream by stream', () => {
  test('a deleted event: the revision gap is named', () => {
    const report = check(order().filter((event) => event.revision !== 2n));
    expect(report.broken.map((stream) => stream.stream)).toEqual(['order-OMS202511220001']);
    expect(findings(report)[0]).toMatchObject({
      revision: '3',
      rule: 'revisions contiguous from 0',
      message: expect.stringContaining('revision 2 is missing'),
    });
  });

  test('a stream that does not start at 0, and a revision written twice', () => {
    const events = order();
    expect(rules(check(events.slice(1)))).toContain('revisions contiguous from 0');
    const twice = check([...events.slice(0, 3), { ...(events[2] as StoredEvent), id: 'again' }, ...events.slice(3)]);
    expect(findings(twice)).toContainEqual(
      expect.objectContaining({ rule: 'revisions contiguous from 0', message: expect.stringContaining('comes again') }),
    );
  });

  test('an event type unknown to its category, or data that breaks its schema, stops the fold of that stream only', () => {
    const renamed = check([...tampered(order(), 3, (e) => ({ ...e, type: 'OrderTeleported' })), ...stock()]);
    expect(report(renamed)).toEqual([
      'order-OMS202511220001: events match their schema: OrderTeleported is not an event of order streams (invariants not checked after it)',
    ]);
    const fractional = check(
      tampered(stock(), 0, (e) =>
        withData(e, (d) => {
          d.quantity = 2.5;
        }),
      ),
    );
    expect(findings(fractional)[0]).toMatchObject({
      stream: 'stock-WH001.SKU001',
      revision: '0',
      rule: 'events match their schema',
      message: expect.stringContaining('data.quantity'),
    });
    const extra = check(
      tampered(order(), 4, (e) =>
        withData(e, (d) => {
          d.items[0].price = 0;
        }),
      ),
    );
    expect(findings(extra)[0]?.message).toMatch(/data\.items\.0/);
    const noOffset = check(
      tampered(order(), 0, (e) =>
        withData(e, (d) => {
          d.placedAt = '2025-11-22T10:00:00';
        }),
      ),
    );
    expect(findings(noOffset)[0]?.message).toMatch(/data\.placedAt: must be an ISO-8601 instant with an offset/);
    const noCause = check(tampered(order(), 1, (e) => ({ ...e, metadata: { ...e.metadata, causationId: '' } })));
    expect(findings(noCause)[0]?.message).toMatch(/metadata\.causationId/);
  });

  test('a shipment raised above what was ordered, with no anomaly recorded: shipped ≤ ordered', () => {
    const report = check(
      tampered(order(), 4, (e) =>
        withData(e, (d) => {
          d.items[0].quantity = 5;
        }),
      ),
    );
    expect(findings(report)).toEqual([
      expect.objectContaining({
        revision: '4',
        type: 'ShipmentRecorded',
        rule: 'shipped ≤ ordered',
        message: expect.stringMatching(/SKU001×5 but 2 was open/),
      }),
    ]);
  });

  test('…whereas the same over-shipment reported by the warehouse, recorded with its anomaly, is a fact, not a break', () => {
    const overShipped = orderCommands(
      { type: 'PlaceOrder', data: { ...placed, now: at(0) } },
      { type: 'RecordStockReserved', data: { reservationNo: 1, now: at(1) } },
      { type: 'RecordPushSucceeded', data: { attempt: 1, warehouseCode: 'WH001', outboundNo: 'WMS1', now: at(2) } },
      {
        type: 'RecordShipment',
        data: {
          outboundNo: 'WMS1',
          waybillNo: 'SF1',
          carrier: 'SF',
          items: [
            { sku: 'SKU001', quantity: 5 },
            { sku: 'SKU777', quantity: 1 },
          ],
          shippedAt: at(60),
          now: at(61),
        },
      },
    );
    expect(overShipped.map((e) => e.type).slice(-3)).toEqual(['ShipmentRecorded', 'AnomalyDetected', 'AnomalyDetected']);
    expect(check(storedStream('order-OMS202511220001', overShipped)).broken).toEqual([]);
    const withoutAnomalies = renumbered(storedStream('order-OMS202511220001', overShipped).filter((e) => e.type !== 'AnomalyDetected'));
    expect(rules(check(withoutAnomalies))).toEqual(['shipped ≤ ordered', 'shipped ≤ ordered']);
  });

  test('an ordered quantity changed after the fact: the reservation no longer asks for what is open', () => {
    const report = check(
      tampered(order(), 0, (e) =>
        withData(e, (d) => {
          d.items[0].quantity = 3;
        }),
      ),
    );
    expect(findings(report)[0]).toMatchObject({
      revision: '1',
      rule: 'a reservation asks for what is open',
      message: expect.stringContaining('SKU001×2; open was SKU001×3'),
    });
  });

  test('an event appended to a closed order', () => {
    const closed = order();
    const late = storedStream('order-OMS202511220001', [
      ...shippedOrder,
      { type: 'PushFailed', data: { attempt: 2, error: 'x', retryable: true, failedAt: at(99) } } as OrderEvent,
    ]);
    expect(closed.length + 1).toBe(late.length);
    expect(findings(check(late))).toEqual([
      expect.objectContaining({
        revision: '5',
        type: 'PushFailed',
        rule: 'a closed order records nothing but anomalies, its backorders and message ids',
      }),
    ]);
  });

  test('stock: a reservation raised above what was available, a deduction below zero without its anomaly', () => {
    const raised = check(
      tampered(stock(), 1, (e) =>
        withData(e, (d) => {
          d.quantity = 50;
        }),
      ),
    );
    expect(rules(raised)).toEqual(expect.arrayContaining(['reserve only what is available', 'reserved ≤ on hand']));
    const negative = stockCommands(
      { type: 'ReceiveStock', data: { ...ledger, reference: 'PO1', quantity: 1, condition: 'SELLABLE', now: at(0) } },
      { type: 'DeductStock', data: { ...ledger, reference: 'SF1', quantity: 3, now: at(1) } },
    );
    expect(negative.map((e) => e.type)).toEqual(['StockReceived', 'StockDeducted', 'StockAnomalyDetected']);
    expect(check(storedStream('stock-WH001.SKU001', negative)).broken).toEqual([]);
    const hidden = check(storedStream('stock-WH001.SKU001', negative.slice(0, 2)));
    expect(findings(hidden)).toEqual([expect.objectContaining({ revision: '1', type: 'StockDeducted', rule: 'on hand ≥ 0' })]);
    const misstated = check(
      tampered(storedStream('stock-WH001.SKU001', negative), 2, (e) =>
        withData(e, (d) => {
          d.onHand = 0;
        }),
      ),
    );
    expect(rules(misstated)).toContain('an anomaly states the ledger’s figures');
  });

  test('stock: a reservation whose batches do not add up to it, or take more of a batch than it had available', () => {
    const batched = stockCommands(
      { type: 'ReceiveStock', data: { ...ledger, reference: 'PO1', quantity: 5, condition: 'SELLABLE', batchNo: 'B1', now: at(0) } },
      { type: 'ReceiveStock', data: { ...ledger, reference: 'PO2', quantity: 5, condition: 'SELLABLE', batchNo: 'B2', now: at(0) } },
      { type: 'ReserveStock', data: { ...ledger, reference: 'OMS1/R1', quantity: 4, batchNo: 'B2', now: at(1) } },
    );
    const events = storedStream('stock-WH001.SKU001', batched);
    expect(check(events).broken).toEqual([]);
    const short = check(
      tampered(events, 2, (e) =>
        withData(e, (d) => {
          d.batches = [{ batchNo: 'B2', quantity: 3 }];
        }),
      ),
    );
    expect(rules(short)).toContain('a movement’s batches add up to it');
    const over = check(
      tampered(events, 2, (e) =>
        withData(e, (d) => {
          d.quantity = 6;
          d.batches = [{ batchNo: 'B2', quantity: 6 }];
        }),
      ),
    );
    expect(rules(over)).toContain('reserve only what is available');
  });

  test('stock: a variance that misstates the figure it corrected, a defective figure below zero without its anomaly', () => {
    const events = storedStream('stock-WH001.SKU001', stockVarianceLife);
    expect(check(events).broken).toEqual([]);
    const shortage = stockVarianceLife.findIndex((e) => e.type === 'StockVarianceRecorded');
    const misstated = check(
      tampered(events, shortage, (e) =>
        withData(e, (d) => {
          d.hubFigure = 99;
        }),
      ),
    );
    expect(rules(misstated)).toContain('a variance states the figure it corrected');
    const scrapped = stockVarianceLife.findIndex((e) => e.type === 'StockAnomalyDetected' && e.data.kind === 'NEGATIVE_DEFECTIVE');
    const hidden = check(renumbered(events.filter((_, i) => i !== scrapped)));
    expect(findings(hidden)).toEqual([expect.objectContaining({ type: 'StockVarianceRecorded', rule: 'defective ≥ 0' })]);
  });

  test('an inbound receipt changed after the fact no longer matches its discrepancies', () => {
    const events = storedStream('inbound-IN1', inboundLife);
    const receipt = events.find((e) => e.type === 'InboundReceived') as StoredEvent;
    const report = check(
      tampered(events, Number(receipt.revision), (e) =>
        withData(e, (d) => {
          d.lines[0].quantity = 5;
        }),
      ),
    );
    expect(rules(report)).toContain('a receipt records its discrepancies');
  });

  test('an event moved to another stream, and a stream of a category the hub never writes', () => {
    const moved = check(storedStream('order-OMS9', shippedOrder));
    expect(findings(moved)[0]).toMatchObject({ revision: '0', rule: 'a stream holds its own order' });
    const stranger = check(storedStream('invoice-1', [{ type: 'InvoiceIssued', data: {} }]));
    expect(findings(stranger)[0]).toMatchObject({ stream: 'invoice-1', rule: 'known category' });
  });

  test('findings are capped per stream, and the rest counted', () => {
    const report = check(
      order()
        .map((event) => ({ ...event, revision: event.revision + 100n }))
        .concat(order().map((e) => ({ ...e, revision: e.revision + 200n }))),
    );
    const [broken] = report.broken;
    expect(broken?.findings.length).toBeLessThanOrEqual(20);
    expect(report.broken).toHaveLength(1);
  });
});

const report = (result: IntegrityReport): string[] => findings(result).map((f) => `${f.stream}: ${f.rule}: ${f.message}`);
