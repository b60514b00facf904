import { returnOrders } from '../../../application/commands/aggregates.ts';
import { returnStreamName } from '../../../domain/return-order/index.ts';
import { loadState } from '../../../application/commands/handle-command.ts';
import { closeReturn } from '../../../application/returns/close-return.ts';
import { createReturn } from '../../../application/returns/create-return.ts';
import { HttpProblem } from '../answer.ts';
import { type HttpContext, requesterOf } from '../http-context.ts';
import { closeReturnBody, returnBody } from '../oms-schemas.ts';
import { parseInput } from '../parse-input.ts';
import type { Route } from '../route.ts';

const returnOf = async (ctx: HttpContext, returnNo: string) => {
  const state = await loadState(ctx.deps, returnOrders, returnStreamName(returnNo));
  if (state.created === null) throw new HttpProblem(404, `no return ${returnNo}`);
  return { ...state.created, status: state.status, returned: state.returned, anomalies: state.anomalies };
};

export const returnRoutes = (ctx: HttpContext): readonly Route[] => [
  {
    method: 'post',
    path: '/api/oms/returns',
    roles: ['channel', 'operator'],
    tag: 'returns',
    summary:
      'A customer return against a shipped order: only SKUs that shipped, never more than shipped minus already returned; the warehouse is told to expect it (inbound RT-{returnNo})',
    body: returnBody,
    answers: {
      201: 'created',
      404: 'no such order',
      409: 'this returnNo exists with different content, a SKU that never shipped, or more than can still be returned',
      422: 'invalid fields',
    },
    handle: async (input) => {
      const { items, ...body } = parseInput(returnBody, input.body, 'body');
      const { created } = await createReturn(ctx.deps, { ...body, lines: items }, requesterOf(ctx, input).requestId);
      return { status: created ? 201 : 200, data: await returnOf(ctx, body.returnNo), message: created ? 'success' : 'already created' };
    },
  },
  {
    method: 'get',
    path: '/api/oms/returns/{returnNo}',
    roles: ['channel', 'operator', 'reporting'],
    tag: 'returns',
    summary: 'A return: its lines, status and what the inspection found',
    answers: { 404: 'no such return' },
    handle: async (input) => ({ status: 200, data: await returnOf(ctx, input.params.returnNo ?? '') }),
  },
  {
    method: 'post',
    path: '/api/oms/returns/{returnNo}/close',
    roles: ['operator'],
    tag: 'returns',
    summary: 'Close an inspected return',
    body: closeReturnBody,
    answers: { 404: 'no such return', 409: 'not inspected yet' },
    handle: async (input) => {
      const returnNo = input.params.returnNo ?? '';
      await closeReturn(ctx.deps, returnNo, requesterOf(ctx, input));
      return { status: 200, data: await returnOf(ctx, returnNo) };
    },
  },
];
