/**
 * Random histories of a hub, written by the real deciders: a few orders living random lives (the
 * outbound order's own model steps: shortages, failed pushes, cancellations racing the warehouse,
 * reroutes, shipments with contradictions), their backorders placed, stock ledgers moving,
 * inbound orders pushed and received, hand-offs to transport failing and retried, customer
 * returns. Time moves on by up to half a day per step, so the days of the reports differ.
 * Refused requests leave nothing, as in the hub.
 */
import fc from 'fast-check';
import { MemoryEventStore } from '../../../src/adapters/event-store/memory/memory-event-store.ts';
import type { DomainMessage, EventStore } from '../../../src/application/ports/event-store.ts';
import { type InboundCommand, inboundOrderDecider, inboundStreamName } from '../../../src/domain/inbound-order/index.ts';
import type { Decider } from '../../../src/domain/kernel/decider.ts';
import { Refused } from '../../../src/domain/kernel/refused.ts';
import type { RetryPolicy } from '../../../src/domain/kernel/retry-policy.ts';
import { type OrderCommand, type OrderState, orderStreamName, outboundOrder } from '../../../src/domain/outbound-order/index.ts';
import { type ReturnCommand, returnOrderDecider, returnStreamName } from '../../../src/domain/return-order/index.ts';
import { type StockCommand, stockLedgerDecider, stockStreamName } from '../../../src/domain/stock-ledger/index.ts';
import { type HandOffCommand, shipmentStreamName, transportHandOff } from '../../../src/domain/transport-handoff/index.ts';
import { articleOrder } from '../../domain/outbound-order/order-fixtures.ts';
import { type Step, placement, step } from '../../domain/outbound-order/order-model.ts';

const T0 = Date.parse('2025-11-22T00:00:00.000Z');
const policy: RetryPolicy = { maxAttempts: 2, baseDelayMs: 60_000, maxDelayMs: 600_000 };
const warehouse = fc.constantFrom('WH001', 'WH002');
const sku = fc.constantFrom('SKU001', 'SKU002', 'SKU003');
const consignee = articleOrder().consignee;

type Move =
  | Readonly<{ kind: 'order'; order: number; step: Step }>
  | Readonly<{ kind: 'flow'; order: number; variant: number }>
  | Readonly<{ kind: 'place'; order: number; placement: ReturnType<typeof articleOrder> }>
  | Readonly<{ kind: 'backorder' }>
  | Readonly<{ kind: 'stock'; make: (now: string) => StockCommand }>
  | Readonly<{ kind: 'inbound'; make: (attempt: number, now: string) => InboundCommand }>
  | Readonly<{ kind: 'handoff'; waybill: string; make: (attempt: number, now: string) => HandOffCommand }>
  | Readonly<{ kind: 'return'; make: (now: string) => ReturnCommand }>;

export type HistoryStep = Readonly<{ minutes: number; move: Move }>;

const stockMove: fc.Arbitrary<Move> = fc
  .tuple(warehouse, sku, fc.integer({ min: 1, max: 6 }), fc.constantFrom('R1', 'R2', 'R3'), fc.integer({ min: 0, max: 5 }), fc.nat(9))
  .map(([warehouseCode, s, quantity, ref, choice, n]) => ({
    kind: 'stock',
    make: (now: string): StockCommand => {
      const on = { warehouseCode, sku: s, now };
      switch (choice) {
        case 0:
          return { type: 'ReceiveStock', data: { ...on, reference: `PO${n}`, quantity: quantity * 3, condition: 'SELLABLE' } };
        case 1:
          return { type: 'ReceiveStock', data: { ...on, reference: `RT${n}`, quantity, condition: 'DEFECTIVE' } };
        case 2:
          return { type: 'ReserveStock', data: { ...on, reference: ref, quantity } };
        case 3:
          return {
            type: 'ReleaseStock',
            data: { ...on, reference: `rel${n}`, reservation: ref, quantity: n % 2 === 0 ? 'ALL' : quantity },
          };
        case 4:
          return { type: 'DeductStock', data: { ...on, reference: `SF${n}`, reservation: n % 3 === 0 ? undefined : ref, quantity } };
        default:
          return { type: 'AdjustStock', data: { ...on, reference: `count${n}`, countedOnHand: quantity * 2 } };
      }
    },
  }));

const inboundMove: fc.Arbitrary<Move> = fc
  .tuple(fc.integer({ min: 0, max: 5 }), warehouse, fc.boolean(), fc.nat(3))
  .map(([choice, warehouseCode, retryable, n]) => ({
    kind: 'inbound',
    make: (attempt: number, now: string): InboundCommand => {
      const inboundNo = 'PO1';
      switch (choice) {
        case 0:
          return {
            type: 'CreateInbound',
            data: {
              inboundNo,
              kind: 'PURCHASE',
              warehouseCode,
              supplier: 'ACME',
              poNumber: 'PO-1',
              lines: [{ sku: 'SKU001', quantity: 10 }],
              now,
            },
          };
        case 1:
          return { type: 'RecordInboundPushSucceeded', data: { inboundNo, attempt, wmsInboundNo: 'WIN1', now } };
        case 2:
        case 3:
          return {
            type: 'RecordInboundPushFailed',
            data: { inboundNo, attempt, error: `HTTP ${retryable ? 503 : 400}`, retryable, now, policy },
          };
        case 4:
          return { type: 'RetryInboundPush', data: { inboundNo, requestId: `r${n}`, requestedBy: 'ops', now } };
        default:
          return {
            type: 'RecordReceipt',
            data: { inboundNo, receiptNo: `RC${n}`, lines: [{ sku: 'SKU001', quantity: 8 + n }], receivedAt: now, now },
          };
      }
    },
  }));

const handoffMove: fc.Arbitrary<Move> = fc
  .tuple(fc.constantFrom('SF1', 'SF2'), fc.integer({ min: 0, max: 4 }), fc.boolean(), fc.nat(3))
  .map(([waybill, choice, retryable, n]) => ({
    kind: 'handoff',
    waybill,
    make: (attempt: number, now: string): HandOffCommand => {
      switch (choice) {
        case 0:
          return {
            type: 'RegisterShipment',
            data: {
              waybillNo: waybill,
              orderNo: 'OMS1',
              carrier: 'SF',
              consignee,
              items: [{ sku: 'SKU001', quantity: 1 }],
              shippedAt: now,
              now,
            },
          };
        case 1:
          return { type: 'RecordHandOffSucceeded', data: { attempt, transportRef: `T${attempt}`, now } };
        case 2:
        case 3:
          return { type: 'RecordHandOffFailed', data: { attempt, error: 'TMS down', retryable, policy, now } };
        default:
          return { type: 'RetryHandOff', data: { requestId: `h${n}`, requestedBy: 'ops', now } };
      }
    },
  }));

const returnMove: fc.Arbitrary<Move> = fc
  .tuple(fc.integer({ min: 0, max: 2 }), fc.nat(3), fc.nat(3))
  .map(([choice, qualified, defective]) => ({
    kind: 'return',
    make: (now: string): ReturnCommand => {
      const returnNo = 'RT1';
      if (choice === 0) {
        return {
          type: 'CreateReturn',
          data: {
            returnNo,
            orderNo: 'OMS0',
            warehouseCode: 'WH001',
            reason: 'too small',
            lines: [{ sku: 'SKU001', quantity: 2 }],
            shipped: { SKU001: 4 },
            alreadyReturned: {},
            now,
          },
        };
      }
      if (choice === 1) {
        return {
          type: 'RecordReturnInspection',
          data: { returnNo, inspectionNo: `IN${qualified}`, lines: [{ sku: 'SKU001', qualified, defective }], inspectedAt: now, now },
        };
      }
      return { type: 'CloseReturn', data: { returnNo, requestId: 'close', closedBy: 'ops', now } };
    },
  }));

/**
 * The order's next step on the usual road (reserved, pushed, picked, packed, shipped), or now and
 * then a stumble on it (short at reservation, a failed push, a partial shipment, a cancellation).
 */
const flowCommand = (state: OrderState, variant: number, now: string, order: number): OrderCommand | null => {
  const stumble = variant % 7 === 0;
  const open = state.lines
    .map((l) => ({ sku: l.sku, quantity: l.ordered - l.shipped - l.backordered - l.cancelled }))
    .filter((l) => l.quantity > 0);
  switch (state.status) {
    case 'CREATED':
      return stumble
        ? {
            type: 'RecordStockShort',
            data: {
              reservationNo: state.reservationNo,
              shortfalls: open.slice(0, 1).map((l) => ({ sku: l.sku, requested: l.quantity, available: 0 })),
              alternativeWarehouse: variant % 2 === 0 ? 'WH002' : null,
              now,
            },
          }
        : { type: 'RecordStockReserved', data: { reservationNo: state.reservationNo, now } };
    case 'RESERVED':
    case 'PUSH_FAILED':
      return stumble || variant % 5 === 1
        ? {
            type: 'RecordPushFailed',
            data: {
              attempt: state.push.total + 1,
              warehouseCode: state.warehouseCode,
              error: 'HTTP 503',
              retryable: variant % 3 !== 0,
              policy,
              now,
            },
          }
        : {
            type: 'RecordPushSucceeded',
            data: {
              attempt: state.push.total + 1,
              warehouseCode: state.warehouseCode,
              outboundNo: `WMS${order}-${state.reservationNo}`,
              now,
            },
          };
    case 'PUSHED_TO_WMS':
    case 'IN_PROGRESS':
    case 'PARTIALLY_SHIPPED': {
      if (stumble) return { type: 'CancelOrder', data: { requestId: `cancel-${variant}`, reason: 'customer', requestedBy: 'cs', now } };
      if (state.progress < 2 && variant % 3 !== 0)
        return {
          type: 'RecordWmsProgress',
          data: { warehouseCode: state.warehouseCode, stage: state.progress === 0 ? 'PICKING' : 'PACKED', at: now, now },
        };
      if (variant % 11 === 5)
        return {
          type: 'RecordWmsShortage',
          data: { warehouseCode: state.warehouseCode, lines: open.slice(0, 1), alternativeWarehouse: null, now },
        };
      const items = variant % 4 === 0 ? open.slice(0, 1) : open;
      return {
        type: 'RecordShipment',
        data: {
          outboundNo: state.outboundNo ?? 'WMS?',
          waybillNo: `SF${order}-${state.lines.reduce((n, l) => n + l.shipped, 0)}-${variant % 3}`,
          carrier: 'SF',
          items,
          shippedAt: now,
          now,
        },
      };
    }
    case 'CANCEL_REQUESTED':
      return {
        type: 'RecordInterceptOutcome',
        data: { cancelRequestId: state.pendingCancel ?? '', intercepted: variant % 2 === 0, detail: '', now },
      };
    case 'MANUAL_INTERVENTION':
      return variant % 2 === 0
        ? { type: 'RetryNow', data: { requestId: `retry-${variant}`, requestedBy: 'ops', now } }
        : {
            type: 'ResolveManually',
            data: { requestId: `resolve-${variant}`, outboundNo: `WMS${order}-M`, note: '', resolvedBy: 'ops', now },
          };
    default:
      return null;
  }
};

const move: fc.Arbitrary<Move> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .record({ order: fc.integer({ min: 0, max: 4 }), variant: fc.nat(1000) })
      .map(({ order, variant }): Move => ({ kind: 'flow', order, variant })),
  },
  {
    weight: 4,
    arbitrary: fc
      .record({ order: fc.integer({ min: 0, max: 3 }), step })
      .map(({ order, step: s }): Move => ({ kind: 'order', order, step: s })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({ order: fc.integer({ min: 0, max: 4 }), placement })
      .map(({ order, placement: p }): Move => ({ kind: 'place', order, placement: p })),
  },
  { weight: 1, arbitrary: fc.constant<Move>({ kind: 'backorder' }) },
  { weight: 3, arbitrary: stockMove },
  { weight: 2, arbitrary: inboundMove },
  { weight: 2, arbitrary: handoffMove },
  { weight: 1, arbitrary: returnMove },
);

/** A history: up to `maxLength` steps, each some minutes after the one before (up to 12 hours). */
export const historyArb = (maxLength = 60): fc.Arbitrary<readonly HistoryStep[]> =>
  fc.array(fc.record({ minutes: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 720 })), move }), {
    minLength: Math.min(10, maxLength),
    maxLength,
    size: 'max',
  });

export type Append = Readonly<{ stream: string; events: readonly DomainMessage[]; recordedAt: string }>;

/** Plays a history through the deciders: the appends the hub would have made, in order. */
export const play = (history: readonly HistoryStep[]): Append[] => {
  const states = new Map<string, unknown>();
  const appends: Append[] = [];
  const waiting: { backorderNo: string; orderNo: string; lines: readonly { sku: string; quantity: number }[] }[] = [];
  let clock = T0;
  const decide = <S, C, E extends DomainMessage>(decider: Decider<S, C, E>, stream: string, command: (state: S) => C, now: string) => {
    const state = (states.get(stream) as S | undefined) ?? decider.initialState;
    let events: readonly E[];
    try {
      events = decider.decide(command(state), state);
    } catch (error) {
      if (error instanceof Refused) return;
      throw error;
    }
    if (events.length === 0) return;
    states.set(stream, events.reduce(decider.evolve, state));
    appends.push({ stream, events, recordedAt: now });
    for (const event of events as readonly DomainMessage[]) {
      if (event.type === 'BackorderCreated') {
        const data = event.data as { backorderNo: string; lines: readonly { sku: string; quantity: number }[] };
        waiting.push({ backorderNo: data.backorderNo, orderNo: stream.slice('order-'.length), lines: data.lines });
      }
    }
  };
  for (const { minutes, move: m } of history) {
    clock += minutes * 60_000;
    const now = new Date(clock).toISOString();
    switch (m.kind) {
      case 'order': {
        const stream = orderStreamName(`OMS${m.order}`);
        decide(
          outboundOrder,
          stream,
          (state: OrderState): OrderCommand => {
            const command = m.step(state, now);
            return command.type === 'PlaceOrder' ? { ...command, data: { ...command.data, orderNo: `OMS${m.order}` } } : command;
          },
          now,
        );
        break;
      }
      case 'flow': {
        const stream = orderStreamName(`OMS${m.order}`);
        const state = (states.get(stream) as OrderState | undefined) ?? outboundOrder.initialState;
        const command = state.status === 'NONE' ? null : flowCommand(state, m.variant, now, m.order);
        if (command !== null) decide(outboundOrder, stream, () => command, now);
        break;
      }
      case 'place':
        decide(
          outboundOrder,
          orderStreamName(`OMS${m.order}`),
          (): OrderCommand => ({ type: 'PlaceOrder', data: { ...m.placement, orderNo: `OMS${m.order}`, now } }),
          now,
        );
        break;
      case 'backorder': {
        const next = waiting.shift();
        if (next === undefined) break;
        const placementOf = articleOrder({ orderNo: next.backorderNo, items: next.lines, backorderOf: next.orderNo });
        decide(
          outboundOrder,
          orderStreamName(next.backorderNo),
          (): OrderCommand => ({ type: 'PlaceOrder', data: { ...placementOf, now } }),
          now,
        );
        break;
      }
      case 'stock': {
        const command = m.make(now);
        decide(stockLedgerDecider, stockStreamName(command.data.warehouseCode, command.data.sku), () => command, now);
        break;
      }
      case 'inbound': {
        const stream = inboundStreamName('PO1');
        decide(inboundOrderDecider, stream, (state) => m.make(state.push.total + 1, now), now);
        break;
      }
      case 'handoff': {
        const stream = shipmentStreamName({ carrier: 'SF', waybillNo: m.waybill });
        decide(transportHandOff, stream, (state) => m.make(state.push.total + 1, now), now);
        break;
      }
      case 'return':
        decide(returnOrderDecider, returnStreamName('RT1'), () => m.make(now), now);
        break;
    }
  }
  return appends;
};

/** Appends them to a store, each with its exact expected revision, as the command handler does. */
export const appendAll = async (store: EventStore, appends: readonly Append[]): Promise<void> => {
  const revisions = new Map<string, bigint>();
  let id = 0;
  for (const { stream, events, recordedAt } of appends) {
    const result = await store.append(
      stream,
      events.map((event) => ({
        ...event,
        id: `00000000-0000-4000-8000-${String((id += 1)).padStart(12, '0')}`,
        metadata: { correlationId: 'flow', causationId: 'cause', recordedAt },
      })),
      revisions.get(stream) ?? 'no_stream',
    );
    revisions.set(stream, result.nextExpectedRevision);
  }
};

/** A memory store holding the history's events. */
export const storeWith = async (appends: readonly Append[]): Promise<MemoryEventStore> => {
  const store = new MemoryEventStore();
  await appendAll(store, appends);
  return store;
};

/** A fixed, busy history for example tests: at least `minEvents` events, orders shipped among them. */
export const sampleAppends = (seed: number, minEvents = 60): Append[] => {
  for (let attempt = 0; attempt < 1000; attempt += 1) {
    const [history] = fc.sample(historyArb(150), { numRuns: 1, seed: seed + attempt * 7919 });
    const appends = play(history ?? []);
    const events = appends.flatMap((a) => a.events);
    if (events.length >= minEvents && events.some((e) => e.type === 'ShipmentRecorded')) return appends;
  }
  throw new Error('no busy history found');
};

/** The rest of a history, appended after a store's own (fresh event ids, revisions as the store stands). */
export const appendRest = async (store: EventStore, appends: readonly Append[]): Promise<void> => {
  let id = 0;
  for (const { stream, events, recordedAt } of appends) {
    const last = (await store.readStream(stream)).at(-1);
    await store.append(
      stream,
      events.map((event) => ({ ...event, id: `rest-${(id += 1)}`, metadata: { correlationId: 'f', causationId: 'c', recordedAt } })),
      last === undefined ? 'no_stream' : last.revision,
    );
  }
};
