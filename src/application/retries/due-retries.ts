import { millis } from '../../domain/kernel/instant.ts';
import { causedBy } from '../commands/cause.ts';
import type { Cause } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';
import type { Category, HubEvent } from '../events/recorded-event.ts';
import { undecodableAlert } from '../events/undecodable-event.ts';
import type { Subscription } from '../ports/event-store.ts';
import { pushInbound } from '../inbound/push-inbound.ts';
import { pushOutbound } from '../outbound/push-outbound.ts';
import { handOffShipment } from '../transport/hand-off-shipment.ts';

/** A retry scheduled, of whichever stream schedules them. */
type Scheduled = Extract<HubEvent, Readonly<{ type: 'PushRetryScheduled' }>>;

type Retry = (deps: Dependencies, id: string, cause: Cause) => Promise<void>;

/** What retrying means, per kind of stream that schedules retries (docs/architecture.md#retries). */
const retries: Readonly<Partial<Record<Category, Retry>>> = {
  order: pushOutbound,
  inbound: pushInbound,
  shipment: handOffShipment,
};

/**
 * The retries that are due. Every `PushRetryScheduled` (of an outbound order, an inbound order or
 * a shipment's hand-off) is remembered with its deadline; `runDue()` retries those whose deadline
 * has come by the Clock port, so a test advances its clock and calls `runDue()`, and production
 * calls it on a timer. The retry routines re-check the stream before calling out, so a retry
 * that is no longer wanted (cancelled, pushed by hand) does nothing.
 *
 * The index lives in memory and is rebuilt from the events at start (it subscribes from the
 * beginning), so a restart loses no retry.
 */
export class DueRetries {
  /** stream → the PushRetryScheduled event that set its deadline */
  private readonly due = new Map<string, Scheduled>();
  private subscription: Subscription | undefined;

  constructor(private readonly deps: Dependencies) {}

  /** Follow the store; resolves once every retry scheduled so far is known. */
  async start(): Promise<void> {
    this.subscription = this.deps.events.subscribe({
      types: ['PushRetryScheduled'],
      onEvent: (event) => this.observe(event),
      onUndecodable: (problem) => this.deps.alerting.raise(undecodableAlert(problem, this.deps.clock.now())),
    });
    await this.subscription.caughtUp;
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  /** streams waiting for a retry, with their deadlines, soonest first */
  pending(): readonly Readonly<{ stream: string; dueAt: string }>[] {
    return [...this.due].map(([stream, event]) => ({ stream, dueAt: event.data.dueAt })).sort((a, b) => millis(a.dueAt) - millis(b.dueAt));
  }

  /** Retry everything due now; returns how many retries were attempted. */
  async runDue(): Promise<number> {
    const now = millis(this.deps.clock.now());
    let attempted = 0;
    for (const { stream, dueAt } of this.pending()) {
      if (millis(dueAt) > now) break;
      const scheduled = this.due.get(stream);
      const retry = scheduled === undefined ? undefined : retries[scheduled.category];
      if (retry !== undefined && scheduled !== undefined)
        await retry(this.deps, scheduled.streamId, causedBy(scheduled, this.deps.clock.now()));
      attempted += 1;
      // a failed retry scheduled the next one meanwhile: keep that one
      if (this.due.get(stream) === scheduled) this.due.delete(stream);
    }
    return attempted;
  }

  private observe(event: HubEvent): void {
    if (event.type === 'PushRetryScheduled') this.due.set(event.stream, event);
  }
}
