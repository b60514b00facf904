import { causedBy } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { handOffShipment } from '../transport/hand-off-shipment.ts';
import { eventsOf, reaction } from './reaction.ts';

/** A shipment registered for transport, or a person asked to retry → push it to the TMS. */
export const handOffWhenShipmentRegistered = (deps: Dependencies) =>
  reaction({
    name: 'hand-off-when-shipment-registered',
    handles: eventsOf('shipment', ['ShipmentRegistered', 'RetryRequested']),
    handle: async (event) => handOffShipment(deps, event.streamId, causedBy(event, deps.clock.now())),
  });
