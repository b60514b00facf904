import { handOffs } from '../../../application/commands/aggregates.ts';
import { isIdentifier } from '../../../domain/kernel/identifiers.ts';
import type { Waybill } from '../../../domain/kernel/waybill.ts';
import { shipmentStreamName } from '../../../domain/transport-handoff/index.ts';
import { loadState } from '../../../application/commands/handle-command.ts';
import { retryHandOff } from '../../../application/transport/retry-hand-off.ts';
import { HttpProblem } from '../answer.ts';
import { type HttpContext, requesterOf } from '../http-context.ts';
import { retryBody } from '../oms-schemas.ts';
import { parseInput } from '../parse-input.ts';
import type { Route, RouteInput } from '../route.ts';

/**
 * The shipment a path names: a carrier's waybill (a waybill number is unique per carrier only). A
 * carrier that is not a code names none (its `.` would read as the end of another carrier's code).
 */
const waybillOf = (input: RouteInput): Waybill => {
  const waybill = { carrier: input.params.carrier ?? '', waybillNo: input.params.waybillNo ?? '' };
  if (!isIdentifier('carrier', waybill.carrier))
    throw new HttpProblem(404, `no shipment of carrier ${waybill.carrier}: carriers are named by their code (SF, YTO, …)`);
  return waybill;
};

const shipmentOf = async (ctx: HttpContext, waybill: Waybill) => {
  const state = await loadState(ctx.deps, handOffs, shipmentStreamName(waybill));
  if (state.shipment === null) throw new HttpProblem(404, `no shipment ${waybill.waybillNo} of ${waybill.carrier}`);
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
    path: '/api/oms/shipments/{carrier}/{waybillNo}',
    roles: ['channel', 'carrier', 'operator', 'reporting'],
    tag: 'transport',
    summary: "A shipment, by its carrier's code and waybill number, and its hand-off to transport (TMS): status, transportRef, attempts",
    answers: { 404: 'no such shipment' },
    handle: async (input) => ({ status: 200, data: await shipmentOf(ctx, waybillOf(input)) }),
  },
  {
    method: 'post',
    path: '/api/oms/shipments/{carrier}/{waybillNo}/retry-handoff',
    roles: ['operator'],
    tag: 'transport',
    summary: 'Retry now: a new round of hand-offs for a shipment the TMS did not take',
    body: retryBody,
    answers: { 404: 'no such shipment', 409: 'nothing to retry' },
    handle: async (input) => {
      parseInput(retryBody, input.body ?? {}, 'body');
      const waybill = waybillOf(input);
      await retryHandOff(ctx.deps, waybill, requesterOf(ctx, input));
      return { status: 200, data: await shipmentOf(ctx, waybill) };
    },
  },
];
