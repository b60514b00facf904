import type { OrderEvent } from '../../domain/outbound-order/index.ts';
import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { pushOutbound } from '../outbound/push-outbound.ts';
import { type Reaction, streamId } from './reaction.ts';

/** Stock reserved, or a person asked to retry → send the outbound instruction to the WMS. */
export const pushOutboundWhenReserved = (deps: Dependencies): Reaction => ({
  name: 'push-outbound-when-reserved',
  category: 'order',
  handle: async (stored) => {
    const event = stored as unknown as OrderEvent;
    if (event.type === 'StockReserved' || (event.type === 'RetryRequested' && event.data.step === 'PUSH')) {
      await pushOutbound(deps, streamId(stored.stream), causedBy(stored, deps.clock.now()));
    }
  },
});
