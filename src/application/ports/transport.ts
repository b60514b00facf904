import type { ShipmentForTransport } from '../../domain/transport-handoff/index.ts';
import type { CallContext, CallOutcome } from './outside-call.ts';

/** The transport management system. Idempotent by carrier and waybillNo (a waybill number is unique per carrier only). */
export interface Transport {
  pushShipment(shipment: ShipmentForTransport, context?: CallContext): Promise<CallOutcome<{ transportRef: string }>>;
}
