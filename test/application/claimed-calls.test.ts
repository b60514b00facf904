/**
 * No outside call twice (docs/architecture.md#claimed-calls): a push to the WMS and a hand-off to
 * the TMS are claimed in their stream (`PushStarted`, appended at the revision the caller read)
 * before the call is made, and so are the cancels sent to a warehouse (`CancelCallStarted`: an
 * intercept, a withdrawal). Several callers that all found the call due (processes racing, a
 * standby taking over from a holder that was only slow) make it once: whoever loses the append
 * calls nothing. A caller that died between its claim and the outcome leaves a claim that runs
 * out; the due retries then make the call again under the same attempt.
 *
 * The callers here are separate "processes" over one real SQLite store: each has its own reader
 * and state cache, so each decides from what it read itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc, { type Scheduler } from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SqliteEventStore } from '../../src/adapters/event-store/sqlite/sqlite-event-store.ts';
import { StateCache } from '../../src/application/commands/state-cache.ts';
import { onOrder, onShipment } from '../../src/application/commands/aggregates.ts';
import type { Dependencies } from '../../src/application/dependencies.ts';
import type { EventStore, EventToAppend, ExpectedRevision, ReadStreamOptions } from '../../src/application/ports/event-store.ts';
import { pushOutbound } from '../../src/application/outbound/push-outbound.ts';
import { withdrawWhenCancelledOrMoved } from '../../src/application/reactions/withdraw-when-cancelled-or-moved.ts';
import { DueRetries } from '../../src/application/retries/due-retries.ts';
import { handOffShipment } from '../../src/application/transport/hand-off-shipment.ts';
import { waybillId } from '../../src/domain/kernel/waybill.ts';
import { deliver, readerOf } from '../support/decode.ts';
import { FaultyWarehouse } from '../support/faulty-warehouse.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { depsOver } from '../support/memory-deps.ts';
import { RecordingTransport } from '../support/recording-transport.ts';
import { articleOrder } from '../domain/outbound-order/order-fixtures.ts';

const { consignee } = articleOrder();
const claimMs = 30_000;

let dir: string;
let store: SqliteEventStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'claimed-calls-'));
  store = SqliteEventStore.open(join(dir, 'events.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One hub process: its own reader and state cache over the shared store, the shared outside systems and clock. */
const processOver = (shared: EventStore, clock: ManualClock, warehouse: FaultyWarehouse, transport: RecordingTransport): Dependencies => ({
  ...depsOver(shared, clock),
  events: readerOf(shared),
  stateCache: new StateCache(),
  warehouse,
  transport,
  callClaimMs: claimMs,
});

const cause = (clock: ManualClock) => ({ correlationId: 'test', causationId: 'test', recordedAt: clock.now() });

/** An order reserved at WH1, waiting for its push. */
const reservedOrder = async (deps: Dependencies, orderNo: string, clock: ManualClock): Promise<void> => {
  const placement = articleOrder({ orderNo, warehouseCode: 'WH1', items: [{ sku: 'SKU1', quantity: 1 }] });
  await onOrder(deps, orderNo, { type: 'PlaceOrder', data: { ...placement, now: clock.now() } }, cause(clock));
  await onOrder(deps, orderNo, { type: 'RecordStockReserved', data: { reservationNo: 1, now: clock.now() } }, cause(clock));
};

/** The shared store, its reads and appends going ahead in the order the scheduler picks. */
const scheduledOver = (s: Scheduler): EventStore => {
  const turn = (): Promise<void> => s.schedule(Promise.resolve());
  return {
    readStream: async (stream: string, options?: ReadStreamOptions) => {
      await turn();
      return store.readStream(stream, options);
    },
    append: async (stream: string, events: readonly EventToAppend[], expected: ExpectedRevision) => {
      await turn();
      return store.append(stream, events, expected);
    },
    readAll: (options) => store.readAll(options),
    subscribe: (options) => store.subscribe(options),
  };
};

const typesOf = async (stream: string): Promise<string[]> => (await store.readStream(stream)).map((event) => event.type);

describe('a push to the WMS', () => {
  test('two processes that both find it due push it once: the one whose claim lost the append calls nothing', async () => {
    const clock = new ManualClock();
    const warehouse = new FaultyWarehouse();
    const transport = new RecordingTransport();
    const [a, b] = [processOver(store, clock, warehouse, transport), processOver(store, clock, warehouse, transport)];
    await reservedOrder(a, 'OMS1', clock);
    await Promise.all([pushOutbound(a, 'OMS1', cause(clock)), pushOutbound(b, 'OMS1', cause(clock))]);
    expect(warehouse.createCalls.map((call) => call.orderNo)).toEqual(['OMS1']);
    expect(await typesOf('order-OMS1')).toEqual(['OrderPlaced', 'ReservationRequested', 'StockReserved', 'PushStarted', 'PushSucceeded']);
  });

  test('any number of processes, in any order of their reads and appends, push it once (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 5 }), fc.scheduler(), async (processes, s) => {
        const clock = new ManualClock();
        const warehouse = new FaultyWarehouse();
        const transport = new RecordingTransport();
        const setup = processOver(store, clock, warehouse, transport);
        const orderNo = `OMS-P${Math.random().toString(36).slice(2, 10)}`;
        await reservedOrder(setup, orderNo, clock);
        const callers = Array.from({ length: processes }, () => processOver(scheduledOver(s), clock, warehouse, transport));
        const pushes = Promise.all(callers.map((deps) => pushOutbound(deps, orderNo, cause(clock))));
        await s.waitFor(pushes);
        expect(warehouse.createCalls.filter((call) => call.orderNo === orderNo)).toHaveLength(1);
        expect((await typesOf(`order-${orderNo}`)).filter((type) => type === 'PushStarted')).toHaveLength(1);
      }),
      { numRuns: 40 },
    );
  });

  test('a claim whose caller died stands until it runs out; then the due retries make the call again, under the same attempt', async () => {
    const clock = new ManualClock();
    const warehouse = new FaultyWarehouse();
    const transport = new RecordingTransport();
    const dead = processOver(store, clock, warehouse, transport);
    await reservedOrder(dead, 'OMS2', clock);
    // the caller claims attempt 1 and dies before it calls
    await onOrder(dead, 'OMS2', { type: 'StartPush', data: { attempt: 1, claimMs, now: clock.now() } }, cause(clock));
    const standby = processOver(store, clock, warehouse, transport);
    const retries = new DueRetries(standby);
    await retries.start();
    // the reaction handling StockReserved again on the standby: the claim stands, no call
    await pushOutbound(standby, 'OMS2', cause(clock));
    await retries.runDue();
    expect(warehouse.createCalls).toEqual([]);
    clock.advance({ milliseconds: claimMs - 1 });
    await retries.runDue();
    expect(warehouse.createCalls).toEqual([]);
    clock.advance({ milliseconds: 1 });
    await retries.runDue();
    expect(warehouse.createCalls.map((call) => call.orderNo)).toEqual(['OMS2']);
    const pushes = (await store.readStream('order-OMS2')).filter((event) => event.type.startsWith('Push'));
    expect(pushes.map((event) => [event.type, event.data])).toEqual([
      ['PushStarted', expect.objectContaining({ attempt: 1, target: 'WH1' })],
      ['PushStarted', expect.objectContaining({ attempt: 1, target: 'WH1' })],
      ['PushSucceeded', expect.objectContaining({ attempt: 1, warehouseCode: 'WH1' })],
    ]);
    // the claim's watch is gone with its outcome: nothing more is due, nothing counts as a pending retry
    clock.advance({ milliseconds: claimMs });
    expect(await retries.runDue()).toBe(0);
    expect(retries.pending()).toEqual([]);
    await retries.stop();
  });
});

describe('a hand-off to the TMS', () => {
  test('two processes that both find it due hand it off once', async () => {
    const clock = new ManualClock();
    const warehouse = new FaultyWarehouse();
    const transport = new RecordingTransport();
    const [a, b] = [processOver(store, clock, warehouse, transport), processOver(store, clock, warehouse, transport)];
    const waybill = { carrier: 'SF', waybillNo: 'SF100' };
    const shipment = {
      ...waybill,
      orderNo: 'OMS3',
      items: [{ sku: 'SKU1', quantity: 1 }],
      shippedAt: clock.now(),
      consignee,
    };
    await onShipment(a, waybill, { type: 'RegisterShipment', data: { ...shipment, now: clock.now() } }, cause(clock));
    await Promise.all([handOffShipment(a, waybillId(waybill), cause(clock)), handOffShipment(b, waybillId(waybill), cause(clock))]);
    expect(transport.calls.map((call) => call.waybillNo)).toEqual(['SF100']);
    expect(await typesOf('shipment-SF.SF100')).toEqual(['ShipmentRegistered', 'PushStarted', 'PushSucceeded']);
  });
});

describe('a cancel sent to a warehouse', () => {
  /** An order the WMS of WH1 holds, then the event that asks for a cancel to be sent there, as stored. */
  const heldAtWh1Then = async (deps: Dependencies, orderNo: string, clock: ManualClock, asked: 'cancel' | 'reroute') => {
    await reservedOrder(deps, orderNo, clock);
    await pushOutbound(deps, orderNo, cause(clock));
    await onOrder(
      deps,
      orderNo,
      asked === 'cancel'
        ? { type: 'CancelOrder', data: { requestId: 'cancel-1', reason: 'customer', requestedBy: 'cs', now: clock.now() } }
        : {
            type: 'RecordWmsShortage',
            data: { warehouseCode: 'WH1', lines: [{ sku: 'SKU1', quantity: 1 }], alternativeWarehouse: 'WH2', now: clock.now() },
          },
      cause(clock),
    );
    const type = asked === 'cancel' ? 'CancellationRequested' : 'OrderRerouted';
    const event = (await store.readStream(`order-${orderNo}`)).find((stored) => stored.type === type);
    if (event === undefined) throw new Error(`no ${type} in order-${orderNo}`);
    return event;
  };

  test.each(['cancel', 'reroute'] as const)(
    'two processes handling the same %s event ask the warehouse once: the one whose claim lost the append calls nothing',
    async (asked) => {
      const clock = new ManualClock();
      const warehouse = new FaultyWarehouse();
      const transport = new RecordingTransport();
      const [a, b] = [processOver(store, clock, warehouse, transport), processOver(store, clock, warehouse, transport)];
      const event = await heldAtWh1Then(a, 'OMS4', clock, asked);
      await Promise.all([deliver(withdrawWhenCancelledOrMoved(a), event), deliver(withdrawWhenCancelledOrMoved(b), event)]);
      expect(warehouse.cancelCalls.map((call) => [call.orderNo, call.warehouseCode])).toEqual([['OMS4', 'WH1']]);
      const types = await typesOf('order-OMS4');
      expect(types.filter((type) => ['CancelCallStarted', 'OrderCancelled', 'WithdrawalAnswered'].includes(type))).toEqual([
        'CancelCallStarted',
        asked === 'cancel' ? 'OrderCancelled' : 'WithdrawalAnswered',
      ]);
    },
  );

  test('any number of processes, in any order of their reads and appends, ask for the intercept once (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 5 }), fc.scheduler(), async (processes, s) => {
        const clock = new ManualClock();
        const warehouse = new FaultyWarehouse();
        const transport = new RecordingTransport();
        const orderNo = `OMS-C${Math.random().toString(36).slice(2, 10)}`;
        const event = await heldAtWh1Then(processOver(store, clock, warehouse, transport), orderNo, clock, 'cancel');
        const callers = Array.from({ length: processes }, () => processOver(scheduledOver(s), clock, warehouse, transport));
        await s.waitFor(Promise.all(callers.map((deps) => deliver(withdrawWhenCancelledOrMoved(deps), event))));
        expect(warehouse.cancelCalls.filter((call) => call.orderNo === orderNo)).toHaveLength(1);
        expect((await typesOf(`order-${orderNo}`)).filter((type) => type === 'CancelCallStarted')).toHaveLength(1);
      }),
      { numRuns: 40 },
    );
  });

  test('a withdrawal whose caller died is made again once its claim runs out, from what the claim recorded', async () => {
    const clock = new ManualClock();
    const warehouse = new FaultyWarehouse();
    const transport = new RecordingTransport();
    const dead = processOver(store, clock, warehouse, transport);
    const event = await heldAtWh1Then(dead, 'OMS5', clock, 'reroute');
    // the caller claims the withdrawal the reroute asks for and dies before it calls
    const call = { kind: 'WITHDRAW', id: event.id, warehouseCode: 'WH1', outboundNo: 'WH1-OMS5', reason: 'rerouted to WH2' } as const;
    await onOrder(dead, 'OMS5', { type: 'StartCancelCall', data: { call, claimMs, now: clock.now() } }, cause(clock));
    const standby = processOver(store, clock, warehouse, transport);
    const retries = new DueRetries(standby);
    await retries.start();
    // the reaction handling OrderRerouted again on the standby: the claim stands, no call
    await deliver(withdrawWhenCancelledOrMoved(standby), event);
    clock.advance({ milliseconds: claimMs - 1 });
    await retries.runDue();
    expect(warehouse.cancelCalls).toEqual([]);
    clock.advance({ milliseconds: 1 });
    await retries.runDue();
    expect(warehouse.cancelCalls.map((made) => [made.orderNo, made.warehouseCode, made.outboundNo])).toEqual([['OMS5', 'WH1', 'WH1-OMS5']]);
    const cancels = (await store.readStream('order-OMS5')).filter((stored) =>
      ['CancelCallStarted', 'WithdrawalAnswered'].includes(stored.type),
    );
    expect(cancels.map((stored) => [stored.type, stored.data])).toEqual([
      ['CancelCallStarted', expect.objectContaining({ kind: 'WITHDRAW', id: event.id, warehouseCode: 'WH1' })],
      ['CancelCallStarted', expect.objectContaining({ kind: 'WITHDRAW', id: event.id, warehouseCode: 'WH1' })],
      ['WithdrawalAnswered', expect.objectContaining({ withdrawalId: event.id, withdrawn: true })],
    ]);
    // the answer closed the claim and its watch: nothing more is due
    clock.advance({ milliseconds: claimMs });
    await retries.runDue();
    await deliver(withdrawWhenCancelledOrMoved(standby), event);
    expect(warehouse.cancelCalls).toHaveLength(1);
    await retries.stop();
  });
});
