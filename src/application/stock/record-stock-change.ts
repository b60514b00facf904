import { identifierProblems } from '../../domain/kernel/identifiers.ts';
import { refuse } from '../../domain/kernel/refused.ts';
import type { StockCondition } from '../../domain/stock-ledger/index.ts';
import { newFlow } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import type { FoundVariance } from './reconcile-stock.ts';
import { recordVariance } from './record-variance.ts';

export type StockChange = Readonly<{
  changeId: string;
  warehouseCode: string;
  lines: readonly Readonly<{ sku: string; quantity: number; reason: string; condition: StockCondition; batchNo: string | null }>[];
}>;

/**
 * A warehouse changed its stock itself (damage, a find, a write-off, a move from sellable to
 * defective) and says so: each line a variance on its ledger, under `{changeId}/{line number}`,
 * so the same change sent again is applied once. The warehouse code and every SKU are checked
 * before any line is applied, so that a change is applied whole or refused whole.
 */
export const recordStockChange = async (
  deps: Dependencies,
  change: StockChange,
): Promise<Readonly<{ changed: boolean; variances: readonly FoundVariance[] }>> => {
  const problems = [
    ...identifierProblems('warehouseCode', 'warehouseCode', change.warehouseCode),
    ...change.lines.flatMap((line, index) => identifierProblems('code', `lines[${index}].sku`, line.sku)),
  ];
  if (problems.length > 0) refuse('INVALID_COMMAND', 'the stock change is not valid', problems);
  const cause = newFlow(`stock-change:${change.warehouseCode}:${change.changeId}`, deps.clock.now());
  const variances: FoundVariance[] = [];
  for (const [index, line] of change.lines.entries()) {
    const { events } = await recordVariance(
      deps,
      {
        reference: `${change.changeId}/${index + 1}`,
        warehouseCode: change.warehouseCode,
        sku: line.sku,
        source: 'WAREHOUSE_CHANGE',
        condition: line.condition,
        shelf: { kind: 'CHANGED_BY', quantity: line.quantity },
        reason: line.reason,
        batchNo: line.batchNo,
      },
      cause,
    );
    for (const event of events)
      if (event.type === 'StockVarianceRecorded') {
        const { sku, condition, hubFigure, warehouseFigure, difference } = event.data;
        variances.push({ sku, condition, hubFigure, warehouseFigure, difference });
      }
  }
  return { changed: variances.length > 0, variances };
};
