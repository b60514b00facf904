import { totalsBySku } from '../../domain/kernel/lines.ts';
import type { Line } from '../../domain/kernel/lines.ts';
import { type InboundEvent, inboundOrderDecider, inboundStreamName } from '../../domain/inbound-order/index.ts';
import { onStock } from '../commands/aggregates.ts';
import { causedBy } from '../commands/cause.ts';
import { loadState } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';
import { type Reaction, streamId } from './reaction.ts';

/**
 * Goods of a purchase counted in → sellable stock, the quantities actually received (a receipt
 * that came after the inbound closed is received too: the goods are in the warehouse either way).
 * Returns reach stock through their inspection instead (restock-when-return-inspected).
 */
export const receiveStockWhenPurchaseArrives = (deps: Dependencies): Reaction => ({
  name: 'receive-stock-when-purchase-arrives',
  category: 'inbound',
  handle: async (stored) => {
    const event = stored as unknown as InboundEvent;
    let receipt: Readonly<{ receiptNo: string; lines: readonly Line[] }>;
    if (event.type === 'InboundReceived') receipt = event.data;
    else if (event.type === 'AnomalyDetected' && event.data.kind === 'RECEIPT_AFTER_CLOSE') receipt = event.data;
    else return;
    const inboundNo = streamId(stored.stream);
    const { inbound } = await loadState(deps, inboundOrderDecider, inboundStreamName(inboundNo));
    if (inbound === null || inbound.kind !== 'PURCHASE') return;
    const cause = causedBy(stored, deps.clock.now());
    for (const [sku, quantity] of totalsBySku(receipt.lines)) {
      const reference = `${inboundNo}/${receipt.receiptNo}`;
      await onStock(
        deps,
        {
          type: 'ReceiveStock',
          data: { reference, warehouseCode: inbound.warehouseCode, sku, quantity, condition: 'SELLABLE', now: deps.clock.now() },
        },
        cause,
      );
    }
  },
});
