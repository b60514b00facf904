/**
 * The transport hand-off's events (`shipment-{carrier}.{waybillNo}` streams; stores written before
 * waybills were per carrier also hold `shipment-{waybillNo}` ones, whose carrier may be a name).
 */
import { z } from 'zod';
import type { HandOffEvent } from '../../domain/transport-handoff/index.ts';
import {
  attempt,
  code,
  consignee,
  eventOf,
  instant,
  lines,
  manualReason,
  pushFailed,
  pushRetryScheduled,
  pushStarted,
  text,
} from './fields.ts';

export const shipmentEvent: z.ZodType<HandOffEvent> = z.discriminatedUnion('type', [
  eventOf(
    'ShipmentRegistered',
    z.strictObject({
      waybillNo: code,
      orderNo: code,
      carrier: code,
      consignee,
      items: lines.min(1),
      shippedAt: instant,
      registeredAt: instant,
    }),
  ),
  eventOf('PushStarted', pushStarted),
  eventOf('PushSucceeded', z.strictObject({ attempt, transportRef: code, pushedAt: instant })),
  eventOf('PushFailed', pushFailed),
  eventOf('PushRetryScheduled', pushRetryScheduled),
  eventOf('RetryRequested', z.strictObject({ requestId: code, newRound: z.boolean(), requestedBy: text, requestedAt: instant })),
  eventOf('ManualInterventionRequired', z.strictObject({ reason: manualReason, detail: text, at: instant })),
]);
