import { describe, expect, it } from 'vitest';
import { stockLevels, stockLevelsProjection } from '../../../src/application/projections/stock-levels.ts';
import { stockVariances, stockVariancesProjection } from '../../../src/application/projections/stock-variances.ts';
import { stockLedgerDecider } from '../../../src/domain/stock-ledger/index.ts';
import { ledger, stockVarianceLife } from '../../support/category-lives.ts';
import { fold } from '../../../src/domain/kernel/decider.ts';
import { EventLog, project, rowsOf } from './projection-harness.ts';

const stream = 'stock-WH001.SKU001';

describe('stock variances per warehouse, SKU and condition', () => {
  it('keeps the latest variance of each figure, with how many there were and their sum', () => {
    const tables = project(stockVariancesProjection, new EventLog().add(stream, ...stockVarianceLife).all());
    expect(rowsOf(tables, stockVariances.name)).toEqual([
      {
        ...ledger,
        condition: 'DEFECTIVE',
        hubFigure: 0,
        warehouseFigure: -1,
        difference: -1,
        source: 'WAREHOUSE_CHANGE',
        reason: 'SCRAPPED',
        reference: 'CHG1/1',
        recordedAt: expect.any(String),
        variances: 1,
        netDifference: -1,
      },
      {
        ...ledger,
        condition: 'SELLABLE',
        hubFigure: 19,
        warehouseFigure: 1,
        difference: -18,
        source: 'RECONCILIATION',
        reason: 'stock snapshot of WH001 (REC1)',
        reference: 'REC1',
        recordedAt: expect.any(String),
        variances: 2,
        netDifference: -19,
      },
    ]);
  });

  it('moves the stock levels by each variance, on hand or defective, as the ledger does', () => {
    const tables = project(stockLevelsProjection, new EventLog().add(stream, ...stockVarianceLife).all());
    const state = fold(stockLedgerDecider, stockVarianceLife);
    expect(rowsOf(tables, stockLevels.name)).toEqual([
      { ...ledger, onHand: state.onHand, reserved: state.reserved, defective: state.defective, anomalies: state.anomalies },
    ]);
    expect(state).toMatchObject({ onHand: 1, reserved: 2, defective: -1, anomalies: 3 });
  });
});
