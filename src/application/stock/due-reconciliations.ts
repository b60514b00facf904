import { millis } from '../../domain/kernel/instant.ts';
import type { Dependencies } from '../dependencies.ts';
import { type ReconcileOutcome, reconcileStock } from './reconcile-stock.ts';

/**
 * Reconciliation on a schedule: every `everyMs` by the Clock port (0: never), every warehouse the
 * ledgers know is reconciled with its snapshot. `runDue()` does it when it is due, so a test
 * advances its clock and calls `runDue()`, and production calls it on a timer. The schedule lives
 * in memory: after a restart the first reconciliation is one period after the start.
 */
export class DueReconciliations {
  private nextAt: number;

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
    for (const warehouseCode of warehouses)
      outcomes.push({ warehouseCode, outcome: await reconcileStock(this.deps, warehouseCode, this.deps.ids.newId()) });
    return outcomes;
  }
}
