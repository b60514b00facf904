/**
 * What an order can be found by (`GET /api/oms/reports/orders?q=`): one row per term and order,
 * the term being exactly one of its numbers: its orderNo (when placed), an outboundNo a warehouse
 * gave it (or a person keyed in), the waybill number of one of its shipments (one reported after
 * the order closed too), a SKU of its lines. A term is never taken back: an order rerouted keeps
 * the outboundNo of the warehouse it left.
 *
 * Each row carries when its order was placed, so that the order list pages through one term's
 * orders in its own order (newest placed first) from the index, however many orders share the
 * term (a SKU on every order), instead of sorting them all for each page.
 */
import { NOTHING, type Projection, type ReadRow, type RowOperation, put, table } from './projection.ts';

export type OrderSearchRow = Readonly<{ term: string; orderNo: string; placedMs: number }>;

export const orderSearch = table<OrderSearchRow, 'term' | 'orderNo'>({
  name: 'order_search',
  columns: { term: 'text', orderNo: 'text', placedMs: 'integer' },
  key: ['term', 'orderNo'],
  indexes: [['term', 'placedMs DESC', 'orderNo']],
});

const rows = (orderNo: string, placedMs: number, terms: readonly string[]): readonly RowOperation[] =>
  [...new Set(terms)].map((term) => put(orderSearch, { term, orderNo, placedMs }));

/** Terms found after the placement: filed under the order's placement (none before it: the order list has no row either). */
const later = (read: ReadRow, orderNo: string, terms: readonly string[]): readonly RowOperation[] => {
  const placement = read(orderSearch, { term: orderNo, orderNo });
  return placement === undefined ? NOTHING : rows(orderNo, placement.placedMs, terms);
};

export const orderSearchProjection: Projection = {
  name: 'order-search',
  version: 1,
  description:
    "what an order is found by, exactly: its orderNo, the outboundNo a warehouse gave it, its shipments' waybill numbers, its SKUs",
  categories: ['order'],
  tables: [orderSearch],
  evolve: (event, read, { millisOf }) => {
    if (event.category !== 'order') return NOTHING;
    const orderNo = event.streamId;
    switch (event.type) {
      case 'OrderPlaced':
        return rows(orderNo, millisOf(event.data.placedAt), [orderNo, ...event.data.items.map((line) => line.sku)]);
      case 'PushSucceeded':
      case 'ManualInterventionResolved':
        return later(read, orderNo, [event.data.outboundNo]);
      case 'ShipmentRecorded':
        return later(read, orderNo, [event.data.waybillNo]);
      case 'AnomalyDetected':
        return event.data.shipment === null ? NOTHING : later(read, orderNo, [event.data.shipment.waybillNo]);
      default:
        return NOTHING;
    }
  },
};
