import { onInbound } from '../commands/aggregates.ts';
import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { returnInboundNo } from '../../domain/inbound-order/index.ts';
import { eventsOf, reaction } from './reaction.ts';

/** A return accepted → an inbound order of kind RETURN, so that the warehouse expects the goods. */
export const expectReturnAtWarehouse = (deps: Dependencies) =>
  reaction({
    name: 'expect-return-at-warehouse',
    handles: eventsOf('return', ['ReturnCreated']),
    handle: async (event) => {
      const { returnNo, warehouseCode, lines } = event.data;
      await onInbound(
        deps,
        {
          type: 'CreateInbound',
          data: { inboundNo: returnInboundNo(returnNo), kind: 'RETURN', warehouseCode, returnNo, lines, now: deps.clock.now() },
        },
        causedBy(event, deps.clock.now()),
      );
    },
  });
