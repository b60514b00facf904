/**
 * The `Transport` port over HTTP: `POST /api/tms/shipments`, one per carrier's waybill, in the
 * contract of `tms-wire.ts`. The TMS is idempotent by carrier and waybillNo; this client keeps no
 * state of its own. Signed when the TMS shares a secret with the hub.
 */
import type { CallContext, CallOutcome } from '../../application/ports/outside-call.ts';
import type { Transport } from '../../application/ports/transport.ts';
import type { ShipmentForTransport } from '../../domain/transport-handoff/index.ts';
import { postJson } from '../outside-call/http-call.ts';
import { type ShipmentPushRequest, shipmentPushAnswer } from './tms-wire.ts';

export type TmsHttpClientOptions = Readonly<{
  /** e.g. http://tms.example:8080 (a path prefix is kept) */
  baseUrl: string;
  /** per call, answer included */
  timeoutMs: number;
  /** the secret the calls are signed with (../signature/hub-signature.ts); absent or null: unsigned */
  signingSecret?: () => string | null;
}>;

export class TmsHttpClient implements Transport {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly signingSecret: () => string | null;

  constructor(options: TmsHttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs;
    this.signingSecret = options.signingSecret ?? (() => null);
  }

  async pushShipment(shipment: ShipmentForTransport, context?: CallContext): Promise<CallOutcome<{ transportRef: string }>> {
    const body: ShipmentPushRequest = {
      waybillNo: shipment.waybillNo,
      orderNo: shipment.orderNo,
      carrier: shipment.carrier,
      consignee: {
        name: shipment.consignee.name,
        phone: shipment.consignee.phone,
        province: shipment.consignee.province,
        city: shipment.consignee.city,
        district: shipment.consignee.district,
        address: shipment.consignee.address,
      },
      items: shipment.items.map((line) =>
        line.batchNo === undefined
          ? { sku: line.sku, quantity: line.quantity }
          : { sku: line.sku, quantity: line.quantity, batchNo: line.batchNo },
      ),
      shippedTime: shipment.shippedAt,
    };
    const outcome = await postJson({
      url: `${this.baseUrl}/api/tms/shipments`,
      body,
      answer: shipmentPushAnswer,
      timeoutMs: this.timeoutMs,
      signingSecret: this.signingSecret(),
      context,
    });
    return outcome.ok ? { ok: true, value: { transportRef: outcome.value.transportRef } } : outcome;
  }
}
