import type { ReturnEvent } from '../../domain/return-order/index.ts';
import { onInbound } from '../commands/aggregates.ts';
import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { returnInboundNo } from '../returns/return-inbound-no.ts';
import type { Reaction } from './reaction.ts';

/** A return accepted → an inbound order of kind RETURN, so that the warehouse expects the goods. */
export const expectReturnAtWarehouse = (deps: Dependencies): Reaction => ({
  name: 'expect-return-at-warehouse',
  category: 'return',
  handle: async (stored) => {
    const event = stored as unknown as ReturnEvent;
    if (event.type !== 'ReturnCreated') return;
    const { returnNo, warehouseCode, lines } = event.data;
    await onInbound(
      deps,
      {
        type: 'CreateInbound',
        data: { inboundNo: returnInboundNo(returnNo), kind: 'RETURN', warehouseCode, returnNo, lines, now: deps.clock.now() },
      },
      causedBy(stored, deps.clock.now()),
    );
  },
});
