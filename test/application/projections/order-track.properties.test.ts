/**
 * The order projections keep a small track of each order instead of the decider's whole state.
 * Whatever an order lives through, the track must say what the decider's state says.
 */
import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { type OrderTrack, advanceOrderTrack, newOrderTrack } from '../../../src/application/projections/order-track.ts';
import type { OrderEvent, OrderState } from '../../../src/domain/outbound-order/index.ts';
import { accepted, life, play } from '../../domain/outbound-order/order-model.ts';

const asTrack = (state: OrderState): Omit<OrderTrack, 'manualSince'> => ({
  status: state.status,
  warehouseCode: state.warehouseCode,
  progress: state.progress,
  statusBeforeCancel: state.statusBeforeCancel,
  outboundNo: state.outboundNo,
  lines: state.lines.map((l) => [l.sku, l.ordered, l.shipped, l.backordered, l.cancelled] as const),
  manualReason: state.manual?.reason ?? null,
  manualDetail: state.manual?.detail ?? null,
  attempts: state.push.total,
  lastError: state.push.lastError,
  anomalies: state.anomalies,
  closedAt: state.closedAt,
});

const fold = (track: OrderTrack | null, event: OrderEvent): OrderTrack | null =>
  event.type === 'OrderPlaced' && track === null
    ? newOrderTrack(event.data.warehouseCode, event.data.items)
    : track === null
      ? null
      : advanceOrderTrack(track, event);

describe('the order track follows the decider', () => {
  test.prop([life], { numRuns: 400 })('after every step of any life, the track says what the state says', (lifeOf) => {
    let track: OrderTrack | null = null;
    for (const turn of play(lifeOf)) {
      if (!accepted(turn)) continue;
      for (const event of turn.events) track = fold(track, event);
      if (turn.after.status === 'NONE') continue;
      const { manualSince, ...rest } = track as OrderTrack;
      expect(rest).toEqual(asTrack(turn.after));
      expect(manualSince === null).toBe(turn.after.manual === null);
    }
  });

  test.prop([life], { numRuns: 200 })('advancing never changes the track it is given', (lifeOf) => {
    let track: OrderTrack | null = null;
    for (const turn of play(lifeOf)) {
      if (!accepted(turn)) continue;
      for (const event of turn.events) {
        const before = track === null ? null : JSON.stringify(track);
        const next = fold(track, event);
        if (track !== null) expect(JSON.stringify(track)).toBe(before);
        track = next;
      }
    }
  });
});
