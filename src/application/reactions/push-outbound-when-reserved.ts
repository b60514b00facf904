import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { pushOutbound } from '../outbound/push-outbound.ts';
import { eventsOf, reaction } from './reaction.ts';

/** Stock reserved, or a person asked to retry the push → send the outbound instruction to the WMS. */
export const pushOutboundWhenReserved = (deps: Dependencies) =>
  reaction({
    name: 'push-outbound-when-reserved',
    handles: eventsOf('order', ['StockReserved', 'RetryRequested']),
    handle: async (event) => {
      if (event.type === 'RetryRequested' && event.data.step !== 'PUSH') return;
      await pushOutbound(deps, event.streamId, causedBy(event, deps.clock.now()));
    },
  });
