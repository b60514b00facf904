/**
 * The outbound order's rules (docs/architecture.md#outbound-order, #requests-and-facts).
 *
 * Assumptions, named: a customer's cancellation is granted whatever `allowCancel` says — that flag,
 * like `allowPartialShip`, is the policy for stock shortages (docs/architecture.md#shortage-policy: partial ship +
 * backorder first, then cancel + release, then reroute to the warehouse the application found,
 * else a person). An order that shipped anything ends SHIPPED; its lines tell what was
 * backordered or cancelled. A manual reroute is granted only while no call is in flight (after a
 * failed push, or in manual intervention) and before anything shipped. "Resolve" means a person
 * got the order into the WMS by other means and gives its outboundNo. A shipment that carries
 * more than is open is recorded in full (stock follows what really left) and the excess is an
 * anomaly; the order's lines count only what was open. A shipment left from the warehouse whose
 * WMS gave the outbound number it names; one from a warehouse the order had left brings the order
 * back there. Backorders are numbered by the original order, for its whole family.
 */
import { refuse } from '../kernel/refused.ts';
import { recordPushFailed, recordPushSucceeded, recordStockReserved, recordStockShort, startPush } from './call-outcomes.ts';
import type { OrderCommand } from './commands.ts';
import type { OrderEvent } from './events.ts';
import { cancel, place, reroute, resolve, retryNow } from './requests.ts';
import type { OrderState } from './state.ts';
import { recordIntercept, recordProgress, recordShipment, recordWmsShortage } from './warehouse-reports.ts';
import { cancelBackorder, carryOverBackorder } from './backorder-family.ts';
import { oncePerMessageId } from './message-ids.ts';
import { recordWithdrawal, startCancelCall } from './cancel-calls.ts';

// Every refusal here is written one way, `return refuse(reason, message, problems?)`; a request
// that is not valid names its problems, found by one of the `…Problems` checks in validation.ts.
// Every redelivery is recognised one way, `alreadyApplied(state, fact.…)`; which reservation round
// or push attempt is current is a separate rule (`awaitsRound`, `attemptPassed` in call-outcomes.ts).
//
// The handlers, by concern: requests.ts (what people and channels ask), call-outcomes.ts (outcomes
// of the hub's own calls: reservation, push), cancel-calls.ts (the cancels sent to a warehouse,
// claimed before they are made), warehouse-reports.ts (facts the warehouse reports,
// each once per message id: message-ids.ts), backorder-family.ts (the original order's book of
// its family's backorders); both kinds of shortage go through shortage-policy.ts.

export const decideOrder = (command: OrderCommand, state: OrderState): readonly OrderEvent[] => {
  if (command.type === 'PlaceOrder') return place(command, state);
  if (state.status === 'NONE') return refuse('ORDER_NOT_FOUND', 'no such order');
  switch (command.type) {
    case 'CancelOrder':
      return cancel(command, state);
    case 'RetryNow':
      return retryNow(command, state);
    case 'RerouteOrder':
      return reroute(command, state);
    case 'ResolveManually':
      return resolve(command, state);
    case 'RecordStockReserved':
      return recordStockReserved(command, state);
    case 'RecordStockShort':
      return recordStockShort(command, state);
    case 'StartPush':
      return startPush(command, state);
    case 'RecordPushSucceeded':
      return recordPushSucceeded(command, state);
    case 'RecordPushFailed':
      return recordPushFailed(command, state);
    case 'RecordWmsProgress':
      return oncePerMessageId(command, state, () => recordProgress(command, state));
    case 'RecordWmsShortage':
      return oncePerMessageId(command, state, () => recordWmsShortage(command, state));
    case 'RecordShipment':
      return oncePerMessageId(command, state, () => recordShipment(command, state));
    case 'RecordInterceptOutcome':
      return recordIntercept(command, state);
    case 'StartCancelCall':
      return startCancelCall(command, state);
    case 'RecordWithdrawalOutcome':
      return recordWithdrawal(command, state);
    case 'CarryOverBackorder':
      return carryOverBackorder(command, state);
    case 'CancelBackorder':
      return cancelBackorder(command, state);
  }
};
