import { describe, expect, it } from 'vitest';
import { orderSearch, orderSearchProjection } from '../../../src/application/projections/order-search.ts';
import { orderStreamName } from '../../../src/domain/outbound-order/index.ts';
import {
  T0,
  anomaly,
  articleOrder,
  articleShipment,
  at,
  atTheWms,
  line,
  picking,
  placed,
  pushed,
  shipped,
  withContext,
} from '../../domain/outbound-order/order-fixtures.ts';
import { EventLog, project, rowsOf } from './projection-harness.ts';

const article = orderStreamName('OMS202511220001');
const search = (log: EventLog) => rowsOf(project(orderSearchProjection, log.all()), orderSearch.name);

describe('order search: the terms an order is found by, exactly', () => {
  it('placed: its orderNo and each SKU of its lines, once each', () => {
    const log = new EventLog().add(article, placed(articleOrder({ items: [line('SKU001', 2), line('SKU002', 1), line('SKU001', 3)] })));
    const placedMs = Date.parse(T0);
    expect(search(log)).toEqual([
      { term: 'OMS202511220001', orderNo: 'OMS202511220001', placedMs },
      { term: 'SKU001', orderNo: 'OMS202511220001', placedMs },
      { term: 'SKU002', orderNo: 'OMS202511220001', placedMs },
    ]);
  });

  it("pushed and shipped: the warehouse's outboundNo and the waybill numbers of its shipments, filed under the placement; progress adds nothing", () => {
    const log = new EventLog()
      .add(article, ...atTheWms(), picking())
      .at(at(60))
      .add(article, shipped(articleShipment({ waybillNo: 'SF1', items: [line('SKU001', 1)] })))
      .add(article, shipped(articleShipment({ waybillNo: 'SF2', items: [line('SKU001', 1)] })));
    const rows = search(log);
    expect(rows.map((row) => row.term)).toEqual(['OMS202511220001', 'SF1', 'SF2', 'SKU001', 'WMS202511220001']);
    expect(new Set(rows.map((row) => row.placedMs))).toEqual(new Set([Date.parse(T0)]));
  });

  it('a shipment reported on an order never placed files nothing (the order list has no row for it either)', () => {
    const log = new EventLog().add(orderStreamName('GHOST1'), shipped(articleShipment({ waybillNo: 'SF9' }), at(1), { consignee: null }));
    expect(search(log)).toEqual([]);
  });

  it('a rerouted order keeps the outboundNo of the warehouse it left; a shipment reported after it closed is still one of its shipments', () => {
    const log = new EventLog()
      .add(article, ...atTheWms(), pushed(2, 'WMS-WH002-9', at(40), 'WH002'))
      .add(
        article,
        anomaly('SHIPPED_AFTER_CLOSE', 'shipped after close', at(50), { shipment: withContext(articleShipment({ waybillNo: 'YT77' })) }),
      )
      .add(article, anomaly('PROGRESS_AFTER_CANCEL', 'picking after cancel', at(51)));
    expect(search(log).map((row) => row.term)).toEqual(['OMS202511220001', 'SKU001', 'WMS-WH002-9', 'WMS202511220001', 'YT77']);
  });

  it('orders sharing a SKU are each found by it', () => {
    const other = articleOrder({ orderNo: 'OMS2', items: [line('SKU001', 1)] });
    const log = new EventLog().add(article, placed()).add(orderStreamName('OMS2'), placed(other));
    expect(search(log).filter((row) => row.term === 'SKU001')).toEqual([
      { term: 'SKU001', orderNo: 'OMS2', placedMs: Date.parse(T0) },
      { term: 'SKU001', orderNo: 'OMS202511220001', placedMs: Date.parse(T0) },
    ]);
  });
});
