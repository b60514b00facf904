/**
 * Upcasting: an event of an older shape (`legacyOrderEvent`, `legacyInboundEvent`,
 * `legacyReturnEvent`) completed from its aggregate as it stood just before it, with the
 * domain's own rules for each field, so an old event reads exactly as the decider would write
 * it today.
 */
import type { z } from 'zod';
import { type InboundCreatedData, type InboundEvent, receiptDestination } from '../../domain/inbound-order/index.ts';
import type { ReturnCreatedData, ReturnEvent } from '../../domain/return-order/index.ts';
import type { legacyInboundEvent } from './inbound-events.ts';
import type { legacyReturnEvent } from './return-events.ts';
import {
  type OrderEvent,
  type OrderState,
  orderSkus,
  reportedShortBy,
  shipmentContext,
  withdrawalOnCancel,
  withdrawalOnReroute,
} from '../../domain/outbound-order/index.ts';
import type { legacyOrderEvent } from './order-events.ts';

export const completeOrderEvent = (legacy: z.output<typeof legacyOrderEvent>, before: OrderState): OrderEvent => {
  switch (legacy.type) {
    case 'ShipmentRecorded':
      return { type: legacy.type, data: { ...legacy.data, ...shipmentContext(before) } };
    case 'AnomalyDetected':
      return { type: legacy.type, data: { ...legacy.data, shipment: { ...legacy.data.shipment, ...shipmentContext(before) } } };
    case 'ReservationRequested': {
      const { supersedes } = legacy.data;
      return {
        type: legacy.type,
        data: { ...legacy.data, supersedes: supersedes === null ? null : { ...supersedes, skus: orderSkus(before) } },
      };
    }
    case 'OrderRerouted':
      return { type: legacy.type, data: { ...legacy.data, skus: orderSkus(before), withdrawFrom: withdrawalOnReroute(before) } };
    case 'OrderCancelled':
      return {
        type: legacy.type,
        data: { ...legacy.data, skus: orderSkus(before), withdrawFrom: withdrawalOnCancel(before, legacy.data.requestId) },
      };
    case 'BackorderCreated':
      return { type: legacy.type, data: { ...legacy.data, reportedShortBy: reportedShortBy(legacy.data) } };
  }
};

export const completeInboundEvent = (legacy: z.output<typeof legacyInboundEvent>, inbound: InboundCreatedData): InboundEvent =>
  legacy.type === 'InboundReceived'
    ? { type: legacy.type, data: { ...legacy.data, destination: receiptDestination(inbound) } }
    : { type: legacy.type, data: { ...legacy.data, destination: receiptDestination(inbound) } };

export const completeReturnEvent = (legacy: z.output<typeof legacyReturnEvent>, created: ReturnCreatedData): ReturnEvent => ({
  type: legacy.type,
  data: { ...legacy.data, warehouseCode: created.warehouseCode },
});
