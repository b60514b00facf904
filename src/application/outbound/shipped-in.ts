import type { Shipment } from '../../domain/outbound-order/index.ts';
import type { RecordedOf } from '../events/recorded-event.ts';

/** The goods an order event says left a warehouse: a recorded shipment, or one recorded as an anomaly (after the order closed). */
export const shippedIn = (event: RecordedOf<'order', 'ShipmentRecorded' | 'AnomalyDetected'>): Shipment | null =>
  event.type === 'ShipmentRecorded' ? event.data : event.data.shipment;
