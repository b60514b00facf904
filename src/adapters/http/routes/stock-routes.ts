import { adjustStock } from '../../../application/stock/count-stock.ts';
import type { HttpContext } from '../http-context.ts';
import { stockAdjustmentBody, stockQuery } from '../oms-schemas.ts';
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
];
