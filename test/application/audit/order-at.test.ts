/**
 * Time travel over an order's events (`oms history --at`, `GET /api/oms/orders/{orderNo}?at=`):
 * the order as it stood at an instant, folded from the events recorded at or before it, each
 * event with what caused it. Also the small pure pieces the CLI reads its arguments with.
 */
import { describe, expect, test } from 'vitest';
import { canonicalJson } from '../../../src/application/audit/canonical-json.ts';
import { exportLine, isAfterStart, isBeforeEnd, isPastEnd, parseBound } from '../../../src/application/audit/export-lines.ts';
import { orderAt, readOrderAt } from '../../../src/application/audit/order-at.ts';
import { EventReader } from '../../../src/application/events/event-reader.ts';
import { instantAt } from '../../../src/application/audit/point-in-time.ts';
import { type RecordedEvent, isOfCategory } from '../../../src/application/events/recorded-event.ts';
import { ZodEventDecoder } from '../../../src/adapters/event-codec/zod-event-decoder.ts';
import { MemoryEventStore } from '../../../src/adapters/event-store/memory/memory-event-store.ts';
import type { StoredEvent } from '../../../src/application/ports/event-store.ts';
import { type OrderEvent, outboundOrder } from '../../../src/domain/outbound-order/index.ts';
import { articleOrderLife, at } from '../../domain/outbound-order/order-fixtures.ts';
import { eventsOf, run } from '../../support/arbitraries-decider.ts';
import { decoded } from '../../support/decode.ts';
import { storedStream } from './stored-events.ts';

const callback = {
  endpoint: '/api/oms/outbound/callback',
  body: { orderNo: 'OMS202511220001', waybillNo: 'SF1', shippedTime: '2025-11-22T11:00:00' },
};
// placed at T0 (10:00 in Shanghai), reserved and pushed a minute later, shipped (by a callback) an hour later
const [placement, reservation, reserved, pushed, shipped] = eventsOf(
  run(outboundOrder, articleOrderLife({ pushed: at(1), recorded: at(60) })),
) as [OrderEvent, OrderEvent, OrderEvent, OrderEvent, OrderEvent];
const stored = storedStream('order-OMS202511220001', [
  { ...placement, recordedAt: at(0), metadata: { correlationId: 'req-1', causationId: 'req-1' } },
  { ...reservation, recordedAt: at(0), metadata: { correlationId: 'req-1', causationId: 'req-1' } },
  { ...reserved, recordedAt: at(1), metadata: { correlationId: 'req-1', causationId: 'stock-event-9' } },
  { ...pushed, recordedAt: at(1), metadata: { correlationId: 'req-1', causationId: 'order-OMS202511220001#2' } },
  { ...shipped, recordedAt: at(60), metadata: { correlationId: 'callback:SF1', causationId: 'callback:SF1', callback } },
]);
const events = stored.map(decoded).filter((event): event is RecordedEvent<'order'> => isOfCategory(event, 'order'));

describe('orderAt: the order as it stood then', () => {
  test('before it was placed there is no order; each later instant shows the prefix of the stream recorded by then', () => {
    const before = orderAt('OMS202511220001', events, '2025-11-22T01:59:59.999Z');
    expect(before).toMatchObject({ view: null, state: null, events: [], later: 5 });
    expect(orderAt('OMS202511220001', events, at(0)).view).toMatchObject({
      status: 'CREATED',
      revision: '1',
      lines: [{ sku: 'SKU001', ordered: 2, shipped: 0 }],
    });
    const pushedThen = orderAt('OMS202511220001', events, at(30));
    expect(pushedThen.view).toMatchObject({ status: 'PUSHED_TO_WMS', outboundNo: 'WMS1', updatedAt: at(1), revision: '3' });
    expect(pushedThen.events.map((e) => e.type)).toEqual(['OrderPlaced', 'ReservationRequested', 'StockReserved', 'PushSucceeded']);
    expect(pushedThen.later).toBe(1);
    expect(orderAt('OMS202511220001', events, at(60)).view).toMatchObject({ status: 'SHIPPED', shipments: [{ waybillNo: 'SF1' }] });
  });

  test('instants are compared as instants, whatever their offset', () => {
    expect(orderAt('OMS202511220001', events, '2025-11-22T10:30:00.000+08:00').view?.status).toBe('PUSHED_TO_WMS');
    expect(orderAt('OMS202511220001', events, '2025-11-22T04:00:00+01:00').view?.status).toBe('SHIPPED');
  });

  test('without an instant: everything so far, as the order stands now', () => {
    const now = orderAt('OMS202511220001', events, null);
    expect(now).toMatchObject({ at: null, later: 0, view: { status: 'SHIPPED', revision: '4' } });
    expect(now.state?.lines).toEqual([{ sku: 'SKU001', batchNo: 'BATCH001', ordered: 2, shipped: 2, backordered: 0, cancelled: 0 }]);
  });

  test('each event says what caused it: its ids, the causing event (in the stream, or found by the lookup), the raw callback', () => {
    const lookup = new Map([['stock-event-9', { stream: 'stock-WH001.SKU001', revision: '7', type: 'StockReserved' }]]);
    const { events: history } = orderAt('OMS202511220001', events, null, lookup);
    expect(history[0]).toMatchObject({ revision: '0', correlationId: 'req-1', causationId: 'req-1', causedBy: null, callback: null });
    expect(history[2]?.causedBy).toEqual({ stream: 'stock-WH001.SKU001', revision: '7', type: 'StockReserved' });
    expect(history[3]?.causedBy).toEqual({ stream: 'order-OMS202511220001', revision: '2', type: 'StockReserved' });
    expect(history[4]).toMatchObject({ type: 'ShipmentRecorded', causationId: 'callback:SF1', callback: { ...callback, carriedBy: '4' } });
    expect(history[4]?.position).toMatch(/^\d+\/\d+$/);
  });
});

describe('readOrderAt: the order read from the store, decoded', () => {
  test('a shipment stored before it carried the order’s context is completed from the order before it', async () => {
    const store = new MemoryEventStore();
    const older = stored.map((event) => {
      if (event.type !== 'ShipmentRecorded') return event;
      const { warehouseCode: _w, reservationNo: _r, consignee: _c, ...reported } = event.data as Record<string, unknown>;
      return { ...event, data: reported };
    });
    await store.append('order-OMS202511220001', older, 'no_stream');
    const now = await readOrderAt(new EventReader(store, new ZodEventDecoder()), 'OMS202511220001', null);
    expect(now).toMatchObject({ later: 0, view: { status: 'SHIPPED', shipments: [{ waybillNo: 'SF1' }] } });
    expect(now.events[4]?.data).toMatchObject({ waybillNo: 'SF1', warehouseCode: 'WH001', reservationNo: 1, consignee: { name: '张三' } });
    expect(now.state).toEqual(orderAt('OMS202511220001', events, null).state);
  });
});

describe('reading times and bounds', () => {
  test('a time with an offset is kept; a local one is read in the zone; a date is its midnight; nonsense is null', () => {
    expect(instantAt('2025-11-22T10:00:00+08:00', 'Europe/Paris')).toBe('2025-11-22T10:00:00.000+08:00');
    expect(instantAt('2025-11-22T02:00:00Z', 'Asia/Shanghai')).toBe('2025-11-22T02:00:00.000Z');
    expect(instantAt('2025-11-22T10:00:00', 'Asia/Shanghai')).toBe('2025-11-22T10:00:00.000+08:00');
    expect(instantAt('2025-11-22 10:00', 'Asia/Shanghai')).toBe('2025-11-22T10:00:00.000+08:00');
    expect(instantAt('2025-11-22', 'Asia/Shanghai')).toBe('2025-11-22T00:00:00.000+08:00');
    for (const nonsense of ['yesterday', '', '2025-13-40T10:00:00', '10:00']) expect(instantAt(nonsense, 'Asia/Shanghai')).toBeNull();
  });

  test('export bounds: digits are positions, anything else a time; both ends inclusive', () => {
    expect(parseBound('42', 'Asia/Shanghai')).toEqual({ kind: 'position', position: { commit: 42n, prepare: 42n } });
    expect(parseBound('1024/1000', 'Asia/Shanghai')).toEqual({ kind: 'position', position: { commit: 1024n, prepare: 1000n } });
    expect(parseBound('2025-11-22T10:00:00', 'Asia/Shanghai')).toEqual({ kind: 'time', instant: '2025-11-22T10:00:00.000+08:00' });
    expect(parseBound('soon', 'Asia/Shanghai')).toBeNull();
    const [first, second, third, , fifth] = stored as [StoredEvent, StoredEvent, StoredEvent, StoredEvent, StoredEvent];
    const from = parseBound(String(second.position.commit), 'UTC');
    if (from === null) throw new Error('a position');
    expect(isAfterStart(first, from)).toBe(false);
    expect(isAfterStart(second, from)).toBe(true);
    expect(isBeforeEnd(second, from)).toBe(true);
    expect(isPastEnd(third, from)).toBe(true);
    expect(isBeforeEnd(fifth, { kind: 'time', instant: at(59) })).toBe(false);
  });

  test('an export line: fixed top-level order, sorted keys inside, one line', () => {
    const line = exportLine({ ...(stored[0] as StoredEvent), data: { b: 1, a: { d: [{ z: 1, y: 2 }], c: null } } });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(Object.keys(JSON.parse(line))).toEqual(['stream', 'revision', 'position', 'id', 'type', 'data', 'metadata']);
    expect(line).toContain('"data":{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ b: [3, { d: 1, c: 2 }], a: '张三' })).toBe('{"a":"张三","b":[3,{"c":2,"d":1}]}');
  });
});
