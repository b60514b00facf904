import { inboundOrders, orders, returnOrders } from '../../../application/commands/aggregates.ts';
import { returnStreamName } from '../../../domain/return-order/index.ts';
import { waybillId } from '../../../domain/kernel/waybill.ts';
import { type Caller, actsAs } from '../../credentials/callers.ts';
import { reportsFor } from '../reports-for.ts';
import type { z } from 'zod';
import { Refused } from '../../../domain/kernel/refused.ts';
import { inboundStreamName } from '../../../domain/inbound-order/index.ts';
import { type OrderState, orderStreamName, warehouseOfOutbound } from '../../../domain/outbound-order/index.ts';
import type { Dependencies } from '../../../application/dependencies.ts';
import { applyWarehouseReport } from '../apply-warehouse-report.ts';
import { StampingStore } from '../stamping-store.ts';
import { replayQimen } from '../../qimen/qimen-replay.ts';
import { qimenMethodOf } from '../../qimen/qimen-wire.ts';
import type { CallbackReplay, ReplayOutcome } from '../../../application/callbacks/parked-callbacks.ts';
import type { Cause } from '../../../application/commands/handle-command.ts';
import { newFlow } from '../../../application/commands/cause.ts';
import type { WaitingFor, WarehouseMessage } from '../../../application/warehouse-messages/warehouse-message.ts';
import { loadState } from '../../../application/commands/handle-command.ts';
import { recordReceipt } from '../../../application/inbound/record-receipt.ts';
import { recordProgress, recordShipment, recordShortage } from '../../../application/outbound/warehouse-reports.ts';
import { recordInspection } from '../../../application/returns/record-inspection.ts';
import { HttpProblem, statusOfRefusal } from '../answer.ts';
import type { HttpContext } from '../http-context.ts';
import { parseInput } from '../parse-input.ts';
import type { Route, RouteAnswer, RouteInput } from '../route.ts';
import { warehouseInstant } from '../warehouse-time.ts';
import {
  inboundCallback,
  outboundCallback,
  outboundProgressCallback,
  outboundShortageCallback,
  returnCallback,
  warehouseMessageId,
} from '../../wms/wms-wire.ts';

const answers = {
  403: 'the caller may not report for this warehouse, or for the warehouse the order (inbound, return) is at (nothing is applied; the message is kept in the archive)',
  404: 'the order (inbound, return) is not known yet: the callback is kept, shown to a person as an alert, and applied once the order has been pushed to a warehouse (or cancelled), the inbound or return created (README, "Callbacks that come before their order")',
  422: 'invalid fields (nothing is kept or applied)',
};
const description =
  'A duplicate answers 200 with `applied: false` and changes nothing. A report that contradicts the order (shipped after cancel, more than ordered, a SKU never ordered) is recorded as an anomaly, alerted, and answered 200 so that the warehouse stops resending.';
const messageIdDescription =
  " A message may carry its own id (`messageId`, or Qimen's `outBizCode`): the same id again on the order is one effect; with other content it is recorded as a MESSAGE_ID_REUSED anomaly (alerted, kept in the archive) and not applied. A warehouse reports on the outbound order it was given: a warehouse the order was rerouted away from may still report on its own `outboundNo`.";

/**
 * A callback refused only because the order (inbound, return) it names is not known yet (404): the
 * archive keeps it parked until it is (application/callbacks/parked-callbacks.ts).
 */
export class ParkedProblem extends HttpProblem {
  constructor(
    message: string,
    readonly waitingFor: WaitingFor,
  ) {
    super(404, message);
  }
}

/** The refusal of a callback whose order (inbound, return) is not known: `ORDER_NOT_FOUND` for an order. */
const isUnknown = (error: Refused, waitingFor: WaitingFor): boolean => error.reason === `${waitingFor.kind.toUpperCase()}_NOT_FOUND`;

/**
 * Apply a warehouse callback. What cannot be applied is kept, raw, for a person (the answer says
 * so), so that nothing a warehouse tells the hub is lost; what is applied keeps it too, in the
 * metadata of the events it causes. One refused because what it names is not known yet is parked
 * (`ParkedProblem`).
 */
const applying = async (
  ctx: HttpContext,
  endpoint: string,
  input: RouteInput,
  deliveryKey: string,
  waitingFor: WaitingFor,
  apply: (deps: Dependencies) => Promise<Readonly<{ changed: boolean; state: unknown }>>,
  summary: (state: never) => unknown,
): Promise<RouteAnswer> => {
  const outcome = await applyWarehouseReport(ctx.deps, { endpoint, body: input.body, messageId: input.messageId, deliveryKey }, apply);
  if ('applied' in outcome) {
    const { changed, state } = outcome.applied;
    return {
      status: 200,
      data: { applied: changed, ...(summary(state as never) as object) },
      message: changed ? 'success' : 'already applied',
    };
  }
  const error = outcome.refused;
  if (isUnknown(error, waitingFor))
    throw new ParkedProblem(
      `${error.message}; the callback was kept for a person to look at, and is applied once ${waitingFor.kind} ${waitingFor.no} is known`,
      waitingFor,
    );
  throw new HttpProblem(statusOfRefusal(error.reason), `${error.message}; the callback was kept for a person to look at`, error.details);
};

/** The flow a callback's events belong to: its own (a delivery), or, for a parked one applied later, caused by what woke it. */
const flowOf = (ctx: HttpContext, callbackId: string, causationId: string | undefined): string | Cause =>
  causationId === undefined ? callbackId : { ...newFlow(callbackId, ctx.deps.clock.now()), causationId };

const timeIn = (ctx: HttpContext, text: string, warehouseCode: string | null, field: string): string => {
  const instant = warehouseInstant(text, ctx.zoneOf(warehouseCode));
  if (instant === null) throw new HttpProblem(422, 'invalid body', [{ path: `body.${field}`, message: 'not a valid date-time' }]);
  return instant;
};

/**
 * The warehouse an order's report is about: the one whose WMS gave the outbound number it names (a
 * warehouse the order has left still reports on what it was given: a shipment it made anyway), else
 * the order's current warehouse; null for an order the hub does not know.
 */
const reportedAt = (order: OrderState, outboundNo: string): string | null =>
  order.status === 'NONE' ? null : (warehouseOfOutbound(order, outboundNo) ?? order.warehouseCode);

const reportsOnOrder = async (
  ctx: HttpContext,
  caller: Caller,
  body: Readonly<{ orderNo: string; outboundNo: string; warehouseCode: string }>,
) => {
  const order = await loadState(ctx.deps, orders, orderStreamName(body.orderNo));
  reportsFor(caller, body.warehouseCode, { no: body.orderNo, warehouseCode: reportedAt(order, body.outboundNo) });
};

const orderSummary = (state: { orderNo: string; status: string }) => ({ orderNo: state.orderNo, status: state.status });

const keyOf = (body: object): string => JSON.stringify(body);

/** A callback route's handler; `causationId`: a parked message applied later, caused by that event. */
type CallbackHandler = (input: RouteInput, causationId?: string) => Promise<RouteAnswer>;

type CallbackRoute = Omit<Route, 'handle'> & Readonly<{ handle: CallbackHandler }>;

const callbackRoutesOf = (ctx: HttpContext): readonly CallbackRoute[] => {
  const parsed = <S extends z.ZodType>(schema: S, body: unknown) => parseInput(schema, body, 'body');
  return [
    {
      method: 'post',
      path: '/api/oms/outbound/callback',
      roles: ['warehouse'],
      warehouseMessage: true,
      tag: 'warehouse callbacks',
      summary:
        'Goods left the warehouse (the article body, byte for byte: docs/contracts.md#shipment-callback): one call per waybill; a partial shipment sends several',
      description: `${description}${messageIdDescription} The shipment is charged to the warehouse whose WMS gave its \`outboundNo\` (after a reroute, the order moves back there and the other warehouse is told to drop it); an \`outboundNo\` the hub never heard of is charged to the order's current warehouse. \`confirmType\` 0 (final) closes short what stays open. \`shippedTime\` without an offset is read in the warehouse's zone (default Asia/Shanghai).`,
      body: outboundCallback,
      answers,
      handle: async (input, causationId) => {
        const body = parsed(outboundCallback, input.body);
        const order = await loadState(ctx.deps, orders, orderStreamName(body.orderNo));
        const leftFrom = reportedAt(order, body.outboundNo);
        reportsFor(input.caller, null, { no: body.orderNo, warehouseCode: leftFrom });
        const shippedAt = timeIn(ctx, body.shippedTime, leftFrom, 'shippedTime');
        return applying(
          ctx,
          '/api/oms/outbound/callback',
          input,
          keyOf(body),
          { kind: 'order', no: body.orderNo },
          (deps) =>
            recordShipment(
              deps,
              {
                orderNo: body.orderNo,
                outboundNo: body.outboundNo,
                waybillNo: body.waybillNo,
                carrier: body.carrier,
                items: body.actualItems,
                shippedAt,
                final: body.confirmType === 0,
                messageId: warehouseMessageId(body),
              },
              flowOf(ctx, `callback:${waybillId(body)}`, causationId),
            ),
          orderSummary,
        );
      },
    },
    {
      method: 'post',
      path: '/api/oms/outbound/progress',
      roles: ['warehouse'],
      warehouseMessage: true,
      tag: 'warehouse callbacks',
      summary: 'The warehouse started picking, or packed the order',
      description: `${description}${messageIdDescription}`,
      body: outboundProgressCallback,
      answers,
      handle: async (input, causationId) => {
        const body = parsed(outboundProgressCallback, input.body);
        await reportsOnOrder(ctx, input.caller, body);
        const at = timeIn(ctx, body.time, body.warehouseCode, 'time');
        return applying(
          ctx,
          '/api/oms/outbound/progress',
          input,
          keyOf(body),
          { kind: 'order', no: body.orderNo },
          (deps) =>
            recordProgress(
              deps,
              { orderNo: body.orderNo, warehouseCode: body.warehouseCode, stage: body.status, at, messageId: warehouseMessageId(body) },
              flowOf(ctx, `progress:${body.orderNo}:${body.status}`, causationId),
            ),
          orderSummary,
        );
      },
    },
    {
      method: 'post',
      path: '/api/oms/outbound/shortage',
      roles: ['warehouse'],
      warehouseMessage: true,
      tag: 'warehouse callbacks',
      summary:
        "The warehouse cannot ship these quantities: the order's policy decides (docs/architecture.md#shortage-policy: partial ship + backorder, cancel + release, reroute, else a person)",
      description: `${description}${messageIdDescription}`,
      body: outboundShortageCallback,
      answers,
      handle: async (input, causationId) => {
        const body = parsed(outboundShortageCallback, input.body);
        await reportsOnOrder(ctx, input.caller, body);
        timeIn(ctx, body.time, body.warehouseCode, 'time');
        return applying(
          ctx,
          '/api/oms/outbound/shortage',
          input,
          keyOf(body),
          { kind: 'order', no: body.orderNo },
          (deps) =>
            recordShortage(
              deps,
              { orderNo: body.orderNo, warehouseCode: body.warehouseCode, lines: body.shortItems, messageId: warehouseMessageId(body) },
              flowOf(ctx, `shortage:${body.orderNo}`, causationId),
            ),
          orderSummary,
        );
      },
    },
    {
      method: 'post',
      path: '/api/oms/inbound/callback',
      roles: ['warehouse'],
      warehouseMessage: true,
      tag: 'warehouse callbacks',
      summary: 'Goods of a purchase inbound were counted in; short, over and unknown SKUs are recorded as discrepancies and alerted',
      description,
      body: inboundCallback,
      answers,
      handle: async (input, causationId) => {
        const body = parsed(inboundCallback, input.body);
        const inbound = (await loadState(ctx.deps, inboundOrders, inboundStreamName(body.inboundNo))).inbound;
        reportsFor(input.caller, body.warehouseCode, { no: body.inboundNo, warehouseCode: inbound?.warehouseCode ?? null });
        const receivedAt = timeIn(ctx, body.receivedTime, body.warehouseCode, 'receivedTime');
        return applying(
          ctx,
          '/api/oms/inbound/callback',
          input,
          keyOf(body),
          { kind: 'inbound', no: body.inboundNo },
          async (deps) => {
            const known = await loadState(deps, inboundOrders, inboundStreamName(body.inboundNo));
            if (known.inbound === null) throw new Refused('INBOUND_NOT_FOUND', `no inbound ${body.inboundNo}`);
            return recordReceipt(
              deps,
              { inboundNo: body.inboundNo, receiptNo: `${body.wmsInboundNo}@${body.receivedTime}`, lines: body.receivedItems, receivedAt },
              flowOf(ctx, `callback:${body.wmsInboundNo}`, causationId),
            );
          },
          (state: { status: string | null }) => ({ inboundNo: body.inboundNo, status: state.status }),
        );
      },
    },
    {
      method: 'post',
      path: '/api/oms/return/callback',
      roles: ['warehouse'],
      warehouseMessage: true,
      tag: 'warehouse callbacks',
      summary: 'A customer return arrived and was inspected: qualified units go back to sellable stock, defective units are kept apart',
      description,
      body: returnCallback,
      answers,
      handle: async (input, causationId) => {
        const body = parsed(returnCallback, input.body);
        const created = (await loadState(ctx.deps, returnOrders, returnStreamName(body.returnNo))).created;
        reportsFor(input.caller, body.warehouseCode, { no: body.returnNo, warehouseCode: created?.warehouseCode ?? null });
        const inspectedAt = timeIn(ctx, body.inspectedTime, body.warehouseCode, 'inspectedTime');
        return applying(
          ctx,
          '/api/oms/return/callback',
          input,
          keyOf(body),
          { kind: 'return', no: body.returnNo },
          (deps) =>
            recordInspection(
              deps,
              { returnNo: body.returnNo, inspectionNo: `${body.returnNo}@${body.inspectedTime}`, lines: body.inspectedItems, inspectedAt },
              flowOf(ctx, `callback:${body.returnNo}`, causationId),
            ),
          (state: { status: string | null }) => ({ returnNo: body.returnNo, status: state.status }),
        );
      },
    },
  ];
};

export const callbackRoutes = (ctx: HttpContext): readonly Route[] =>
  callbackRoutesOf(ctx).map((route) => ({ ...route, handle: (input: RouteInput) => route.handle(input) }));

const refusedWith = (error: unknown): ReplayOutcome | null => {
  if (error instanceof ParkedProblem) return { kind: 'still-waiting' };
  if (error instanceof HttpProblem)
    return {
      kind: 'refused',
      status: error.status,
      reason: [error.message, ...error.problems.map((p) => `${p.path}: ${p.message}`)].join('; '),
    };
  if (error instanceof Refused)
    return { kind: 'refused', status: statusOfRefusal(error.reason), reason: `${error.reason}: ${error.message}` };
  return null;
};

/**
 * The adapter of the `CallbackReplay` port: a parked message applied by its own route's handler
 * (a Qimen message by its method's, ../../qimen/qimen-replay.ts),
 * as its caller (as that caller is known now: its roles, its warehouses), its events stamped with
 * that caller and the message, as when it arrived. The signature was checked when it arrived.
 */
export const callbackReplay = (ctx: HttpContext, callerById: (id: string) => Caller | undefined): CallbackReplay => ({
  replay: async (message: WarehouseMessage, causationId: string): Promise<ReplayOutcome> => {
    const caller = callerById(message.caller);
    if (caller === undefined) return { kind: 'refused', status: 403, reason: `${message.caller} is no longer a caller of the hub` };
    const deps = { ...ctx.deps, store: new StampingStore(ctx.deps.store, () => ({ actor: caller.id })) };
    const qimenMethod = qimenMethodOf(message.endpoint);
    if (qimenMethod !== undefined) return replayQimen({ ...ctx, deps }, message, qimenMethod, caller, causationId);
    const route = callbackRoutesOf({ ...ctx, deps }).find((candidate) => candidate.path === message.endpoint);
    if (route === undefined) return { kind: 'refused', status: 404, reason: `no callback route ${message.endpoint}` };
    if (!actsAs(caller, route.roles)) return { kind: 'refused', status: 403, reason: `${caller.id} may no longer call ${route.path}` };
    let body: unknown;
    try {
      if (message.bodyEncoding !== 'utf8') throw new Error('not UTF-8');
      body = JSON.parse(message.body);
    } catch {
      return { kind: 'refused', status: 400, reason: 'the body is not JSON' };
    }
    try {
      const answer = await route.handle({ params: {}, body, query: {}, headers: {}, caller, messageId: message.messageId }, causationId);
      const applied = (answer.data as { applied?: unknown } | null)?.applied === true;
      return { kind: 'applied', changed: applied, answer: answer.message ?? 'success' };
    } catch (error) {
      const refused = refusedWith(error);
      if (refused === null) throw error;
      return refused;
    }
  },
});
