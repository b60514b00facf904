import { totalsBySku } from '../../domain/kernel/lines.ts';
import { waybillId } from '../../domain/kernel/waybill.ts';
import { reservationReference } from '../../domain/outbound-order/index.ts';
import { onStock } from '../commands/aggregates.ts';
import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { shippedIn } from '../outbound/shipped-in.ts';
import { eventsOf, reaction } from './reaction.ts';

/**
 * Goods left the warehouse → deduct the *actual* quantities from its ledgers, consuming the
 * order's reservation (docs/architecture.md#reactions). A shipment reported after the order
 * closed is deducted too: the goods are gone either way. The shipment says which warehouse and
 * reservation round it left under (the warehouse whose WMS gave the outbound number it names,
 * whatever the order's current warehouse), so the order is not read again. Each ledger knows the
 * deduction by the carrier's waybill (`{carrier}.{waybillNo}`): the same number from another
 * carrier is another shipment.
 */
export const deductStockWhenShipped = (deps: Dependencies) =>
  reaction({
    name: 'deduct-stock-when-shipped',
    handles: eventsOf('order', ['ShipmentRecorded', 'AnomalyDetected']),
    handle: async (event) => {
      const shipment = shippedIn(event);
      if (shipment === null) return;
      const cause = causedBy(event, deps.clock.now());
      const reservation = reservationReference(event.streamId, shipment.reservationNo);
      for (const [sku, quantity] of totalsBySku(shipment.items)) {
        await onStock(
          deps,
          {
            type: 'DeductStock',
            data: {
              reference: waybillId(shipment),
              reservation,
              warehouseCode: shipment.warehouseCode,
              sku,
              quantity,
              now: deps.clock.now(),
            },
          },
          cause,
        );
      }
    },
  });
