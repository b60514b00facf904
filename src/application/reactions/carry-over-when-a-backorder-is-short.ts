import { onOrder } from '../commands/aggregates.ts';
import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { eventsOf, reaction } from './reaction.ts';

/**
 * A backorder could not ship some quantities (`OwedToOriginal`) → its original order numbers the next
 * backorder of the family and owes them under it (`BackorderCarriedOver`, placed from the backorder
 * book like any other), so numbers never nest: `OMS1-BO2`, not `OMS1-BO1-BO1` (docs/architecture.md#backorders).
 */
export const carryOverWhenABackorderIsShort = (deps: Dependencies) =>
  reaction({
    name: 'carry-over-when-a-backorder-is-short',
    handles: eventsOf('order', ['OwedToOriginal']),
    handle: async (event) => {
      const { originalOrderNo, owedNo, warehouseCode, lines, reportedShortBy } = event.data;
      const now = deps.clock.now();
      await onOrder(
        deps,
        originalOrderNo,
        { type: 'CarryOverBackorder', data: { fromOrderNo: event.streamId, owedNo, warehouseCode, lines, reportedShortBy, now } },
        causedBy(event, now),
      );
    },
  });
