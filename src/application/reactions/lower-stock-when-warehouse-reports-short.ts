import { totalsBySku } from '../../domain/kernel/lines.ts';
import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { recordVariance } from '../stock/record-variance.ts';
import { eventsOf, reaction } from './reaction.ts';

/**
 * The warehouse reported it cannot ship some units → they are not on its shelves: on hand at that
 * warehouse goes down by the units short (a variance, docs/architecture.md#stock-ledger), so that
 * nothing is reserved or backordered against them, and releasing the order's reservation does
 * not make them available again. A shortage the hub found at reservation is not a fact about the
 * shelves and changes nothing. Each ledger knows the variance by the order and the report's key,
 * so a redelivered report (or this reaction run twice) lowers on hand once.
 */
export const lowerStockWhenWarehouseReportsShort = (deps: Dependencies) =>
  reaction({
    name: 'lower-stock-when-warehouse-reports-short',
    handles: eventsOf('order', ['StockShortageDetected']),
    handle: async (event) => {
      const { source, warehouseCode, lines, reportKey } = event.data;
      if (source !== 'WMS') return;
      const orderNo = event.streamId;
      const cause = causedBy(event, deps.clock.now());
      for (const [sku, quantity] of totalsBySku(lines)) {
        await recordVariance(
          deps,
          {
            reference: `${orderNo}/${reportKey}`,
            warehouseCode,
            sku,
            source: 'WMS_SHORTAGE',
            condition: 'SELLABLE',
            shelf: { kind: 'CHANGED_BY', quantity: -quantity },
            reason: `${warehouseCode} reported ${sku}×${quantity} short for ${orderNo}`,
            batchNo: null,
          },
          cause,
        );
      }
    },
  });
