import { onInbound, onStock } from '../commands/aggregates.ts';
import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { returnInboundNo } from '../../domain/inbound-order/index.ts';
import { eventsOf, reaction } from './reaction.ts';

/**
 * A return inspected → qualified units back to sellable stock, defective units to the
 * warehouse's defective stock (kept apart, never sold), and the return's inbound order closed
 * with what actually came back.
 */
export const restockWhenReturnInspected = (deps: Dependencies) =>
  reaction({
    name: 'restock-when-return-inspected',
    handles: eventsOf('return', ['ReturnInspected']),
    handle: async (event) => {
      const returnNo = event.streamId;
      const { warehouseCode } = event.data;
      const cause = causedBy(event, deps.clock.now());
      const reference = `${returnNo}/${event.data.inspectionNo}`;
      for (const line of event.data.lines) {
        for (const [condition, quantity] of [
          ['SELLABLE', line.qualified],
          ['DEFECTIVE', line.defective],
        ] as const) {
          if (quantity === 0) continue;
          await onStock(
            deps,
            {
              type: 'ReceiveStock',
              data: { reference: `${reference}/${condition}`, warehouseCode, sku: line.sku, quantity, condition, now: deps.clock.now() },
            },
            cause,
          );
        }
      }
      const received = event.data.lines
        .map((line) => ({ sku: line.sku, quantity: line.qualified + line.defective }))
        .filter((line) => line.quantity > 0);
      if (received.length === 0) return;
      await onInbound(
        deps,
        {
          type: 'RecordReceipt',
          data: {
            inboundNo: returnInboundNo(returnNo),
            receiptNo: event.data.inspectionNo,
            lines: received,
            receivedAt: event.data.inspectedAt,
            now: deps.clock.now(),
          },
        },
        cause,
      );
    },
  });
