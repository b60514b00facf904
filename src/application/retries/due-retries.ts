import { millis } from '../../domain/kernel/instant.ts';
import { causedBy } from '../commands/cause.ts';
import type { Cause } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';
import { categoryOf, type StoredEvent, type Subscription } from '../ports/event-store.ts';
import { pushInbound } from '../inbound/push-inbound.ts';
import { pushOutbound } from '../outbound/push-outbound.ts';
import { handOffShipment } from '../transport/hand-off-shipment.ts';
import { streamId } from '../reactions/reaction.ts';

type Retry = (deps: Dependencies, id: string, cause: Cause) => Promise<void>;

/** What retrying means, per kind of stream that schedules retries (article §4.2). */
const retries: Readonly<Record<string, Retry>> = {
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
  private readonly due = new Map<string, StoredEvent>();
  private subscription: Subscription | undefined;

  constructor(private readonly deps: Dependencies) {}

  /** Follow the store; resolves once every retry scheduled so far is known. */
  async start(): Promise<void> {
    this.subscription = this.deps.store.subscribe({ onEvent: (event) => this.observe(event) });
    await this.subscription.caughtUp;
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  /** streams waiting for a retry, with their deadlines, soonest first */
  pending(): readonly Readonly<{ stream: string; dueAt: string }>[] {
    return [...this.due].map(([stream, event]) => ({ stream, dueAt: dueAtOf(event) })).sort((a, b) => millis(a.dueAt) - millis(b.dueAt));
  }

  /** Retry everything due now; returns how many retries were attempted. */
  async runDue(): Promise<number> {
    const now = millis(this.deps.clock.now());
    let attempted = 0;
    for (const { stream, dueAt } of this.pending()) {
      if (millis(dueAt) > now) break;
      const retry = retries[categoryOf(stream)];
      const scheduled = this.due.get(stream);
      if (retry !== undefined && scheduled !== undefined)
        await retry(this.deps, streamId(stream), causedBy(scheduled, this.deps.clock.now()));
      attempted += 1;
      // a failed retry scheduled the next one meanwhile: keep that one
      if (this.due.get(stream) === scheduled) this.due.delete(stream);
    }
    return attempted;
  }

  private observe(event: StoredEvent): void {
    if (event.type === 'PushRetryScheduled') this.due.set(event.stream, event);
  }
}

const dueAtOf = (event: StoredEvent): string => (event.data as { dueAt: string }).dueAt;
