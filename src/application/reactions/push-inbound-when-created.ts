import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { pushInbound } from '../inbound/push-inbound.ts';
import { eventsOf, reaction } from './reaction.ts';

/** An inbound order created, or a person asked to retry its push → tell the WMS to expect it. */
export const pushInboundWhenCreated = (deps: Dependencies) =>
  reaction({
    name: 'push-inbound-when-created',
    handles: eventsOf('inbound', ['InboundCreated', 'PushRetryRequested']),
    handle: async (event) => pushInbound(deps, event.streamId, causedBy(event, deps.clock.now())),
  });
