import { z } from 'zod';
import { orderStreamName } from '../../../domain/outbound-order/index.ts';
import { readOrderAt } from '../../../application/audit/order-at.ts';
import { instantAt } from '../../../application/audit/point-in-time.ts';
import { cancelBackorder } from '../../../application/backorders/cancel-backorder.ts';
import { cancelOrder, rerouteOrder, resolveOrder, retryOrder } from '../../../application/outbound/order-requests.ts';
import { orderView } from '../../../application/outbound/order-view.ts';
import { placeOrder } from '../../../application/outbound/place-order.ts';
import { positionToString } from '../../../application/ports/event-store.ts';
import { HttpProblem } from '../answer.ts';
import { type HttpContext, requesterOf } from '../http-context.ts';
import { parseInput } from '../parse-input.ts';
import { cancelBody, orderIntake, rerouteBody, resolveBody, retryBody } from '../oms-schemas.ts';
import type { Route, RouteInput } from '../route.ts';

const viewOf = async (ctx: HttpContext, orderNo: string) => {
  const view = orderView(await ctx.deps.events.readStream('order', orderStreamName(orderNo)));
  if (view === null) throw new HttpProblem(404, `no order ${orderNo}`);
  return view;
};

const orderNoOf = (input: RouteInput): string => input.params.orderNo ?? '';

/**
 * `?at=`: an ISO-8601 time with an offset, or a local one read in the warehouse zone. A query
 * string turns `+` into a space, so `…T10:00:00+08:00` sent unencoded arrives as `…T10:00:00 08:00`:
 * read back as the offset it was.
 */
const orderAtQuery = (zone: string) =>
  z.object({
    at: z
      .string()
      .optional()
      .transform((text, check) => {
        if (text === undefined) return undefined;
        const instant = instantAt(text.replace(/(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$/, '$1+$2'), zone);
        if (instant === null) {
          check.addIssue({
            code: 'custom',
            message: `must be an ISO-8601 date-time, e.g. 2025-11-22T10:00:00+08:00, or a local 2025-11-22T10:00:00 (read in ${zone})`,
          });
          return z.NEVER;
        }
        return instant;
      })
      .describe(`the order as it stood at this time (ISO-8601; without an offset, local time in ${zone}); absent: now`),
  });

export const orderRoutes = (ctx: HttpContext): readonly Route[] => [
  {
    method: 'post',
    path: '/api/oms/orders',
    roles: ['channel', 'operator'],
    tag: 'orders',
    summary: 'Take an order from a sales channel (the article body, plus the shortage policy: docs/contracts.md#order-intake)',
    description:
      'The same orderNo with the same body again answers 200 with the order as it stands (nothing new happens); with a different body, 409. Stock is reserved and the order pushed to the WMS in the background.',
    body: orderIntake,
    answers: { 201: 'order placed', 409: 'this orderNo was placed with different content', 422: 'invalid fields' },
    handle: async (input) => {
      const body = parseInput(orderIntake, input.body, 'body');
      const { allowPartialShip, allowCancel, ...order } = body;
      const { created } = await placeOrder(
        ctx.deps,
        { ...order, items: order.items.map((item) => ({ ...item })), policy: { allowPartialShip, allowCancel } },
        requesterOf(ctx, input).requestId,
      );
      return { status: created ? 201 : 200, data: await viewOf(ctx, body.orderNo), message: created ? 'success' : 'already placed' };
    },
  },
  {
    method: 'get',
    path: '/api/oms/orders/{orderNo}',
    roles: ['channel', 'operator', 'reporting'],
    tag: 'orders',
    summary:
      'An order: status, warehouse, outboundNo, waybills, quantities per line, push attempts, timestamps; with ?at=, as it stood then',
    description:
      'With `at`, the order is folded from its events recorded at or before that time (time travel, as `oms history --at` shows it), and `asOf` says which instant that was.',
    query: orderAtQuery(ctx.zoneOf(null)),
    answers: { 404: 'no such order (at that time)', 422: 'invalid query (query.at)' },
    handle: async (input) => {
      const { at } = parseInput(orderAtQuery(ctx.zoneOf(null)), input.query ?? {}, 'query');
      if (at === undefined) return { status: 200, data: await viewOf(ctx, orderNoOf(input)) };
      const { view } = await readOrderAt(ctx.deps.events, orderNoOf(input), at);
      if (view === null) throw new HttpProblem(404, `no order ${orderNoOf(input)} at ${at}`);
      return { status: 200, data: { ...view, asOf: at } };
    },
  },
  {
    method: 'get',
    path: '/api/oms/orders/{orderNo}/events',
    roles: ['channel', 'operator', 'reporting'],
    tag: 'orders',
    summary: "The order's events with their metadata (correlation, causation, time recorded), for audit",
    answers: { 404: 'no such order' },
    handle: async (input) => {
      const events = await ctx.deps.store.readStream(orderStreamName(orderNoOf(input)));
      if (events.length === 0) throw new HttpProblem(404, `no order ${orderNoOf(input)}`);
      return {
        status: 200,
        data: events.map((e) => ({
          id: e.id,
          type: e.type,
          revision: String(e.revision),
          position: positionToString(e.position),
          data: e.data,
          metadata: e.metadata,
        })),
      };
    },
  },
  {
    method: 'post',
    path: '/api/oms/orders/{orderNo}/cancel',
    roles: ['channel', 'operator'],
    tag: 'orders',
    summary: 'Cancel an order: at once before the WMS has it, else the WMS is asked to intercept it (CANCEL_REQUESTED until it answers)',
    body: cancelBody,
    answers: { 404: 'no such order', 409: 'the order has shipped or is closed' },
    handle: async (input) => {
      const { reason } = parseInput(cancelBody, input.body ?? {}, 'body');
      await cancelOrder(ctx.deps, orderNoOf(input), reason, requesterOf(ctx, input));
      return { status: 200, data: await viewOf(ctx, orderNoOf(input)) };
    },
  },
  {
    method: 'post',
    path: '/api/oms/orders/{orderNo}/backorders/{backorderNo}/cancel',
    roles: ['channel', 'operator'],
    tag: 'orders',
    summary:
      'Cancel a backorder of this (original) order that is not placed yet: what it owed is recorded as cancelled and it leaves the backorder book (docs/architecture.md#backorders)',
    description:
      'A backorder that cannot be placed stays owed, and alerted, until a person cancels it here. One already placed is an order of its own: cancel that order instead (409).',
    body: cancelBody,
    answers: { 404: 'no such order, or the order numbered no such backorder', 409: 'the backorder was placed already' },
    handle: async (input) => {
      const { reason } = parseInput(cancelBody, input.body ?? {}, 'body');
      await cancelBackorder(ctx.deps, orderNoOf(input), input.params.backorderNo ?? '', reason, requesterOf(ctx, input));
      return { status: 200, data: await viewOf(ctx, orderNoOf(input)) };
    },
  },
  {
    method: 'post',
    path: '/api/oms/orders/{orderNo}/retry-push',
    roles: ['operator'],
    tag: 'orders',
    summary: 'Retry now: a new round of push attempts (or of reservation) for an order that failed or waits for a person',
    body: retryBody,
    answers: { 404: 'no such order', 409: 'nothing to retry' },
    handle: async (input) => {
      parseInput(retryBody, input.body ?? {}, 'body');
      await retryOrder(ctx.deps, orderNoOf(input), requesterOf(ctx, input));
      return { status: 200, data: await viewOf(ctx, orderNoOf(input)) };
    },
  },
  {
    method: 'post',
    path: '/api/oms/orders/{orderNo}/reroute',
    roles: ['operator'],
    tag: 'orders',
    summary: 'Send an order to another warehouse (its stock there is reserved anew; the old warehouse is told to drop it)',
    body: rerouteBody,
    answers: { 404: 'no such order', 409: 'the order cannot move now (shipped, partly shipped, same warehouse)', 422: 'invalid fields' },
    handle: async (input) => {
      const { warehouseCode, reason } = parseInput(rerouteBody, input.body, 'body');
      await rerouteOrder(ctx.deps, orderNoOf(input), warehouseCode, reason, requesterOf(ctx, input));
      return { status: 200, data: await viewOf(ctx, orderNoOf(input)) };
    },
  },
  {
    method: 'post',
    path: '/api/oms/orders/{orderNo}/resolve',
    roles: ['operator'],
    tag: 'orders',
    summary: 'A person handled an order waiting for them by hand (e.g. created it in the WMS): record the WMS number and go on',
    body: resolveBody,
    answers: { 404: 'no such order', 409: 'the order is not waiting for a person', 422: 'invalid fields' },
    handle: async (input) => {
      const { outboundNo, note } = parseInput(resolveBody, input.body, 'body');
      await resolveOrder(ctx.deps, orderNoOf(input), outboundNo, note, requesterOf(ctx, input));
      return { status: 200, data: await viewOf(ctx, orderNoOf(input)) };
    },
  },
];
