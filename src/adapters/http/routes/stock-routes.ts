import { adjustStock } from '../../../application/stock/count-stock.ts';
import { reconcileStock } from '../../../application/stock/reconcile-stock.ts';
import { HttpProblem } from '../answer.ts';
import { type HttpContext, requesterOf } from '../http-context.ts';
import { reconcileBody, stockAdjustmentBody, stockQuery } from '../oms-schemas.ts';
import { parseInput } from '../parse-input.ts';
import type { Route } from '../route.ts';

export const stockRoutes = (ctx: HttpContext): readonly Route[] => [
  {
    method: 'get',
    path: '/api/oms/stock',
    roles: ['channel', 'operator', 'reporting'],
    tag: 'stock',
    summary: 'Stock per warehouse and SKU: on hand, reserved, available (on hand − reserved), defective (kept apart)',
    query: stockQuery,
    answers: { 422: 'invalid query' },
    handle: async (input) => {
      const filter = parseInput(stockQuery, input.query, 'query');
      return { status: 200, data: await ctx.deps.inventory.levels(filter) };
    },
  },
  {
    method: 'post',
    path: '/api/oms/stock/adjustments',
    roles: ['operator'],
    tag: 'stock',
    summary: 'A stock count: the sellable stock on hand of one SKU in one warehouse is set to what was counted',
    body: stockAdjustmentBody,
    answers: { 422: 'invalid fields' },
    handle: async (input) => {
      const count = parseInput(stockAdjustmentBody, input.body, 'body');
      const applied = await adjustStock(ctx.deps, count);
      return {
        status: 200,
        data: { applied, level: await ctx.deps.inventory.level(count.warehouseCode, count.sku) },
        message: applied ? 'success' : 'already applied',
      };
    },
  },
  {
    method: 'post',
    path: '/api/oms/stock/reconcile',
    roles: ['operator'],
    tag: 'stock',
    summary:
      "Reconcile now: ask the warehouse for its stock snapshot and set every ledger of that warehouse that differs to the warehouse's figure, on hand and defective (each difference a variance)",
    description:
      'The warehouse is the truth for what is on its shelves, the hub for what is reserved: reservations are left as they are. The snapshot lists every SKU the warehouse holds (one it leaves out has none); it is read whole, page by page, before anything is compared, so a snapshot that cannot be read changes nothing (502). A shipment or receipt whose callback has not reached the hub when the snapshot is taken counts twice until the next reconciliation. The answer lists the variances recorded (GET /api/oms/reports/stock-variance keeps them); a variance of more than VARIANCE_ALERT_UNITS units raises an alert. With an Idempotency-Key, a reconciliation sent again changes nothing more.',
    body: reconcileBody,
    answers: { 422: 'invalid fields', 502: 'the warehouse did not give its whole stock snapshot: nothing was changed' },
    handle: async (input) => {
      const { warehouseCode } = parseInput(reconcileBody, input.body, 'body');
      const outcome = await reconcileStock(ctx.deps, warehouseCode, requesterOf(ctx, input).requestId);
      if (!outcome.ok) throw new HttpProblem(502, `${outcome.error}; nothing was changed`);
      const { variances } = outcome.reconciliation;
      return {
        status: 200,
        data: outcome.reconciliation,
        message: variances.length === 0 ? 'the ledgers agree with the shelves' : `${variances.length} variance(s) recorded`,
      };
    },
  },
];
