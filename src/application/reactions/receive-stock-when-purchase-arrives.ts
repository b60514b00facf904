import type { Line } from '../../domain/kernel/lines.ts';
import { onStock } from '../commands/aggregates.ts';
import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { eventsOf, reaction } from './reaction.ts';

/** A receipt's lines summed per SKU and batch, each with the first dates the receipt gave its batch. */
const perBatch = (lines: readonly Line[]): readonly Line[] => {
  const sums = new Map<string, Line>();
  for (const line of lines) {
    const key = `${line.sku}\n${line.batchNo ?? ''}`;
    const known = sums.get(key);
    sums.set(
      key,
      known === undefined
        ? line
        : {
            ...known,
            quantity: known.quantity + line.quantity,
            productionDate: known.productionDate ?? line.productionDate,
            expiryDate: known.expiryDate ?? line.expiryDate,
          },
    );
  }
  return [...sums.values()].filter((line) => line.quantity > 0);
};

/**
 * Goods of a purchase counted in → sellable stock, the quantities actually received (a receipt
 * that came after the inbound closed is received too: the goods are in the warehouse either way),
 * per SKU and batch: a line that names a batch goes into that batch of the ledger, with the dates
 * the warehouse gave it. Returns reach stock through their inspection instead (restock-when-return-inspected).
 */
export const receiveStockWhenPurchaseArrives = (deps: Dependencies) =>
  reaction({
    name: 'receive-stock-when-purchase-arrives',
    handles: eventsOf('inbound', ['InboundReceived', 'AnomalyDetected']),
    handle: async (event) => {
      const { receiptNo, lines, destination } = event.data;
      if (destination.kind !== 'PURCHASE') return;
      const cause = causedBy(event, deps.clock.now());
      const reference = `${event.streamId}/${receiptNo}`;
      for (const { sku, quantity, batchNo, productionDate, expiryDate } of perBatch(lines)) {
        await onStock(
          deps,
          {
            type: 'ReceiveStock',
            data: {
              reference,
              warehouseCode: destination.warehouseCode,
              sku,
              quantity,
              condition: 'SELLABLE',
              now: deps.clock.now(),
              ...(batchNo === undefined ? {} : { batchNo, productionDate, expiryDate }),
            },
          },
          cause,
        );
      }
    },
  });
