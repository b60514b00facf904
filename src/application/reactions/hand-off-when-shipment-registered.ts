import type { HandOffEvent } from '../../domain/transport-handoff/index.ts';
import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { handOffShipment } from '../transport/hand-off-shipment.ts';
import { type Reaction, streamId } from './reaction.ts';

/** A shipment registered for transport, or a person asked to retry → push it to the TMS. */
export const handOffWhenShipmentRegistered = (deps: Dependencies): Reaction => ({
  name: 'hand-off-when-shipment-registered',
  category: 'shipment',
  handle: async (stored) => {
    const event = stored as unknown as HandOffEvent;
    if (event.type === 'ShipmentRegistered' || event.type === 'RetryRequested') {
      await handOffShipment(deps, streamId(stored.stream), causedBy(stored, deps.clock.now()));
    }
  },
});
