// Random lives of one outbound order, for the properties: a placement with a random shortage
// policy, then commands drawn from small pools (two warehouses, three SKUs and one never ordered,
// a few waybill numbers of two carriers, a few request ids) so that redeliveries, races and
// contradictions really happen.
// A step may depend on the state (the next attempt number, the current reservation round).
import fc from 'fast-check';
import { fold } from '../../../src/domain/kernel/decider.ts';
import { Refused } from '../../../src/domain/kernel/refused.ts';
import type { RetryPolicy } from '../../../src/domain/kernel/retry-policy.ts';
import { type OrderCommand, type OrderEvent, type OrderState, outboundOrder } from '../../../src/domain/outbound-order/index.ts';
import { articleOrder } from './order-fixtures.ts';

export type Step = (state: OrderState, now: string) => OrderCommand;

/** A step that prints as what it does, so a shrunk counterexample reads as a story. */
const named = (label: string, make: Step): Step => Object.assign(make, { [fc.toStringMethod]: () => label });
const show = (items: readonly { sku: string; quantity: number }[]): string => items.map((i) => `${i.sku}×${i.quantity}`).join(' ');

const T0 = Date.parse('2025-11-22T02:00:00.000Z');
const minute = (i: number): string => new Date(T0 + i * 60_000).toISOString();

const warehouse = fc.constantFrom('WH001', 'WH002');
const sku = fc.constantFrom('SKU001', 'SKU002', 'SKU003', 'SKU999');
const requestId = fc.constantFrom('r1', 'r2', 'r3');
const waybill = fc.constantFrom('SF1', 'SF2', 'SF3');
/** two carriers that may print the same waybill number */
const carrier = fc.constantFrom('SF', 'YTO');
const outboundNo = fc.constantFrom('WMS1', 'WMS2');
/** a warehouse's own message id, sometimes none; few, so that ids come back with other content */
const messageId = fc.option(fc.constantFrom('M1', 'M2'), { nil: undefined });
const withMessageId = (id: string | undefined) => (id === undefined ? {} : { messageId: id });
const lines = fc.uniqueArray(fc.record({ sku, quantity: fc.integer({ min: 1, max: 3 }) }), {
  minLength: 1,
  maxLength: 3,
  selector: (line) => line.sku,
});
export const retryPolicy: fc.Arbitrary<RetryPolicy> = fc
  .record({ maxAttempts: fc.integer({ min: 1, max: 4 }), baseDelayMs: fc.integer({ min: 1, max: 120_000 }), extra: fc.nat(600_000) })
  .map(({ maxAttempts, baseDelayMs, extra }) => ({ maxAttempts, baseDelayMs, maxDelayMs: baseDelayMs + extra }));
/** The attempt an outcome reports: usually the next one, sometimes one already recorded. */
const attempt = fc.constantFrom<'next' | 'last'>('next', 'next', 'next', 'last');
const pick = (which: 'next' | 'last', state: OrderState): number =>
  which === 'next' ? state.push.total + 1 : Math.max(1, state.push.total);

export const placement = fc
  .record({
    items: fc.uniqueArray(fc.record({ sku: fc.constantFrom('SKU001', 'SKU002', 'SKU003'), quantity: fc.integer({ min: 1, max: 4 }) }), {
      minLength: 1,
      maxLength: 3,
      selector: (line) => line.sku,
    }),
    allowPartialShip: fc.boolean(),
    allowCancel: fc.boolean(),
    backorderOf: fc.option(fc.constant('OMS1'), { nil: undefined }),
  })
  .map(({ items, allowPartialShip, allowCancel, backorderOf }) =>
    articleOrder({ items, policy: { allowPartialShip, allowCancel }, ...(backorderOf === undefined ? {} : { backorderOf }) }),
  );

export const step: fc.Arbitrary<Step> = fc.oneof(
  placement.map((p): Step => named(`place(${show(p.items)})`, (_s, now) => ({ type: 'PlaceOrder', data: { ...p, now } }))),
  fc.constantFrom(0, 0, -1).map((back): Step =>
    named(`reserved(round${back === 0 ? '' : ' - 1'})`, (s, now) => ({
      type: 'RecordStockReserved',
      data: { reservationNo: s.reservationNo + back, now },
    })),
  ),
  fc
    .tuple(
      fc.array(fc.record({ sku, requested: fc.integer({ min: 1, max: 4 }), available: fc.integer({ min: 0, max: 3 }) }), { maxLength: 3 }),
      fc.option(warehouse),
    )
    .map(([shortfalls, alternativeWarehouse]): Step =>
      named(
        `reservationShort(${shortfalls.map((f) => `${f.sku} ${f.available}/${f.requested}`).join(' ')}; alt ${alternativeWarehouse})`,
        (s, now) => ({
          type: 'RecordStockShort',
          data: { reservationNo: s.reservationNo, shortfalls, alternativeWarehouse, now },
        }),
      ),
    ),
  fc.tuple(attempt, outboundNo, warehouse).map(([which, no, wh]): Step =>
    named(`pushOk(${which}, ${no}, ${wh})`, (s, now) => ({
      type: 'RecordPushSucceeded',
      data: { attempt: pick(which, s), warehouseCode: wh === 'WH002' ? wh : s.warehouseCode, outboundNo: no, now },
    })),
  ),
  fc
    .tuple(
      attempt,
      fc.boolean(),
      retryPolicy,
      fc.option(fc.nat(300_000), { nil: undefined }),
      fc.option(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { nil: undefined }),
    )
    .map(([which, retryable, policy, retryAfterMs, jitter]): Step =>
      named(`pushFailed(${which}, ${retryable ? 'retryable' : 'rejected'}, max ${policy.maxAttempts}, jitter ${jitter})`, (s, now) => ({
        type: 'RecordPushFailed',
        data: { attempt: pick(which, s), warehouseCode: s.warehouseCode, error: 'HTTP 503', retryable, retryAfterMs, jitter, policy, now },
      })),
    ),
  fc.tuple(fc.constantFrom<'PICKING' | 'PACKED'>('PICKING', 'PACKED'), warehouse, messageId).map(([stage, wh, id]): Step =>
    named(`progress(${stage}, ${wh}, id ${id})`, (_s, now) => ({
      type: 'RecordWmsProgress',
      data: { warehouseCode: wh, stage, at: now, now, ...withMessageId(id) },
    })),
  ),
  fc.tuple(lines, fc.option(warehouse), warehouse, messageId).map(([short, alternativeWarehouse, wh, id]): Step =>
    named(`wmsShort(${show(short)} at ${wh}; alt ${alternativeWarehouse}, id ${id})`, (_s, now) => ({
      type: 'RecordWmsShortage',
      data: { warehouseCode: wh, lines: short, alternativeWarehouse, now, ...withMessageId(id) },
    })),
  ),
  fc
    .tuple(carrier, waybill, lines, outboundNo, fc.option(fc.boolean(), { nil: undefined }), messageId)
    .map(([by, waybillNo, items, no, final, id]): Step =>
      named(
        `ship(${by} ${waybillNo}: ${show(items)}, ${no}${final === undefined ? '' : final ? ', final' : ', intermediate'}, id ${id})`,
        (_s, now) => ({
          type: 'RecordShipment',
          data: {
            outboundNo: no,
            waybillNo,
            carrier: by,
            items,
            shippedAt: now,
            now,
            ...(final === undefined ? {} : { final }),
            ...withMessageId(id),
          },
        }),
      ),
    ),
  fc
    .tuple(fc.constantFrom('OMS1-BO1', 'OMS1-BO2'), fc.integer({ min: 1, max: 2 }), lines, fc.option(warehouse))
    .map(([from, owedNo, owed, shortBy]): Step =>
      named(`carryOver(${from}#${owedNo}: ${show(owed)}, short by ${shortBy})`, (_s, now) => ({
        type: 'CarryOverBackorder',
        data: { fromOrderNo: from, owedNo, warehouseCode: 'WH001', lines: owed, reportedShortBy: shortBy, now },
      })),
    ),
  fc.tuple(requestId, fc.integer({ min: 1, max: 3 })).map(([id, n]): Step =>
    named(`cancelBackorder(${id}, BO${n})`, (s, now) => ({
      type: 'CancelBackorder',
      data: { requestId: id, backorderNo: `${s.orderNo}-BO${n}`, reason: 'customer', requestedBy: 'ops', now },
    })),
  ),
  requestId.map((id): Step =>
    named(`cancel(${id})`, (_s, now) => ({ type: 'CancelOrder', data: { requestId: id, reason: 'customer', requestedBy: 'cs', now } })),
  ),
  fc.tuple(fc.boolean(), fc.boolean()).map(([current, intercepted]): Step =>
    named(`intercept(${current ? 'pending' : 'r2'}, ${intercepted})`, (s, now) => ({
      type: 'RecordInterceptOutcome',
      data: { cancelRequestId: current ? (s.pendingCancel ?? 'r1') : 'r2', intercepted, detail: '', now },
    })),
  ),
  requestId.map((id): Step =>
    named(`retryNow(${id})`, (_s, now) => ({ type: 'RetryNow', data: { requestId: id, requestedBy: 'ops', now } })),
  ),
  fc.tuple(requestId, warehouse).map(([id, wh]): Step =>
    named(`reroute(${id}, ${wh})`, (_s, now) => ({
      type: 'RerouteOrder',
      data: { requestId: id, warehouseCode: wh, reason: 'ops', requestedBy: 'ops', now },
    })),
  ),
  fc.tuple(requestId, outboundNo).map(([id, no]): Step =>
    named(`resolve(${id}, ${no})`, (_s, now) => ({
      type: 'ResolveManually',
      data: { requestId: id, outboundNo: no, note: '', resolvedBy: 'ops', now },
    })),
  ),
);

/** A life: always placed first, then up to 30 steps. */
export const life = fc.tuple(placement, fc.array(step, { maxLength: 30 }));

export type Turn = Readonly<{ command: OrderCommand; before: OrderState; events: readonly OrderEvent[] | Refused; after: OrderState }>;

/** Plays a life through the decider, one minute per step; refused commands change nothing. */
export const play = ([first, steps]: [ReturnType<typeof articleOrder>, Step[]]): Turn[] => {
  const turns: Turn[] = [];
  let state = outboundOrder.initialState;
  const all: Step[] = [(_s, now) => ({ type: 'PlaceOrder', data: { ...first, now } }), ...steps];
  all.forEach((make, i) => {
    const command = make(state, minute(i));
    const before = state;
    let events: readonly OrderEvent[] | Refused;
    try {
      events = outboundOrder.decide(command, state);
      state = fold(outboundOrder, events, state);
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      events = error;
    }
    turns.push({ command, before, events, after: state });
  });
  return turns;
};

export const accepted = (turn: Turn): turn is Turn & { events: readonly OrderEvent[] } => !(turn.events instanceof Refused);
