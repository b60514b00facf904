/**
 * A parked Qimen message (one refused only because the order, inbound or return it names was not
 * known yet) applied once it is: its archived body read again and handled by the same method as
 * when it arrived (./qimen-methods.ts), as its caller, its events caused by what woke it. The
 * sign was checked when it arrived. Called by the `CallbackReplay` adapter for messages to
 * `/api/qimen` (../http/routes/callback-routes.ts).
 */
import type { ReplayOutcome } from '../../application/callbacks/parked-callbacks.ts';
import type { Dependencies } from '../../application/dependencies.ts';
import type { WarehouseMessage } from '../../application/warehouse-messages/warehouse-message.ts';
import type { Caller } from '../credentials/callers.ts';
import { handleQimenMethod } from './qimen-methods.ts';
import { readXml } from './qimen-xml.ts';

export const replayQimen = async (
  context: Readonly<{ deps: Dependencies; zoneOf: (warehouseCode: string | null) => string }>,
  message: WarehouseMessage,
  method: string,
  caller: Caller,
  causationId: string,
): Promise<ReplayOutcome> => {
  const read = message.bodyEncoding === 'utf8' ? readXml(message.body) : undefined;
  if (read === undefined || !read.ok) return { kind: 'refused', status: 400, reason: 'the body is not readable XML' };
  const outcome = await handleQimenMethod({
    deps: context.deps,
    zoneOf: context.zoneOf,
    caller,
    messageId: message.messageId,
    method,
    request: read.value ?? {},
    causationId,
  });
  if (outcome.flag === 'success') return { kind: 'applied', changed: outcome.message !== 'already applied', answer: outcome.message };
  if (outcome.waitingFor !== undefined) return { kind: 'still-waiting' };
  return { kind: 'refused', status: outcome.code === 'forbidden' ? 403 : 422, reason: `${outcome.code}: ${outcome.message}` };
};
