import { handOffs } from '../../../application/commands/aggregates.ts';
import { shipmentStreamName } from '../../../domain/transport-handoff/index.ts';
import { loadState } from '../../../application/commands/handle-command.ts';
import { retryHandOff } from '../../../application/transport/retry-hand-off.ts';
import { HttpProblem } from '../answer.ts';
import { type HttpContext, requesterOf } from '../http-context.ts';
import { retryBody } from '../oms-schemas.ts';
import { parseInput } from '../parse-input.ts';
import type { Route } from '../route.ts';

const shipmentOf = async (ctx: HttpContext, waybillNo: string) => {
  const state = await loadState(ctx.deps, handOffs, shipmentStreamName(waybillNo));
  if (state.shipment === null) throw new HttpProblem(404, `no shipment ${waybillNo}`);
  return {
    ...state.shipment,
    status: state.status,
    transportRef: state.transportRef,
    push: { attempts: state.push.total, nextAttemptAt: state.push.nextAttemptAt, lastError: state.push.lastError },
  };
};

export const shipmentRoutes = (ctx: HttpContext): readonly Route[] => [
  {
    method: 'get',
    path: '/api/oms/shipments/{waybillNo}',
    tag: 'transport',
    summary: 'A shipment and its hand-off to transport (TMS): status, transportRef, attempts',
    answers: { 404: 'no such shipment' },
    handle: async (input) => ({ status: 200, data: await shipmentOf(ctx, input.params.waybillNo ?? '') }),
  },
  {
    method: 'post',
    path: '/api/oms/shipments/{waybillNo}/retry-handoff',
    tag: 'transport',
    summary: 'Retry now: a new round of hand-offs for a shipment the TMS did not take',
    body: retryBody,
    answers: { 404: 'no such shipment', 409: 'nothing to retry' },
    handle: async (input) => {
      parseInput(retryBody, input.body ?? {}, 'body');
      const waybillNo = input.params.waybillNo ?? '';
      await retryHandOff(ctx.deps, waybillNo, requesterOf(ctx, input));
      return { status: 200, data: await shipmentOf(ctx, waybillNo) };
    },
  },
];
