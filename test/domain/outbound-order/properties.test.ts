import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { fold } from '../../../src/domain/kernel/decider.ts';
import { millis } from '../../../src/domain/kernel/instant.ts';
import { Refused } from '../../../src/domain/kernel/refused.ts';
import { type OrderEvent, type OrderState, openQuantity, outboundOrder } from '../../../src/domain/outbound-order/index.ts';
import { articleOrder } from './order-fixtures.ts';
import { accepted, life, play, retryPolicy } from './order-model.ts';

const runs = { numRuns: 1000 };
const decideOrNothing = (command: Parameters<typeof outboundOrder.decide>[0], state: OrderState): readonly OrderEvent[] | 'refused' => {
  try {
    return outboundOrder.decide(command, state);
  } catch (error) {
    if (error instanceof Refused) return 'refused';
    throw error;
  }
};

describe('outbound order properties', () => {
  test.prop([life], runs)('(1) a redelivered accepted command yields no events, whenever it comes back', (lifeOf) => {
    const turns = play(lifeOf);
    turns.forEach((turn, i) => {
      if (!accepted(turn) || turn.events.length === 0) return;
      for (const later of turns.slice(i)) expect(decideOrNothing(turn.command, later.after)).toEqual([]);
    });
  });

  test.prop([life], runs)('(2) evolve is total, and folding JSON-round-tripped events gives the same state', (lifeOf) => {
    const events = play(lifeOf).flatMap((turn) => (accepted(turn) ? turn.events : []));
    const stored = JSON.parse(JSON.stringify(events)) as OrderEvent[];
    expect(fold(outboundOrder, stored)).toEqual(fold(outboundOrder, events));
  });

  test.prop([life], runs)('(2b) the state survives a JSON round trip, and decides the same after it', (lifeOf) => {
    for (const turn of play(lifeOf)) {
      const stored = JSON.parse(JSON.stringify(turn.before)) as OrderState;
      expect(stored).toEqual(turn.before);
      expect(decideOrNothing(turn.command, stored)).toEqual(decideOrNothing(turn.command, turn.before));
    }
  });

  test.prop([life], runs)('(3) quantities add up after every step', (lifeOf) => {
    for (const { after } of play(lifeOf)) {
      for (const line of after.lines) {
        expect(line.shipped).toBeLessThanOrEqual(line.ordered);
        expect(line.shipped + line.backordered + line.cancelled).toBeLessThanOrEqual(line.ordered);
        if (outboundOrder.isTerminal(after)) expect(line.shipped + line.backordered + line.cancelled).toBe(line.ordered);
      }
      expect(outboundOrder.isTerminal(after)).toBe(after.lines.length > 0 && after.lines.every((line) => openQuantity(line) === 0));
      expect(after.push.roundStart).toBeLessThanOrEqual(after.push.total);
    }
  });

  test.prop([life], runs)(
    '(4) a closed order accepts nothing but anomaly facts, the book of its backorders and message ids, and changes no line',
    (lifeOf) => {
      const afterClose = ['AnomalyDetected', 'BackorderCarriedOver', 'BackorderCancelled', 'WarehouseMessageApplied'];
      for (const turn of play(lifeOf)) {
        if (!outboundOrder.isTerminal(turn.before) || !accepted(turn)) continue;
        expect(turn.events.every((event) => afterClose.includes(event.type))).toBe(true);
        expect(turn.after.status).toBe(turn.before.status);
        expect(turn.after.lines).toEqual(turn.before.lines);
      }
    },
  );

  test.prop([life], runs)('(6) backorders are numbered from the original order, one number each, never nested', (lifeOf) => {
    const numbers = play(lifeOf).flatMap((turn) =>
      accepted(turn)
        ? turn.events.flatMap((event) =>
            event.type === 'BackorderCreated' || event.type === 'BackorderCarriedOver' ? [event.data.backorderNo] : [],
          )
        : [],
    );
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const number of numbers) expect(number).toMatch(/^OMS202511220001-BO\d+$/);
  });

  test.prop([life], runs)('(7) a shipment is charged to the warehouse that gave the outbound number it names', (lifeOf) => {
    for (const turn of play(lifeOf)) {
      if (!accepted(turn) || turn.command.type !== 'RecordShipment') continue;
      const { outboundNo } = turn.command.data;
      const gave = turn.before.outbounds.find((outbound) => outbound.outboundNo === outboundNo)?.warehouseCode ?? turn.before.warehouseCode;
      for (const event of turn.events) {
        const shipment = event.type === 'ShipmentRecorded' ? event.data : event.type === 'AnomalyDetected' ? event.data.shipment : null;
        if (shipment !== null) expect(shipment.warehouseCode).toBe(gave);
      }
    }
  });

  test.prop(
    [
      retryPolicy,
      fc.array(fc.constantFrom('ok', 'retryable', 'retryable', 'retryable', 'rejected'), { maxLength: 12 }),
      fc.array(fc.integer({ min: -120, max: 600 }), { minLength: 12, maxLength: 12 }),
      fc.constantFrom('cancel', 'retry'),
    ],
    runs,
  )(
    '(5) retries stay within the policy, deadlines strictly increase, every failure path ends shipped, cancelled or with a person',
    (policy, outcomes, clockJitter, operator) => {
      let state = fold(
        outboundOrder,
        outboundOrder.decide(
          { type: 'PlaceOrder', data: { ...articleOrder(), now: '2025-11-22T02:00:00.000Z' } },
          outboundOrder.initialState,
        ),
      );
      state = fold(
        outboundOrder,
        outboundOrder.decide({ type: 'RecordStockReserved', data: { reservationNo: 1, now: '2025-11-22T02:00:01.000Z' } }, state),
        state,
      );
      const deadlines: number[] = [];
      let clock = Date.parse('2025-11-22T02:01:00.000Z');
      let rounds = 0;
      const queue = [...outcomes];
      while (state.status === 'RESERVED' || state.status === 'PUSH_FAILED' || (state.status === 'MANUAL_INTERVENTION' && rounds < 2)) {
        if (state.status === 'MANUAL_INTERVENTION') {
          rounds += 1;
          const request =
            operator === 'cancel'
              ? ({
                  type: 'CancelOrder',
                  data: { requestId: `c${rounds}`, reason: 'gave up', requestedBy: 'ops', now: new Date(clock).toISOString() },
                } as const)
              : ({ type: 'RetryNow', data: { requestId: `r${rounds}`, requestedBy: 'ops', now: new Date(clock).toISOString() } } as const);
          state = fold(outboundOrder, outboundOrder.decide(request, state), state);
          continue;
        }
        // the scheduler fires at the deadline, give or take a clock that runs early or late
        clock =
          (state.push.nextAttemptAt === null ? clock : millis(state.push.nextAttemptAt)) + (clockJitter[state.push.total % 12] ?? 0) * 1000;
        const now = new Date(clock).toISOString();
        const outcome = queue.shift() ?? 'retryable';
        const attempt = state.push.total + 1;
        const events =
          outcome === 'ok'
            ? outboundOrder.decide(
                { type: 'RecordPushSucceeded', data: { attempt, warehouseCode: 'WH001', outboundNo: 'WMS1', now } },
                state,
              )
            : outboundOrder.decide(
                {
                  type: 'RecordPushFailed',
                  data: { attempt, warehouseCode: 'WH001', error: 'e', retryable: outcome === 'retryable', policy, now },
                },
                state,
              );
        for (const event of events) if (event.type === 'PushRetryScheduled') deadlines.push(millis(event.data.dueAt));
        state = fold(outboundOrder, events, state);
        expect(state.push.total - state.push.roundStart).toBeLessThanOrEqual(policy.maxAttempts);
      }
      deadlines.forEach((deadline, i) => {
        if (i > 0) expect(deadline).toBeGreaterThan(deadlines[i - 1] ?? -Infinity);
      });
      if (state.status === 'PUSHED_TO_WMS') {
        const now = new Date(clock + 60_000).toISOString();
        state = fold(
          outboundOrder,
          outboundOrder.decide(
            {
              type: 'RecordShipment',
              data: { outboundNo: 'WMS1', waybillNo: 'SF1', carrier: 'SF', items: [{ sku: 'SKU001', quantity: 2 }], shippedAt: now, now },
            },
            state,
          ),
          state,
        );
      }
      expect(['SHIPPED', 'CANCELLED', 'MANUAL_INTERVENTION']).toContain(state.status);
    },
  );
});
