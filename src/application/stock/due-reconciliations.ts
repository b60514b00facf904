import { millis } from '../../domain/kernel/instant.ts';
import type { Dependencies } from '../dependencies.ts';
import { type ReconcileOutcome, reconcileStock } from './reconcile-stock.ts';

/**
 * Reconciliation on a schedule: every `everyMs` by the Clock port (0: never), every warehouse the
 * ledgers know is reconciled with its snapshot. `runDue()` does it when it is due, so a test
 * advances its clock and calls `runDue()`, and production calls it on a timer. The schedule lives
 * in memory: after a restart the first reconciliation is one period after the start.
 *
 * A warehouse whose scheduled reconciliation fails (its snapshot could not be read whole, so
 * nothing was changed) raises a RECONCILIATION_FAILED alert, subject `reconciliation-{warehouse}`:
 * one per run of failures (keyed by the time of the first), so a warehouse down all day raises one
 * alert, not one per period; a success ends the run. Runs of failures are kept in memory, like the
 * schedule: a restart in the middle of one starts a new one.
 */
export class DueReconciliations {
  private nextAt: number;
  /** per warehouse failing since a run of failures began: when it began */
  private readonly failingSince = new Map<string, string>();

  constructor(
    private readonly deps: Dependencies,
    private readonly everyMs: number,
  ) {
    this.nextAt = millis(deps.clock.now()) + everyMs;
  }

  /** Reconcile every known warehouse if a period has passed; each warehouse's outcome, or none when nothing was due. */
  async runDue(): Promise<readonly Readonly<{ warehouseCode: string; outcome: ReconcileOutcome }>[]> {
    const now = millis(this.deps.clock.now());
    if (this.everyMs === 0 || now < this.nextAt) return [];
    this.nextAt = now + this.everyMs;
    const warehouses = [...new Set((await this.deps.inventory.levels()).map((level) => level.warehouseCode))].sort();
    const outcomes: { warehouseCode: string; outcome: ReconcileOutcome }[] = [];
    for (const warehouseCode of warehouses) {
      const outcome = await reconcileStock(this.deps, warehouseCode, this.deps.ids.newId());
      if (outcome.ok) this.failingSince.delete(warehouseCode);
      else await this.alertFailed(warehouseCode, outcome.error);
      outcomes.push({ warehouseCode, outcome });
    }
    return outcomes;
  }

  private async alertFailed(warehouseCode: string, error: string): Promise<void> {
    const now = this.deps.clock.now();
    const since = this.failingSince.get(warehouseCode) ?? now;
    this.failingSince.set(warehouseCode, since);
    await this.deps.alerting.raise({
      key: `reconciliation-failed:${warehouseCode}:${since}`,
      kind: 'RECONCILIATION_FAILED',
      subject: `reconciliation-${warehouseCode}`,
      message: `the scheduled reconciliation of ${warehouseCode} failed, nothing was changed: ${error}`,
      details: { warehouseCode, error, failingSince: since },
      raisedAt: now,
    });
  }
}
