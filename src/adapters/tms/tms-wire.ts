/**
 * The wire contract with the transport management system: `POST /api/tms/shipments`, one per
 * waybill of a carrier, idempotent by `carrier` and `waybillNo` (the same carrier's waybill sent
 * again answers with the same `transportRef`; a waybill number is unique per carrier only). Same
 * envelope as the WMS. One source for the client, the sandbox TMS and the OpenAPI document.
 */
import { z } from 'zod';
import { consignee, envelope, warehouseTime } from '../wms/wms-wire.ts';

export const shipmentPushRequest = z.object({
  waybillNo: z.string().min(1),
  orderNo: z.string().min(1),
  /** the carrier's code (SF, YTO, …) */
  carrier: z.string().min(1),
  consignee,
  items: z.array(z.object({ sku: z.string().min(1), quantity: z.int().positive(), batchNo: z.string().optional() })).min(1),
  /** an ISO-8601 instant with offset */
  shippedTime: warehouseTime,
});
export type ShipmentPushRequest = z.input<typeof shipmentPushRequest>;

export const shipmentPushAnswer = envelope(z.object({ transportRef: z.string().min(1), status: z.string() }));
