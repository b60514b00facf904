import { inboundOrders, orders, returnOrders } from '../../../application/commands/aggregates.ts';
import { returnStreamName } from '../../../domain/return-order/index.ts';
import { waybillId } from '../../../domain/kernel/waybill.ts';
import type { Caller } from '../../credentials/callers.ts';
import { reportsFor } from '../reports-for.ts';
import type { z } from 'zod';
import { Refused } from '../../../domain/kernel/refused.ts';
import { inboundStreamName } from '../../../domain/inbound-order/index.ts';
import { type OrderState, orderStreamName, warehouseOfOutbound } from '../../../domain/outbound-order/index.ts';
import { keepUnappliedCallback } from '../../../application/callbacks/keep-unapplied-callback.ts';
import type { Dependencies } from '../../../application/dependencies.ts';
import type { JsonValue } from '../../../application/ports/event-store.ts';
import { StampingStore } from '../stamping-store.ts';
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
  404: 'the order (inbound, return) is not known: the callback is kept and shown to a person as an alert',
  422: 'invalid fields (nothing is kept or applied)',
};
const description =
  'A duplicate answers 200 with `applied: false` and changes nothing. A report that contradicts the order (shipped after cancel, more than ordered, a SKU never ordered) is recorded as an anomaly, alerted, and answered 200 so that the warehouse stops resending.';
const messageIdDescription =
  " A message may carry its own id (`messageId`, or Qimen's `outBizCode`): the same id again on the order is one effect; with other content it is recorded as a MESSAGE_ID_REUSED anomaly (alerted, kept in the archive) and not applied. A warehouse reports on the outbound order it was given: a warehouse the order was rerouted away from may still report on its own `outboundNo`.";

/**
 * Apply a warehouse callback. What cannot be applied is kept, raw, for a person (the answer says
 * so), so that nothing a warehouse tells the hub is lost; what is applied keeps it too, in the
 * metadata of the events it causes.
 */
const applying = async (
  ctx: HttpContext,
  endpoint: string,
  input: RouteInput,
  deliveryKey: string,
  apply: (deps: Dependencies) => Promise<Readonly<{ changed: boolean; state: unknown }>>,
  summary: (state: never) => unknown,
): Promise<RouteAnswer> => {
  try {
    // every event the callback causes keeps the raw callback in its metadata (`metadata.callback`), so that an audit shows what the warehouse sent, and the message it was kept as
    const callback = { endpoint, body: input.body as JsonValue, ...(input.messageId === undefined ? {} : { messageId: input.messageId }) };
    const deps = { ...ctx.deps, store: new StampingStore(ctx.deps.store, () => ({ callback })) };
    const { changed, state } = await apply(deps);
    return {
      status: 200,
      data: { applied: changed, ...(summary(state as never) as object) },
      message: changed ? 'success' : 'already applied',
    };
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    await keepUnappliedCallback(ctx.deps, {
      endpoint,
      body: input.body,
      reason: `${error.reason}: ${error.message}`,
      deliveryKey,
      messageId: input.messageId ?? null,
    });
    throw new HttpProblem(statusOfRefusal(error.reason), `${error.message}; the callback was kept for a person to look at`, error.details);
  }
};

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

export const callbackRoutes = (ctx: HttpContext): readonly Route[] => {
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
      handle: async (input) => {
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
              `callback:${waybillId(body)}`,
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
      handle: async (input) => {
        const body = parsed(outboundProgressCallback, input.body);
        await reportsOnOrder(ctx, input.caller, body);
        const at = timeIn(ctx, body.time, body.warehouseCode, 'time');
        return applying(
          ctx,
          '/api/oms/outbound/progress',
          input,
          keyOf(body),
          (deps) =>
            recordProgress(
              deps,
              { orderNo: body.orderNo, warehouseCode: body.warehouseCode, stage: body.status, at, messageId: warehouseMessageId(body) },
              `progress:${body.orderNo}:${body.status}`,
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
      handle: async (input) => {
        const body = parsed(outboundShortageCallback, input.body);
        await reportsOnOrder(ctx, input.caller, body);
        timeIn(ctx, body.time, body.warehouseCode, 'time');
        return applying(
          ctx,
          '/api/oms/outbound/shortage',
          input,
          keyOf(body),
          (deps) =>
            recordShortage(
              deps,
              { orderNo: body.orderNo, warehouseCode: body.warehouseCode, lines: body.shortItems, messageId: warehouseMessageId(body) },
              `shortage:${body.orderNo}`,
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
      handle: async (input) => {
        const body = parsed(inboundCallback, input.body);
        const inbound = (await loadState(ctx.deps, inboundOrders, inboundStreamName(body.inboundNo))).inbound;
        reportsFor(input.caller, body.warehouseCode, { no: body.inboundNo, warehouseCode: inbound?.warehouseCode ?? null });
        const receivedAt = timeIn(ctx, body.receivedTime, body.warehouseCode, 'receivedTime');
        return applying(
          ctx,
          '/api/oms/inbound/callback',
          input,
          keyOf(body),
          async (deps) => {
            const known = await loadState(deps, inboundOrders, inboundStreamName(body.inboundNo));
            if (known.inbound === null) throw new Refused('INBOUND_NOT_FOUND', `no inbound ${body.inboundNo}`);
            return recordReceipt(
              deps,
              { inboundNo: body.inboundNo, receiptNo: `${body.wmsInboundNo}@${body.receivedTime}`, lines: body.receivedItems, receivedAt },
              `callback:${body.wmsInboundNo}`,
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
      handle: async (input) => {
        const body = parsed(returnCallback, input.body);
        const created = (await loadState(ctx.deps, returnOrders, returnStreamName(body.returnNo))).created;
        reportsFor(input.caller, body.warehouseCode, { no: body.returnNo, warehouseCode: created?.warehouseCode ?? null });
        const inspectedAt = timeIn(ctx, body.inspectedTime, body.warehouseCode, 'inspectedTime');
        return applying(
          ctx,
          '/api/oms/return/callback',
          input,
          keyOf(body),
          (deps) =>
            recordInspection(
              deps,
              { returnNo: body.returnNo, inspectionNo: `${body.returnNo}@${body.inspectedTime}`, lines: body.inspectedItems, inspectedAt },
              `callback:${body.returnNo}`,
            ),
          (state: { status: string | null }) => ({ returnNo: body.returnNo, status: state.status }),
        );
      },
    },
  ];
};
