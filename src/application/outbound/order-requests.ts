import type { OrderState } from '../../domain/outbound-order/index.ts';
import { onOrder } from '../commands/aggregates.ts';
import { newFlow } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';

/**
 * What a person (or a channel) asks of an order: cancel it, retry now, send it to another
 * warehouse, or mark it resolved after handling it by hand. Each carries a request id (the HTTP
 * Idempotency-Key, or a fresh one), so the same request sent twice is applied once. The decider
 * refuses what the order's state does not allow, with a named reason.
 */
export type Requester = Readonly<{ requestId: string; requestedBy: string }>;
type Outcome = Promise<Readonly<{ state: OrderState; changed: boolean }>>;

const ask = async (deps: Dependencies, orderNo: string, who: Requester, command: Parameters<typeof onOrder>[2]): Outcome => {
  const { state, events } = await onOrder(deps, orderNo, command, newFlow(who.requestId, deps.clock.now()));
  return { state, changed: events.length > 0 };
};

export const cancelOrder = (deps: Dependencies, orderNo: string, reason: string, who: Requester): Outcome =>
  ask(deps, orderNo, who, { type: 'CancelOrder', data: { ...who, reason, now: deps.clock.now() } });

export const retryOrder = (deps: Dependencies, orderNo: string, who: Requester): Outcome =>
  ask(deps, orderNo, who, { type: 'RetryNow', data: { ...who, now: deps.clock.now() } });

export const rerouteOrder = (deps: Dependencies, orderNo: string, warehouseCode: string, reason: string, who: Requester): Outcome =>
  ask(deps, orderNo, who, { type: 'RerouteOrder', data: { ...who, warehouseCode, reason, now: deps.clock.now() } });

export const resolveOrder = (deps: Dependencies, orderNo: string, outboundNo: string, note: string, who: Requester): Outcome =>
  ask(deps, orderNo, who, {
    type: 'ResolveManually',
    data: { requestId: who.requestId, resolvedBy: who.requestedBy, outboundNo, note, now: deps.clock.now() },
  });
