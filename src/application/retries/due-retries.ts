import { millis } from '../../domain/kernel/instant.ts';
import { causedBy } from '../commands/cause.ts';
import type { Cause } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';
import { KeptRows } from '../events/kept-rows.ts';
import type { Category } from '../events/recorded-event.ts';
import { undecodableAlert } from '../events/undecodable-event.ts';
import type { Subscription } from '../ports/event-store.ts';
import type { KeptReadModel } from '../ports/kept-read-model.ts';
import { pushInbound } from '../inbound/push-inbound.ts';
import { remakeCancelCalls } from '../outbound/intercept-outbound.ts';
import { pushOutbound } from '../outbound/push-outbound.ts';
import { handOffShipment } from '../transport/hand-off-shipment.ts';
import { type DueRetry, dueRetryCodec } from './due-retry.ts';

type Retry = (deps: Dependencies, id: string, cause: Cause) => Promise<void>;

/** What retrying means, per kind of stream that schedules retries (docs/architecture.md#retries). */
const retries: Readonly<Partial<Record<Category, Retry>>> = {
  order: pushOutbound,
  inbound: pushInbound,
  shipment: handOffShipment,
};

/** The row watching a claimed cancel call, beside the stream's own row (an order may push to one warehouse while withdrawing from another). */
const cancelClaimKey = (stream: string, kind: string, id: string): string => `${stream}#${kind}:${id}`;

/** The name the index is kept under. */
export const DUE_RETRIES_MODEL = 'due-retries';

/**
 * The retries that are due. Every `PushRetryScheduled` (of an outbound order, an inbound order or
 * a shipment's hand-off) is remembered with its deadline; `runDue()` retries those whose deadline
 * has come by the Clock port, so a test advances its clock and calls `runDue()`, and production
 * calls it on a timer. The retry routines re-check the stream before calling out, so a retry
 * that is no longer wanted (cancelled, pushed by hand) does nothing.
 *
 * The index is kept (`deps.keptReadModels`: a table in the hub's data directory) with the position
 * of the last event it has taken in, so that a restart resumes it there and loses no retry; without
 * a place to keep it, it lives in memory and is rebuilt from the events at start.
 */
export class DueRetries {
  /** stream → the retry its latest PushRetryScheduled or PushStarted set; `{stream}#{kind}:{id}` → a claimed cancel call's watch */
  private readonly due: KeptRows<DueRetry>;
  private subscription: Subscription | undefined;

  constructor(
    private readonly deps: Dependencies,
    kept: KeptReadModel<DueRetry> | undefined = deps.keptReadModels?.model(DUE_RETRIES_MODEL, dueRetryCodec),
  ) {
    this.due = new KeptRows(kept);
  }

  /** Follow the store from where the kept index stands; resolves once every retry scheduled so far is known. */
  async start(): Promise<void> {
    const after = await this.due.load();
    this.subscription = this.deps.events.subscribe({
      ...(after === undefined ? {} : { after }),
      types: [
        'PushRetryScheduled',
        'PushStarted',
        'PushSucceeded',
        'PushFailed',
        'CancelCallStarted',
        'WithdrawalAnswered',
        'InterceptFailed',
        'OrderCancelled',
      ],
      onEvent: (event) => {
        const row = { category: event.category, streamId: event.streamId, cause: causedBy(event, event.metadata.recordedAt) };
        if (event.type === 'PushRetryScheduled') this.due.set(event.stream, { ...row, kind: 'retry', dueAt: event.data.dueAt });
        // a claimed call is looked at again when its claim runs out, unless its outcome came: its caller died, and the call is made again
        if (event.type === 'PushStarted') this.due.set(event.stream, { ...row, kind: 'claim', dueAt: event.data.expiresAt });
        if ((event.type === 'PushSucceeded' || event.type === 'PushFailed') && this.due.get(event.stream)?.kind === 'claim')
          this.due.delete(event.stream);
        if (event.type === 'CancelCallStarted') {
          const key = cancelClaimKey(event.stream, event.data.kind, event.data.id);
          this.due.set(key, { ...row, kind: 'cancel-claim', dueAt: event.data.expiresAt });
        }
        if (event.type === 'WithdrawalAnswered') this.due.delete(cancelClaimKey(event.stream, 'WITHDRAW', event.data.withdrawalId));
        if (event.type === 'InterceptFailed') this.due.delete(cancelClaimKey(event.stream, 'INTERCEPT', event.data.cancelRequestId));
        if (event.type === 'OrderCancelled' && event.data.requestId !== null)
          this.due.delete(cancelClaimKey(event.stream, 'INTERCEPT', event.data.requestId));
        this.due.reached(event.position);
      },
      // the index stands at every event it has looked at, so that a restart starts after them
      onPassedOver: (position) => this.due.reached(position),
      onUndecodable: async (problem) => {
        await this.deps.alerting.raise(undecodableAlert(problem, this.deps.clock.now()));
        this.due.reached(problem.stored.position);
      },
    });
    await this.subscription.caughtUp;
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    await this.due.flush();
  }

  /** streams waiting for a retry, with their deadlines, soonest first (claimed calls waiting for their outcome are not retries) */
  pending(): readonly Readonly<{ stream: string; dueAt: string }>[] {
    return this.soonestFirst().filter(({ kind }) => kind === 'retry');
  }

  private soonestFirst(): readonly Readonly<{ stream: string; dueAt: string; kind: DueRetry['kind'] }>[] {
    return [...this.due.entries()]
      .map(([stream, retry]) => ({ stream, dueAt: retry.dueAt, kind: retry.kind }))
      .sort((a, b) => millis(a.dueAt) - millis(b.dueAt));
  }

  /**
   * Retry everything due now, and make again the claimed calls (pushes, hand-offs, cancels sent to
   * a warehouse) whose claim ran out with no outcome; returns how many retries were attempted.
   * `calling`: the dependencies the retries call out through (a worker's, whose WMS and TMS are
   * fenced by its lease on the due retries).
   */
  async runDue(calling: Dependencies = this.deps): Promise<number> {
    const now = millis(this.deps.clock.now());
    let attempted = 0;
    for (const { stream, dueAt, kind } of this.soonestFirst()) {
      if (millis(dueAt) > now) break;
      const scheduled = this.due.get(stream);
      const retry =
        scheduled === undefined ? undefined : scheduled.kind === 'cancel-claim' ? remakeCancelCalls : retries[scheduled.category];
      if (retry !== undefined && scheduled !== undefined)
        await retry(calling, scheduled.streamId, { ...scheduled.cause, recordedAt: this.deps.clock.now() });
      if (kind === 'retry') attempted += 1;
      // a failed retry scheduled the next one meanwhile: keep that one
      if (this.due.get(stream) === scheduled) this.due.delete(stream);
    }
    return attempted;
  }
}
