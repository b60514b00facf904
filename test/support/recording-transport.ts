/** A fake TMS that always takes the shipment (idempotent by carrier and waybillNo) and remembers every call. */
import type { CallOutcome } from '../../src/application/ports/outside-call.ts';
import type { Transport } from '../../src/application/ports/transport.ts';
import { waybillId } from '../../src/domain/kernel/waybill.ts';
import type { ShipmentForTransport } from '../../src/domain/transport-handoff/index.ts';

export class RecordingTransport implements Transport {
  readonly calls: ShipmentForTransport[] = [];

  async pushShipment(shipment: ShipmentForTransport): Promise<CallOutcome<{ transportRef: string }>> {
    this.calls.push(shipment);
    return { ok: true, value: { transportRef: `TMS-${waybillId(shipment)}` } };
  }

  /** the carriers' waybills handed over (`{carrier}.{waybillNo}`), each once */
  waybills(): ReadonlySet<string> {
    return new Set(this.calls.map(waybillId));
  }
}
