import type { RecordVariance } from '../../domain/stock-ledger/index.ts';
import { onStock } from '../commands/aggregates.ts';
import type { Cause } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';

/** A variance as its callers know it: everything but the time and the alert threshold, which the hub adds. */
export type VarianceReport = Omit<RecordVariance['data'], 'now' | 'alertAbove'>;

/**
 * Tell a ledger what the warehouse says its shelves hold (docs/architecture.md#stock-ledger): a
 * variance, an anomaly for a person when it is larger than `varianceAlertUnits`.
 */
export const recordVariance = (deps: Dependencies, variance: VarianceReport, cause: Cause) =>
  onStock(deps, { type: 'RecordVariance', data: { ...variance, alertAbove: deps.varianceAlertUnits, now: deps.clock.now() } }, cause);
