import { inboundOrders, orders } from '../../../application/commands/aggregates.ts';
import type { z } from 'zod';
import { Refused } from '../../../domain/kernel/refused.ts';
import { inboundStreamName } from '../../../domain/inbound-order/index.ts';
import { orderStreamName } from '../../../domain/outbound-order/index.ts';
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
import type { Route, RouteAnswer } from '../route.ts';
import { warehouseInstant } from '../warehouse-time.ts';
import {
  inboundCallback,
  outboundCallback,
  outboundProgressCallback,
  outboundShortageCallback,
  returnCallback,
} from '../../wms/wms-wire.ts';

const answers = {
  404: 'the order (inbound, return) is not known: the callback is kept and shown to a person as an alert',
  422: 'invalid fields (nothing is kept or applied)',
};
const description =
  'A duplicate answers 200 with `applied: false` and changes nothing. A report that contradicts the order (shipped after cancel, more than ordered, a SKU never ordered) is recorded as an anomaly, alerted, and answered 200 so that the warehouse stops resending.';

/**
 * Apply a warehouse callback. What cannot be applied is kept, raw, for a person (the answer says
 * so), so that nothing a warehouse tells the hub is lost; what is applied keeps it too, in the
 * metadata of the events it causes.
 */
const applying = async (
  ctx: HttpContext,
  endpoint: string,
  raw: unknown,
  deliveryKey: string,
  apply: (deps: Dependencies) => Promise<Readonly<{ changed: boolean; state: unknown }>>,
  summary: (state: never) => unknown,
): Promise<RouteAnswer> => {
  try {
    // every event the callback causes keeps the raw callback in its metadata (`metadata.callback`), so that an audit shows what the warehouse sent
    const callback = { endpoint, body: raw as JsonValue };
    const deps = { ...ctx.deps, store: new StampingStore(ctx.deps.store, () => ({ callback })) };
    const { changed, state } = await apply(deps);
    return {
      status: 200,
      data: { applied: changed, ...(summary(state as never) as object) },
      message: changed ? 'success' : 'already applied',
    };
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    await keepUnappliedCallback(ctx.deps, { endpoint, body: raw, reason: `${error.reason}: ${error.message}`, deliveryKey });
    throw new HttpProblem(statusOfRefusal(error.reason), `${error.message}; the callback was kept for a person to look at`, error.details);
  }
};

const timeIn = (ctx: HttpContext, text: string, warehouseCode: string | null, field: string): string => {
  const instant = warehouseInstant(text, ctx.zoneOf(warehouseCode));
  if (instant === null) throw new HttpProblem(422, 'invalid body', [{ path: `body.${field}`, message: 'not a valid date-time' }]);
  return instant;
};

const orderSummary = (state: { orderNo: string; status: string }) => ({ orderNo: state.orderNo, status: state.status });

const keyOf = (body: object): string => JSON.stringify(body);

export const callbackRoutes = (ctx: HttpContext): readonly Route[] => {
  const parsed = <S extends z.ZodType>(schema: S, body: unknown) => parseInput(schema, body, 'body');
  return [
    {
      method: 'post',
      path: '/api/oms/outbound/callback',
      tag: 'warehouse callbacks',
      summary:
        'Goods left the warehouse (the article body, byte for byte: docs/contracts.md#shipment-callback): one call per waybill; a partial shipment sends several',
      description: `${description} \`shippedTime\` without an offset is read in the warehouse's zone (default Asia/Shanghai).`,
      body: outboundCallback,
      answers,
      handle: async (input) => {
        const body = parsed(outboundCallback, input.body);
        const order = await loadState(ctx.deps, orders, orderStreamName(body.orderNo));
        const shippedAt = timeIn(ctx, body.shippedTime, order.status === 'NONE' ? null : order.warehouseCode, 'shippedTime');
        return applying(
          ctx,
          '/api/oms/outbound/callback',
          input.body,
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
              },
              `callback:${body.waybillNo}`,
            ),
          orderSummary,
        );
      },
    },
    {
      method: 'post',
      path: '/api/oms/outbound/progress',
      tag: 'warehouse callbacks',
      summary: 'The warehouse started picking, or packed the order',
      description,
      body: outboundProgressCallback,
      answers,
      handle: async (input) => {
        const body = parsed(outboundProgressCallback, input.body);
        const at = timeIn(ctx, body.time, body.warehouseCode, 'time');
        return applying(
          ctx,
          '/api/oms/outbound/progress',
          input.body,
          keyOf(body),
          (deps) =>
            recordProgress(
              deps,
              { orderNo: body.orderNo, warehouseCode: body.warehouseCode, stage: body.status, at },
              `progress:${body.orderNo}:${body.status}`,
            ),
          orderSummary,
        );
      },
    },
    {
      method: 'post',
      path: '/api/oms/outbound/shortage',
      tag: 'warehouse callbacks',
      summary:
        "The warehouse cannot ship these quantities: the order's policy decides (docs/architecture.md#shortage-policy: partial ship + backorder, cancel + release, reroute, else a person)",
      description,
      body: outboundShortageCallback,
      answers,
      handle: async (input) => {
        const body = parsed(outboundShortageCallback, input.body);
        timeIn(ctx, body.time, body.warehouseCode, 'time');
        return applying(
          ctx,
          '/api/oms/outbound/shortage',
          input.body,
          keyOf(body),
          (deps) =>
            recordShortage(
              deps,
              { orderNo: body.orderNo, warehouseCode: body.warehouseCode, lines: body.shortItems },
              `shortage:${body.orderNo}`,
            ),
          orderSummary,
        );
      },
    },
    {
      method: 'post',
      path: '/api/oms/inbound/callback',
      tag: 'warehouse callbacks',
      summary: 'Goods of a purchase inbound were counted in; short, over and unknown SKUs are recorded as discrepancies and alerted',
      description,
      body: inboundCallback,
      answers,
      handle: async (input) => {
        const body = parsed(inboundCallback, input.body);
        const receivedAt = timeIn(ctx, body.receivedTime, body.warehouseCode, 'receivedTime');
        return applying(
          ctx,
          '/api/oms/inbound/callback',
          input.body,
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
      tag: 'warehouse callbacks',
      summary: 'A customer return arrived and was inspected: qualified units go back to sellable stock, defective units are kept apart',
      description,
      body: returnCallback,
      answers,
      handle: async (input) => {
        const body = parsed(returnCallback, input.body);
        const inspectedAt = timeIn(ctx, body.inspectedTime, body.warehouseCode, 'inspectedTime');
        return applying(
          ctx,
          '/api/oms/return/callback',
          input.body,
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
