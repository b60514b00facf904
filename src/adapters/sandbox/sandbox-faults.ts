/**
 * The faults the sandbox plays, set at start and at runtime (`GET` / `PUT /sandbox/faults`; a PUT
 * sets the whole set: what it leaves out is off), and the ones every request meets: a delay
 * (`latencyMs`), then `503` at `errorRate`. The rest are read by the WMS where they matter.
 */
import type { Express, Response } from 'express';
import { z } from 'zod';
import { answer, validBody } from './sandbox-http.ts';

const rate = (what: string) =>
  z.number(`${what} must be a number from 0 to 1`).min(0, `${what} must be from 0 to 1`).max(1, `${what} must be from 0 to 1`).default(0);
const latencyMs = z.int('latencyMs must be a whole number of milliseconds').min(0).max(60_000).default(0);

export const wmsFaults = z.strictObject({
  /** manual: take orders but never call back; a person plays the warehouse with curl */
  mode: z.enum(['auto', 'manual']).default('auto'),
  /** share of calls answered 503 before anything is done */
  errorRate: rate('errorRate'),
  /** share of calls refused with 400 before anything is done */
  rejectRate: rate('rejectRate'),
  /** share of calls that are done but never answered: the caller times out (why idempotency matters) */
  timeoutRate: rate('timeoutRate'),
  latencyMs,
  /** sku → units short per order: reported on /api/oms/outbound/shortage instead of shipped */
  shortage: z.record(z.string().min(1), z.int('a shortage must be a whole number').positive('a shortage must be at least 1')).default({}),
  /** ship each order in two waybills */
  partialShipments: z.boolean().default(false),
  /** send every callback twice */
  duplicateCallbacks: z.boolean().default(false),
  /** send the shipment before the progress reports */
  outOfOrderCallbacks: z.boolean().default(false),
  /** share of each returned SKU's units found defective at inspection (rounded) */
  defectiveShare: rate('defectiveShare'),
});
export type WmsFaults = z.output<typeof wmsFaults>;
export type WmsFaultsInput = z.input<typeof wmsFaults>;

export const tmsFaults = z.strictObject({ errorRate: rate('errorRate'), latencyMs });
export type TmsFaults = z.output<typeof tmsFaults>;
export type TmsFaultsInput = z.input<typeof tmsFaults>;

type RequestFaults = Readonly<{ errorRate: number; latencyMs: number }>;

export class Faults<S extends z.ZodType<RequestFaults>> {
  private value: z.output<S>;

  constructor(
    private readonly schema: S,
    initial: z.input<S>,
    private readonly random: () => number,
    private readonly wait: (ms: number) => Promise<void>,
  ) {
    this.value = schema.parse(initial);
  }

  get current(): z.output<S> {
    return this.value;
  }

  /** Replace the faults (what is left out is off); throws on an invalid set. */
  set(input: z.input<S>): z.output<S> {
    this.value = this.schema.parse(input);
    return this.value;
  }

  /** A draw of the injected randomness: true at the given rate (no draw at 0). */
  hits(rate: number): boolean {
    return rate > 0 && this.random() < rate;
  }

  /** Delay by latencyMs, then answer 503 at errorRate. True when the request has been answered. */
  async delayOrFail(res: Response, what: string): Promise<boolean> {
    const { latencyMs: delay, errorRate } = this.value;
    if (delay > 0) await this.wait(delay);
    if (!this.hits(errorRate)) return false;
    answer(res, 503, null, `sandbox fault (errorRate ${errorRate}): ${what} not done, try again`);
    return true;
  }

  /** `GET /sandbox/faults` and `PUT /sandbox/faults` (422 listing bad or unknown fields). */
  serve(app: Express): void {
    app.get('/sandbox/faults', (_req, res) => answer(res, 200, this.value));
    app.put('/sandbox/faults', (req, res) => {
      const faults = validBody(this.schema, req.body, res);
      if (faults === undefined) return;
      this.value = faults;
      answer(res, 200, this.value);
    });
  }
}
