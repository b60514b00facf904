/**
 * The typed event boundary: events written before shipments carried their context still read
 * (completed from the order before them), an event that does not decode becomes an alert and is
 * passed over (never a crash, never silent), and a reaction runs on a plain decoded event.
 */
import { describe, expect, test } from 'vitest';
import { MemoryEventStore } from '../../../src/adapters/event-store/memory/memory-event-store.ts';
import { stockLedgers } from '../../../src/application/commands/aggregates.ts';
import { loadState } from '../../../src/application/commands/handle-command.ts';
import type { RecordedOf } from '../../../src/application/events/recorded-event.ts';
import type { EventToAppend } from '../../../src/application/ports/event-store.ts';
import { deductStockWhenShipped } from '../../../src/application/reactions/deduct-stock-when-shipped.ts';
import { eventsOf, reaction, startReaction } from '../../../src/application/reactions/reaction.ts';
import { registerHandOffWhenShipped } from '../../../src/application/reactions/register-hand-off-when-shipped.ts';
import { stockStreamName } from '../../../src/domain/stock-ledger/index.ts';
import { articleOrder, articleShipment, at, withContext } from '../../domain/outbound-order/order-fixtures.ts';
import { readerOf } from '../../support/decode.ts';
import { depsOver } from '../../support/memory-deps.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import { MemoryAlerting, MemoryCheckpoints } from '../../support/memory-ports.ts';

const metadata = { correlationId: 'c', causationId: 'c', recordedAt: at(0) };
const raw = (id: string, type: string, data: object): EventToAppend => ({ id, type, data, metadata });

/** The article's order placed, reserved (round 1), pushed, then a second reservation round at WH002 after a reroute. */
const orderHistory = (): EventToAppend[] => [
  raw('placed', 'OrderPlaced', { ...articleOrder(), placedAt: at(0) }),
  raw('requested', 'ReservationRequested', {
    reservationNo: 1,
    warehouseCode: 'WH001',
    lines: [{ sku: 'SKU001', quantity: 2 }],
    supersedes: null,
  }),
  raw('reserved', 'StockReserved', { reservationNo: 1, warehouseCode: 'WH001', reservedAt: at(1) }),
  raw('pushed', 'PushSucceeded', { attempt: 1, warehouseCode: 'WH001', outboundNo: 'WMS202511220001', pushedAt: at(2) }),
];

describe('events written before shipments carried their context', () => {
  test('a ShipmentRecorded without warehouse, reservation and consignee is completed from the order before it', async () => {
    const store = new MemoryEventStore();
    const legacy = raw('shipped', 'ShipmentRecorded', { ...articleShipment(), recordedAt: at(10) });
    await store.append('order-OMS202511220001', [...orderHistory(), legacy], 'no_stream');
    const events = await readerOf(store).readStream('order', 'order-OMS202511220001');
    const shipped = events.at(-1);
    expect(shipped?.type).toBe('ShipmentRecorded');
    expect(shipped?.data).toEqual({ ...withContext(articleShipment()), recordedAt: at(10) });
    expect(shipped?.streamId).toBe('OMS202511220001');
  });

  test('so is the shipment an old AnomalyDetected carries; the same through a subscription', async () => {
    const store = new MemoryEventStore();
    const anomaly = raw('late', 'AnomalyDetected', {
      kind: 'SHIPPED_AFTER_CLOSE',
      detail: 'late',
      factKeys: [],
      attempt: null,
      shipment: articleShipment({ waybillNo: 'SF9' }),
      outboundNo: 'WMS202511220001',
      warehouseCode: 'WH001',
      detectedAt: at(20),
    });
    await store.append('order-OMS202511220001', [...orderHistory(), anomaly], 'no_stream');
    const seen: unknown[] = [];
    const subscription = readerOf(store).subscribe({
      onEvent: (event) => {
        if (event.category === 'order' && event.type === 'AnomalyDetected') seen.push(event.data.shipment);
      },
      onUndecodable: (problem) => {
        throw problem;
      },
    });
    await subscription.caughtUp;
    await subscription.stop();
    expect(seen).toEqual([withContext(articleShipment({ waybillNo: 'SF9' }))]);
  });

  test('a BackorderCreated without the warehouse that reported it short names its warehouse when a reservation held it (a report), else none', async () => {
    const store = new MemoryEventStore();
    const backorder = (id: string, heldUnderReservation: number | null) =>
      raw(id, 'BackorderCreated', {
        backorderNo: `OMS202511220001-BO${id}`,
        warehouseCode: 'WH001',
        lines: [{ sku: 'SKU001', quantity: 1 }],
        heldUnderReservation,
        createdAt: at(6),
      });
    await store.append('order-OMS202511220001', [...orderHistory(), backorder('1', 1), backorder('2', null)], 'no_stream');
    const events = await readerOf(store).readStream('order', 'order-OMS202511220001');
    expect(events.slice(-2).map((event) => (event.type === 'BackorderCreated' ? event.data.reportedShortBy : event.type))).toEqual([
      'WH001',
      null,
    ]);
  });
});

describe('an event that does not decode', () => {
  test('an older shape with nothing before it to complete it from does not decode, and says why', async () => {
    const store = new MemoryEventStore();
    await store.append('order-OMS9', [raw('orphan', 'ShipmentRecorded', { ...articleShipment(), recordedAt: at(10) })], 'no_stream');
    await expect(readerOf(store).readStream('order', 'order-OMS9')).rejects.toThrow('with no order before it to complete it from');
  });

  test('is reported as an alert naming the field, kept in the store, and the reaction goes on with the next event', async () => {
    const store = new MemoryEventStore();
    const alerting = new MemoryAlerting();
    const checkpoints = new MemoryCheckpoints();
    const broken = raw('broken', 'StockReceived', {
      reference: 'PO1',
      warehouseCode: 'WH001',
      sku: 'SKU001',
      quantity: -3,
      condition: 'SELLABLE',
      receivedAt: at(0),
    });
    const fine = raw('fine', 'StockReceived', {
      reference: 'PO2',
      warehouseCode: 'WH001',
      sku: 'SKU001',
      quantity: 3,
      condition: 'SELLABLE',
      receivedAt: at(0),
    });
    await store.append('stock-WH001.SKU001', [broken, fine], 'no_stream');
    const handled: string[] = [];
    const subscription = await startReaction(
      { events: readerOf(store), checkpoints, alerting, clock: new ManualClock() },
      reaction({
        name: 'test-reaction',
        handles: eventsOf('stock', ['StockReceived']),
        handle: async (event) => {
          handled.push(event.data.reference);
        },
      }),
    );
    await subscription.caughtUp;
    await subscription.stop();
    expect(handled).toEqual(['PO2']);
    expect(alerting.alerts).toHaveLength(1);
    expect(alerting.alerts[0]).toMatchObject({ key: 'undecodable:broken', kind: 'ANOMALY', subject: 'stock-WH001.SKU001' });
    expect(alerting.alerts[0]?.message).toContain('data.quantity');
    expect(await store.readStream('stock-WH001.SKU001')).toHaveLength(2);
    expect(await checkpoints.load('test-reaction')).toEqual((await store.readStream('stock-WH001.SKU001'))[1]?.position);
  });

  test('a reaction receives only the types it names', async () => {
    const store = new MemoryEventStore();
    await store.append('order-OMS202511220001', orderHistory(), 'no_stream');
    const seen: string[] = [];
    const subscription = await startReaction(
      { events: readerOf(store), checkpoints: new MemoryCheckpoints(), alerting: new MemoryAlerting(), clock: new ManualClock() },
      reaction({
        name: 'only-reserved',
        handles: eventsOf('order', ['StockReserved', 'PushSucceeded']),
        handle: async (event) => {
          seen.push(event.type);
        },
      }),
    );
    await subscription.caughtUp;
    await subscription.stop();
    expect(seen).toEqual(['StockReserved', 'PushSucceeded']);
  });
});

describe('the shipment reactions run on the event alone', () => {
  const shipped = (): RecordedOf<'order', 'ShipmentRecorded'> => ({
    category: 'order',
    type: 'ShipmentRecorded',
    data: { ...withContext(articleShipment(), { warehouseCode: 'WH002', reservationNo: 3 }), recordedAt: at(10) },
    id: 'shipped-1',
    stream: 'order-OMS202511220001',
    streamId: 'OMS202511220001',
    revision: 7n,
    position: { commit: 7n, prepare: 7n },
    metadata,
  });
  test('deduct: from the warehouse and reservation round the shipment names, with no order stream in the store', async () => {
    const store = new MemoryEventStore();
    const deps = depsOver(store);
    const ledger = stockStreamName('WH002', 'SKU001');
    await store.append(
      ledger,
      [
        raw('po', 'StockReceived', {
          reference: 'PO1',
          warehouseCode: 'WH002',
          sku: 'SKU001',
          quantity: 5,
          condition: 'SELLABLE',
          receivedAt: at(0),
        }),
      ],
      'no_stream',
    );
    await deductStockWhenShipped(deps).handle(shipped());
    const [, deducted] = await store.readStream(ledger);
    expect(deducted).toMatchObject({
      type: 'StockDeducted',
      data: { reference: 'SF.SF1234567890', reservation: 'OMS202511220001/R3', quantity: 2 },
    });
    expect((await loadState(deps, stockLedgers, ledger)).onHand).toBe(3);
    expect(await store.readStream('order-OMS202511220001')).toEqual([]);
  });

  test("register hand-off: the carrier's waybill, on its own stream, with the consignee the shipment carries", async () => {
    const store = new MemoryEventStore();
    await registerHandOffWhenShipped(depsOver(store)).handle(shipped());
    const [registered] = await store.readStream('shipment-SF.SF1234567890');
    expect(registered).toMatchObject({
      type: 'ShipmentRegistered',
      data: { waybillNo: 'SF1234567890', orderNo: 'OMS202511220001', carrier: 'SF', consignee: articleOrder().consignee },
    });
  });
});
