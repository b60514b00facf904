/**
 * A warehouse tells the hub of a stock change it made itself (`POST /api/oms/stock/changes`):
 * damage, a find, a write-off, a move between sellable and defective. Each line becomes a variance
 * on its ledger (docs/architecture.md#stock-reconciliation), idempotent by the change id.
 */
import type { JsonValue } from '../../../application/ports/event-store.ts';
import { recordStockChange } from '../../../application/stock/record-stock-change.ts';
import { stockChangeCallback } from '../../wms/wms-wire.ts';
import type { HttpContext } from '../http-context.ts';
import { parseInput } from '../parse-input.ts';
import { reportsFor } from '../reports-for.ts';
import type { Route } from '../route.ts';
import { StampingStore } from '../stamping-store.ts';

export const stockChangeRoutes = (ctx: HttpContext): readonly Route[] => [
  {
    method: 'post',
    path: '/api/oms/stock/changes',
    roles: ['warehouse'],
    warehouseMessage: true,
    tag: 'warehouse callbacks',
    summary:
      'The warehouse changed its stock itself (damage, a find, a write-off, sellable to defective): each line moves on hand or defective by its signed quantity, a variance',
    description:
      'Applied once per `changeId`: the same change sent again answers 200 with `applied: false` (its lines are known by their position, so a change id names one message, never reused for another). The warehouse code and every SKU are checked before any line is applied. A line of more than VARIANCE_ALERT_UNITS units raises an alert. Batches are kept with each variance, not counted apart.',
    body: stockChangeCallback,
    answers: { 422: 'invalid fields (nothing is applied)' },
    handle: async (input) => {
      const body = parseInput(stockChangeCallback, input.body, 'body');
      reportsFor(input.caller, body.warehouseCode, { no: body.changeId, warehouseCode: null });
      // every event the change causes keeps it, raw, in its metadata (`metadata.callback`), and the message it was kept as
      const callback = {
        endpoint: '/api/oms/stock/changes',
        body: input.body as JsonValue,
        ...(input.messageId === undefined ? {} : { messageId: input.messageId }),
      };
      const deps = { ...ctx.deps, store: new StampingStore(ctx.deps.store, () => ({ callback })) };
      const { changed, variances } = await recordStockChange(deps, {
        changeId: body.changeId,
        warehouseCode: body.warehouseCode,
        lines: body.lines.map((line) => ({
          sku: line.sku,
          quantity: line.quantity,
          reason: line.reason,
          condition: line.inventoryType,
          batchNo: line.batchNo ?? null,
        })),
      });
      return {
        status: 200,
        data: { applied: changed, changeId: body.changeId, warehouseCode: body.warehouseCode, variances },
        message: changed ? 'success' : 'already applied',
      };
    },
  },
];
