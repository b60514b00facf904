import { totalsBySku } from '../../domain/kernel/lines.ts';
import { orderStreamName, outboundOrder, reservationReference } from '../../domain/outbound-order/index.ts';
import type { OrderEvent, Shipment } from '../../domain/outbound-order/index.ts';
import { onShipment, onStock } from '../commands/aggregates.ts';
import { causedBy } from '../commands/cause.ts';
import { loadState } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';
import { type Reaction, streamId } from './reaction.ts';

/**
 * Article §3.2 steps 3–4: goods left the warehouse → deduct the *actual* quantities from its
 * ledgers (consuming the order's reservation) and register the waybill for hand-off to transport.
 * A shipment reported after the order closed is deducted too: the goods are gone either way.
 */
export const deductStockWhenShipped = (deps: Dependencies): Reaction => ({
  name: 'deduct-stock-when-shipped',
  category: 'order',
  handle: async (stored) => {
    const event = stored as unknown as OrderEvent;
    let shipment: Shipment;
    let warehouseCode: string | null = null;
    if (event.type === 'ShipmentRecorded') shipment = event.data;
    else if (event.type === 'AnomalyDetected' && event.data.shipment !== null) {
      shipment = event.data.shipment;
      warehouseCode = event.data.warehouseCode;
    } else return;
    const orderNo = streamId(stored.stream);
    const order = await loadState(deps, outboundOrder, orderStreamName(orderNo));
    const cause = causedBy(stored, deps.clock.now());
    const now = deps.clock.now();
    for (const [sku, quantity] of totalsBySku(shipment.items)) {
      await onStock(
        deps,
        {
          type: 'DeductStock',
          data: {
            reference: shipment.waybillNo,
            reservation: reservationReference(orderNo, order.reservationNo),
            warehouseCode: warehouseCode ?? order.warehouseCode,
            sku,
            quantity,
            now,
          },
        },
        cause,
      );
    }
    if (order.consignee === null) return;
    await onShipment(
      deps,
      shipment.waybillNo,
      {
        type: 'RegisterShipment',
        data: {
          waybillNo: shipment.waybillNo,
          orderNo,
          carrier: shipment.carrier,
          consignee: order.consignee,
          items: shipment.items,
          shippedAt: shipment.shippedAt,
          now,
        },
      },
      cause,
    );
  },
});
