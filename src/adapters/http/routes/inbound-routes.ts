import { inboundOrders } from '../../../application/commands/aggregates.ts';
import { inboundStreamName } from '../../../domain/inbound-order/index.ts';
import { loadState } from '../../../application/commands/handle-command.ts';
import { createPurchaseInbound } from '../../../application/inbound/create-inbound.ts';
import { retryInboundPush } from '../../../application/inbound/retry-inbound-push.ts';
import { HttpProblem } from '../answer.ts';
import { type HttpContext, requesterOf } from '../http-context.ts';
import { purchaseInboundBody, retryBody } from '../oms-schemas.ts';
import { parseInput } from '../parse-input.ts';
import type { Route } from '../route.ts';

const inboundOf = async (ctx: HttpContext, inboundNo: string) => {
  const state = await loadState(ctx.deps, inboundOrders, inboundStreamName(inboundNo));
  if (state.inbound === null) throw new HttpProblem(404, `no inbound ${inboundNo}`);
  const { inbound, status, wmsInboundNo, push, received, anomalies } = state;
  return {
    ...inbound,
    status,
    wmsInboundNo,
    push: { attempts: push.total, nextAttemptAt: push.nextAttemptAt, lastError: push.lastError },
    received,
    anomalies,
  };
};

export const inboundRoutes = (ctx: HttpContext): readonly Route[] => [
  {
    method: 'post',
    path: '/api/oms/inbound-orders',
    roles: ['operator'],
    tag: 'inbound',
    summary: 'A purchase receipt to expect (supplier, PO number): pushed to the WMS with the same retry rules as outbound orders',
    description:
      'The same inboundNo with the same body again answers 200; with a different body, 409. Return receipts are created by POST /api/oms/returns.',
    body: purchaseInboundBody,
    answers: { 201: 'created', 409: 'this inboundNo exists with different content', 422: 'invalid fields' },
    handle: async (input) => {
      const { items, ...body } = parseInput(purchaseInboundBody, input.body, 'body');
      const { created } = await createPurchaseInbound(ctx.deps, { ...body, lines: items }, requesterOf(ctx, input).requestId);
      return { status: created ? 201 : 200, data: await inboundOf(ctx, body.inboundNo), message: created ? 'success' : 'already created' };
    },
  },
  {
    method: 'get',
    path: '/api/oms/inbound-orders/{inboundNo}',
    roles: ['operator', 'reporting'],
    tag: 'inbound',
    summary: 'An inbound order: status, WMS number, push attempts, what was received',
    answers: { 404: 'no such inbound order' },
    handle: async (input) => ({ status: 200, data: await inboundOf(ctx, input.params.inboundNo ?? '') }),
  },
  {
    method: 'post',
    path: '/api/oms/inbound-orders/{inboundNo}/retry-push',
    roles: ['operator'],
    tag: 'inbound',
    summary: 'Retry now: a new round of pushes for an inbound order the WMS did not take',
    body: retryBody,
    answers: { 404: 'no such inbound order', 409: 'nothing to retry' },
    handle: async (input) => {
      const inboundNo = input.params.inboundNo ?? '';
      await retryInboundPush(ctx.deps, inboundNo, requesterOf(ctx, input));
      return { status: 200, data: await inboundOf(ctx, inboundNo) };
    },
  },
];
