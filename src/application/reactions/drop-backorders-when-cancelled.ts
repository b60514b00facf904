import { orderStreamName } from '../../domain/outbound-order/index.ts';
import { dropBackorderOfCancelledOrder } from '../backorders/drop-backorder.ts';
import { orders } from '../commands/aggregates.ts';
import { causedBy } from '../commands/cause.ts';
import { loadState } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';
import { eventsOf, reaction } from './reaction.ts';

/**
 * An original order cancelled (nothing of it shipped) → the backorders it numbered and that were not
 * placed yet are cancelled too, on the original, with their quantities: what was owed is accounted
 * as cancelled and leaves the backorder book (docs/architecture.md#backorders).
 */
export const dropBackordersWhenCancelled = (deps: Dependencies) =>
  reaction({
    name: 'drop-backorders-when-cancelled',
    handles: eventsOf('order', ['OrderCancelled']),
    handle: async (event) => {
      const original = await loadState(deps, orders, orderStreamName(event.streamId));
      if (original.status !== 'CANCELLED') return;
      for (const { backorderNo } of original.issuedBackorders) {
        await dropBackorderOfCancelledOrder(deps, event.streamId, backorderNo, causedBy(event, deps.clock.now()));
      }
    },
  });
