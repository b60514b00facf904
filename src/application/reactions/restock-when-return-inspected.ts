import { onInbound, onStock } from '../commands/aggregates.ts';
import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { returnInboundNo } from '../../domain/inbound-order/index.ts';
import type { InspectionLine } from '../../domain/return-order/index.ts';
import { eventsOf, reaction } from './reaction.ts';

/** An inspection's lines summed per SKU and batch (the ledger knows a receipt by its reference, condition and batch). */
const perBatch = (lines: readonly InspectionLine[]): readonly InspectionLine[] => {
  const sums = new Map<string, InspectionLine>();
  for (const line of lines) {
    const key = `${line.sku}\n${line.batchNo ?? ''}`;
    const known = sums.get(key);
    sums.set(
      key,
      known === undefined ? line : { ...known, qualified: known.qualified + line.qualified, defective: known.defective + line.defective },
    );
  }
  return [...sums.values()];
};

/**
 * A return inspected → qualified units back to sellable stock, defective units to the
 * warehouse's defective stock (kept apart, never sold), each into the batch the warehouse names
 * (none named: the "no batch" bucket), and the return's inbound order closed with what actually
 * came back.
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
      for (const line of perBatch(event.data.lines)) {
        for (const [condition, quantity] of [
          ['SELLABLE', line.qualified],
          ['DEFECTIVE', line.defective],
        ] as const) {
          if (quantity === 0) continue;
          await onStock(
            deps,
            {
              type: 'ReceiveStock',
              data: {
                reference: `${reference}/${condition}`,
                warehouseCode,
                sku: line.sku,
                quantity,
                condition,
                now: deps.clock.now(),
                ...(line.batchNo === undefined ? {} : { batchNo: line.batchNo }),
              },
            },
            cause,
          );
        }
      }
      const received = event.data.lines
        .map((line) => ({
          sku: line.sku,
          quantity: line.qualified + line.defective,
          ...(line.batchNo === undefined ? {} : { batchNo: line.batchNo }),
        }))
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
