/**
 * A transport management system to run the hub against: `POST /api/tms/shipments` in the
 * contract of `tms-wire.ts`, idempotent by carrier and waybillNo (the same carrier's waybill again
 * answers the same transportRef; the same number from another carrier is another shipment), with
 * the request faults (latencyMs, errorRate). `GET /sandbox/shipments` shows what it holds.
 */
import type { Express, Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { shipmentPushRequest } from '../tms/tms-wire.ts';
import { Faults, type TmsFaultsInput, tmsFaults } from './sandbox-faults.ts';
import { answer, jsonApp, validBody, type SecretOf } from './sandbox-http.ts';
import { type Schedule, dayStamp, waitOn } from './sandbox-time.ts';

export type SandboxTmsOptions = Readonly<{
  faults: TmsFaultsInput;
  /** the zone of its document numbers' day */
  zone: string;
  random: () => number;
  schedule: Schedule;
  now: () => number;
  logger: Logger;
  /** the secret the hub signs its calls with, by the call's body (absent: calls need not be signed) */
  secretOf?: SecretOf;
}>;

export type SandboxShipment = z.output<typeof shipmentPushRequest> & { transportRef: string; pushes: number };

export class SandboxTms {
  readonly app: Express;
  readonly faults: Faults<typeof tmsFaults>;
  /** by carrier and waybill number */
  private readonly held = new Map<string, SandboxShipment>();

  constructor(private readonly options: SandboxTmsOptions) {
    this.faults = new Faults(tmsFaults, options.faults, options.random, waitOn(options.schedule));
    this.app = jsonApp((app) => {
      app.post('/api/tms/shipments', (req, res) => this.pushShipment(req.body, res));
      app.get('/sandbox/shipments', (_req, res) => answer(res, 200, { shipments: this.shipments() }));
      this.faults.serve(app);
    }, options.secretOf);
  }

  shipments(): readonly Readonly<SandboxShipment>[] {
    return [...this.held.values()];
  }

  private async pushShipment(raw: unknown, res: Response): Promise<void> {
    if (await this.faults.delayOrFail(res, 'shipment')) {
      this.options.logger.warn(`shipment answered 503 (errorRate ${this.faults.current.errorRate})`);
      return;
    }
    const request = validBody(shipmentPushRequest, raw, res);
    if (request === undefined) return;
    const key = JSON.stringify([request.carrier, request.waybillNo]);
    let shipment = this.held.get(key);
    if (shipment === undefined) {
      const transportRef = `TMS${dayStamp(this.options.now(), this.options.zone)}${String(this.held.size + 1).padStart(4, '0')}`;
      shipment = { ...request, transportRef, pushes: 0 };
      this.held.set(key, shipment);
      this.options.logger.info(
        { waybillNo: request.waybillNo, transportRef },
        `TMS took waybill ${request.waybillNo} of ${request.orderNo} (${request.carrier}) as ${transportRef}`,
      );
    }
    shipment.pushes += 1;
    answer(res, 200, { transportRef: shipment.transportRef, status: 'ACCEPTED' });
  }
}
