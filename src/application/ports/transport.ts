import type { ShipmentForTransport } from '../../domain/transport-handoff/index.ts';
import type { CallOutcome } from './outside-call.ts';

/** The transport management system. Idempotent by waybillNo. */
export interface Transport {
  pushShipment(shipment: ShipmentForTransport): Promise<CallOutcome<{ transportRef: string }>>;
}
