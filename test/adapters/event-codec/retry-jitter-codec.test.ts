/**
 * `PushRetryScheduled` carries the jitter its deadline was drawn with since retries have jitter
 * (docs/architecture.md#retries). An event written before has none and reads as it was, to the
 * same deadline; a recorded jitter outside [0, 1) is not an event the hub writes.
 */
import { describe, expect, test } from 'vitest';
import type { z } from 'zod';
import { type Message, compiled } from '../../../src/adapters/event-codec/compiled-codec.ts';
import { inboundEvent } from '../../../src/adapters/event-codec/inbound-events.ts';
import { orderEvent } from '../../../src/adapters/event-codec/order-events.ts';
import { shipmentEvent } from '../../../src/adapters/event-codec/shipment-events.ts';
import { fold } from '../../../src/domain/kernel/decider.ts';
import { outboundOrder } from '../../../src/domain/outbound-order/index.ts';
import { failed, placedAndReserved } from '../../domain/outbound-order/order-fixtures.ts';

const codecs: ReadonlyArray<readonly [string, z.ZodType<Message>]> = [
  ['order', orderEvent],
  ['inbound', inboundEvent],
  ['shipment', shipmentEvent],
];
const before = { type: 'PushRetryScheduled', data: { attempt: 2, dueAt: '2025-11-22T02:03:00.000Z' } };
const jittered = (jitter: unknown) => ({ type: 'PushRetryScheduled', data: { attempt: 2, dueAt: '2025-11-22T02:02:30.000Z', jitter } });

describe.each(codecs)('the %s codec reads a scheduled retry', (_category, codec) => {
  const check = compiled(codec);

  test('written before jitter: as it was, without a jitter added', () => {
    expect(codec.parse(before)).toEqual(before);
    expect(check(before)).toBe(true);
  });

  test('with the jitter it was drawn with, from 0 up to, not including, 1', () => {
    for (const jitter of [0, 0.5, 1 - Number.EPSILON]) {
      expect(codec.parse(jittered(jitter))).toEqual(jittered(jitter));
      expect(check(jittered(jitter))).toBe(true);
    }
  });

  test('not with a jitter of 1 or more, below 0, or not a number (zod and the compiled check agree)', () => {
    for (const jitter of [1, 2, -0.1, '0.5', null]) {
      expect(codec.safeParse(jittered(jitter)).success).toBe(false);
      expect(check(jittered(jitter))).toBe(false);
    }
  });
});

test('an order event written before jitter replays to the deadline it always had', () => {
  const stored = [...placedAndReserved(), failed(1, '2025-11-22T02:02:00.000Z'), before].map((event) => orderEvent.parse(event));
  expect(fold(outboundOrder, stored).push).toMatchObject({
    nextAttemptAt: '2025-11-22T02:03:00.000Z',
    lastDueAt: '2025-11-22T02:03:00.000Z',
  });
});
