import type { InboundEvent } from '../../domain/inbound-order/index.ts';
import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { pushInbound } from '../inbound/push-inbound.ts';
import { type Reaction, streamId } from './reaction.ts';

/** An inbound order created, or a person asked to retry its push → tell the WMS to expect it. */
export const pushInboundWhenCreated = (deps: Dependencies): Reaction => ({
  name: 'push-inbound-when-created',
  category: 'inbound',
  handle: async (stored) => {
    const event = stored as unknown as InboundEvent;
    if (event.type === 'InboundCreated' || event.type === 'PushRetryRequested') {
      await pushInbound(deps, streamId(stored.stream), causedBy(stored, deps.clock.now()));
    }
  },
});
