/**
 * The order list's row is a pure function of the order's state, as the decider folds it, and of
 * the moments the events carry; the projection keeps nothing else of an order, and restores the
 * state from the row before each event. Whatever an order lives through, the row must say what the
 * decider's state says.
 */
import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { reportingCalendar } from '../../../src/application/projections/calendar.ts';
import { type OrderListRow, type OrderMoments, orderList } from '../../../src/application/projections/order-list.ts';
import { advanceOrderRow, orderRowOf, orderStateOf, placedRow } from '../../../src/application/projections/order-row.ts';
import { ordersProjection } from '../../../src/application/projections/orders.ts';
import type { Row } from '../../../src/application/projections/projection.ts';
import { type OrderState, orderStreamName } from '../../../src/domain/outbound-order/index.ts';
import { decoded } from '../../support/decode.ts';
import { accepted, life, play } from '../../domain/outbound-order/order-model.ts';
import { EventLog, projector } from './projection-harness.ts';

const stream = orderStreamName('OMS202511220001');
const key = JSON.stringify(['OMS202511220001']);
const context = reportingCalendar('Asia/Shanghai');

/** What the row says of the order, as the decider's state says it (the columns the reports read). */
const asTrack = (state: OrderState) => ({
  status: state.status,
  warehouseCode: state.warehouseCode,
  progress: state.progress,
  statusBeforeCancel: state.statusBeforeCancel,
  outboundNo: state.outboundNo,
  lines: state.lines.map((l) => [l.sku, l.ordered, l.shipped, l.backordered, l.cancelled]),
  manualReason: state.manual?.reason ?? null,
  manualDetail: state.manual?.detail ?? null,
  attempts: state.push.total,
  lastError: state.push.lastError,
  anomalies: state.anomalies,
  closedAt: state.closedAt,
});

const momentsOf = (row: OrderListRow): OrderMoments => ({
  placedMs: row.placedMs,
  placedDay: row.placedDay,
  pushedMs: row.pushedMs,
  shippedAt: row.shippedAt,
  shippedMs: row.shippedMs,
  shippedDay: row.shippedDay,
  manualSince: row.manualSince,
  manualSinceMs: row.manualSinceMs,
  updatedAt: row.updatedAt,
  revision: row.revision,
});

describe('the order row follows the decider', () => {
  test.prop([life], { numRuns: 400 })(
    'after every step of any life, the row (read back from its table) is the pure function of the decider’s state',
    (lifeOf) => {
      const log = new EventLog();
      const orders = projector(ordersProjection);
      for (const turn of play(lifeOf)) {
        if (!accepted(turn)) continue;
        const from = log.all().length;
        log.add(stream, ...turn.events);
        orders.feed(log.all().slice(from));
        if (turn.after.status === 'NONE') continue;
        const row = orders.tables.get(orderList.name)?.get(key) as Row as OrderListRow;
        expect(row).toMatchObject(asTrack(turn.after));
        expect(row).toEqual(orderRowOf(turn.after, momentsOf(row)));
        expect(row.manualSince === null).toBe(turn.after.manual === null);
        // what the state is restored to from the row gives the row back (the consignee's name is carried)
        expect({ ...orderRowOf(orderStateOf(row), momentsOf(row)), consignee: row.consignee }).toEqual(row);
      }
    },
  );

  test.prop([life], { numRuns: 200 })('advancing never changes the row it is given', (lifeOf) => {
    const log = new EventLog();
    let row: OrderListRow | null = null;
    for (const turn of play(lifeOf)) {
      if (!accepted(turn)) continue;
      const from = log.all().length;
      log.add(stream, ...turn.events);
      for (const stored of log.all().slice(from)) {
        const event = decoded(stored);
        if (event.category !== 'order') continue;
        if (event.type === 'OrderPlaced') {
          row ??= placedRow(event, context);
          continue;
        }
        if (row === null) continue;
        const before = JSON.stringify(row);
        const next = advanceOrderRow(row, event, context);
        expect(JSON.stringify(row)).toBe(before);
        row = next;
      }
    }
  });
});
