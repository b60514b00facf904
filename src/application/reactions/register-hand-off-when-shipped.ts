import { onShipment } from '../commands/aggregates.ts';
import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { shippedIn } from '../outbound/shipped-in.ts';
import { eventsOf, reaction } from './reaction.ts';

/**
 * Goods left the warehouse → register the carrier's waybill for hand-off to transport, on its own
 * stream (`shipment-{carrier}.{waybillNo}`), with the consignee the shipment carries (a shipment
 * reported after the order closed travels too).
 */
export const registerHandOffWhenShipped = (deps: Dependencies) =>
  reaction({
    name: 'register-hand-off-when-shipped',
    handles: eventsOf('order', ['ShipmentRecorded', 'AnomalyDetected']),
    handle: async (event) => {
      const shipment = shippedIn(event);
      if (shipment === null || shipment.consignee === null) return;
      await onShipment(
        deps,
        shipment,
        {
          type: 'RegisterShipment',
          data: {
            waybillNo: shipment.waybillNo,
            orderNo: event.streamId,
            carrier: shipment.carrier,
            consignee: shipment.consignee,
            items: shipment.items,
            shippedAt: shipment.shippedAt,
            now: deps.clock.now(),
          },
        },
        causedBy(event, deps.clock.now()),
      );
    },
  });
