import { totalsBySku } from '../../domain/kernel/lines.ts';
import { onStock } from '../commands/aggregates.ts';
import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { eventsOf, reaction } from './reaction.ts';

/**
 * Goods of a purchase counted in → sellable stock, the quantities actually received (a receipt
 * that came after the inbound closed is received too: the goods are in the warehouse either way).
 * Returns reach stock through their inspection instead (restock-when-return-inspected).
 */
export const receiveStockWhenPurchaseArrives = (deps: Dependencies) =>
  reaction({
    name: 'receive-stock-when-purchase-arrives',
    handles: eventsOf('inbound', ['InboundReceived', 'AnomalyDetected']),
    handle: async (event) => {
      const { receiptNo, lines, destination } = event.data;
      if (destination.kind !== 'PURCHASE') return;
      const cause = causedBy(event, deps.clock.now());
      for (const [sku, quantity] of totalsBySku(lines)) {
        const reference = `${event.streamId}/${receiptNo}`;
        await onStock(
          deps,
          {
            type: 'ReceiveStock',
            data: { reference, warehouseCode: destination.warehouseCode, sku, quantity, condition: 'SELLABLE', now: deps.clock.now() },
          },
          cause,
        );
      }
    },
  });
