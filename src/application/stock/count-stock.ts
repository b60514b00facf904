import { onStock } from '../commands/aggregates.ts';
import { newFlow } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import type { StockCondition } from '../../domain/stock-ledger/index.ts';

/** A stock count says how much sellable stock is on hand: the ledger adjusts to it (idempotent by countId). */
export const adjustStock = async (
  deps: Dependencies,
  count: Readonly<{ countId: string; warehouseCode: string; sku: string; countedOnHand: number }>,
): Promise<boolean> => {
  const now = deps.clock.now();
  const { events } = await onStock(
    deps,
    {
      type: 'AdjustStock',
      data: { reference: count.countId, warehouseCode: count.warehouseCode, sku: count.sku, countedOnHand: count.countedOnHand, now },
    },
    newFlow(count.countId, now),
  );
  return events.length > 0;
};

/** Goods put into stock outside an inbound order (opening balances, the sandbox's demo stock). */
export const receiveStock = async (
  deps: Dependencies,
  receipt: Readonly<{ reference: string; warehouseCode: string; sku: string; quantity: number; condition: StockCondition }>,
): Promise<boolean> => {
  const now = deps.clock.now();
  const { events } = await onStock(deps, { type: 'ReceiveStock', data: { ...receipt, now } }, newFlow(receipt.reference, now));
  return events.length > 0;
};
