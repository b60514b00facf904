/**
 * Reconciliation and stock changes at the application layer (docs/architecture.md#stock-reconciliation):
 * the snapshot read whole, page by page, before anything is compared; every ledger of the warehouse
 * set to the shelves' figure, on hand and defective, a SKU the snapshot leaves out counting as none;
 * a snapshot that cannot be read changes nothing; a change from the warehouse applied whole or not at all.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { MemoryEventStore } from '../../src/adapters/event-store/memory/memory-event-store.ts';
import { EventStoreInventory } from '../../src/adapters/inventory/event-store-inventory.ts';
import type { Dependencies } from '../../src/application/dependencies.ts';
import type { CallOutcome } from '../../src/application/ports/outside-call.ts';
import type { ShelfLine, StockSnapshotPage, StockSnapshotQuery } from '../../src/application/ports/warehouse.ts';
import { receiveStock } from '../../src/application/stock/count-stock.ts';
import { DueReconciliations } from '../../src/application/stock/due-reconciliations.ts';
import { SNAPSHOT_MAX_PAGES, SNAPSHOT_PAGE_SIZE, reconcileStock } from '../../src/application/stock/reconcile-stock.ts';
import { recordStockChange } from '../../src/application/stock/record-stock-change.ts';
import { Refused } from '../../src/domain/kernel/refused.ts';
import { readerOf } from '../support/decode.ts';
import { FaultyWarehouse } from '../support/faulty-warehouse.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { depsOver } from '../support/memory-deps.ts';

/** A WMS whose snapshot is these lines, in pages as asked; `fail` answers that page with an error. */
class SnapshotWarehouse extends FaultyWarehouse {
  readonly asked: StockSnapshotQuery[] = [];
  fail: number | null = null;
  endless = false;

  constructor(private readonly lines: readonly ShelfLine[]) {
    super();
  }

  override async stockSnapshot(query: StockSnapshotQuery): Promise<CallOutcome<StockSnapshotPage>> {
    this.asked.push(query);
    if (query.pageNo === this.fail) return { ok: false, error: 'HTTP 503', retryable: true };
    const from = (query.pageNo - 1) * query.pageSize;
    return {
      ok: true,
      value: { lines: this.lines.slice(from, from + query.pageSize), hasMore: this.endless || this.lines.length > from + query.pageSize },
    };
  }
}

const stopping: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stopping.splice(0).map((stop) => stop()));
});

const hubWith = async (warehouse: FaultyWarehouse, clock = new ManualClock()): Promise<Dependencies & { store: MemoryEventStore }> => {
  const store = new MemoryEventStore();
  const inventory = new EventStoreInventory(readerOf(store));
  await inventory.start();
  stopping.push(() => inventory.stop());
  return { ...depsOver(store, clock), store, inventory, warehouse };
};

const sellable = (sku: string, quantity: number, batchNo: string | null = null): ShelfLine => ({
  sku,
  condition: 'SELLABLE',
  quantity,
  batchNo,
});
const receive = (deps: Dependencies, sku: string, quantity: number, warehouseCode = 'WH1') =>
  receiveStock(deps, { reference: `OPENING-${sku}`, warehouseCode, sku, quantity, condition: 'SELLABLE' });

describe('reconciling a warehouse with its stock snapshot', () => {
  test('reads every page, sums batches, sets each figure that differs, and counts a SKU the snapshot leaves out as none', async () => {
    const skus = Array.from({ length: SNAPSHOT_PAGE_SIZE + 20 }, (_, i) => `SKU${String(i).padStart(3, '0')}`);
    const warehouse = new SnapshotWarehouse([
      ...skus.map((sku) => sellable(sku, 5)),
      sellable('SKU000', 2, 'B2'),
      { sku: 'SKU001', condition: 'DEFECTIVE', quantity: 1, batchNo: null },
    ]);
    const deps = await hubWith(warehouse);
    await receive(deps, 'SKU000', 7);
    await receive(deps, 'SKU001', 5);
    await receive(deps, 'GONE', 4);
    await receive(deps, 'ELSEWHERE', 4, 'WH2');
    const outcome = await reconcileStock(deps, 'WH1', 'REC1');
    expect(warehouse.asked.map((query) => query.pageNo)).toEqual([1, 2]);
    expect(warehouse.asked.every((query) => query.warehouseCode === 'WH1' && query.pageSize === SNAPSHOT_PAGE_SIZE)).toBe(true);
    expect(outcome.ok && outcome.reconciliation).toMatchObject({ reconciliationId: 'REC1', pages: 2, skus: skus.length + 1, refused: [] });
    const variances = outcome.ok ? outcome.reconciliation.variances : [];
    expect(variances.filter((v) => ['GONE', 'SKU000', 'SKU001'].includes(v.sku))).toEqual([
      { sku: 'GONE', condition: 'SELLABLE', hubFigure: 4, warehouseFigure: 0, difference: -4 },
      { sku: 'SKU001', condition: 'DEFECTIVE', hubFigure: 0, warehouseFigure: 1, difference: 1 },
    ]);
    // SKU000: 5 + 2 in batch B2 = 7, as the ledger says; every SKU the hub never had is new to it
    expect(
      variances.filter((v) => !['GONE', 'SKU000', 'SKU001'].includes(v.sku)).every((v) => v.hubFigure === 0 && v.difference === 5),
    ).toBe(true);
    expect(variances).toHaveLength(skus.length - 2 + 2);
    expect(await deps.inventory.level('WH2', 'ELSEWHERE')).toMatchObject({ onHand: 4 });
    expect(await deps.inventory.level('WH1', 'GONE')).toMatchObject({ onHand: 0 });

    const before = (await deps.store.readAll()).length;
    const again = await reconcileStock(deps, 'WH1', 'REC1');
    expect(again.ok && again.reconciliation.variances).toEqual([]);
    expect((await deps.store.readAll()).length).toBe(before);
  });

  test('a snapshot that cannot be read whole changes nothing, and says which page failed', async () => {
    const warehouse = new SnapshotWarehouse(Array.from({ length: SNAPSHOT_PAGE_SIZE * 2 }, (_, i) => sellable(`SKU${i}`, 1)));
    warehouse.fail = 2;
    const deps = await hubWith(warehouse);
    await receive(deps, 'SKU0', 9);
    const before = (await deps.store.readAll()).length;
    expect(await reconcileStock(deps, 'WH1', 'REC1')).toEqual({ ok: false, error: "page 2 of WH1's stock snapshot: HTTP 503" });
    warehouse.fail = null;
    warehouse.endless = true;
    expect(await reconcileStock(deps, 'WH1', 'REC2')).toEqual({
      ok: false,
      error: `WH1's stock snapshot did not end within ${SNAPSHOT_MAX_PAGES} pages`,
    });
    expect((await deps.store.readAll()).length).toBe(before);
  });

  test('a line whose SKU cannot name a ledger is refused and named; the others are applied', async () => {
    const deps = await hubWith(new SnapshotWarehouse([sellable('SKU 1', 3), sellable('SKU2', 3)]));
    const outcome = await reconcileStock(deps, 'WH1', 'REC1');
    expect(outcome.ok && outcome.reconciliation).toMatchObject({
      variances: [{ sku: 'SKU2', condition: 'SELLABLE', hubFigure: 0, warehouseFigure: 3, difference: 3 }],
      refused: [{ sku: 'SKU 1', condition: 'SELLABLE', reason: expect.stringContaining('INVALID_COMMAND') }],
    });
  });

  test('on a schedule: nothing before the period has passed, then every warehouse the ledgers know; never with a period of 0', async () => {
    const clock = new ManualClock();
    const warehouse = new FaultyWarehouse();
    const deps = await hubWith(warehouse, clock);
    await receive(deps, 'SKU1', 3, 'WH2');
    await receive(deps, 'SKU1', 3, 'WH1');
    warehouse.receive('WH1', 'SKU1', 1);
    warehouse.receive('WH2', 'SKU1', 3);
    const hourly = new DueReconciliations(deps, 3_600_000);
    const never = new DueReconciliations(deps, 0);
    clock.advance({ seconds: 3599 });
    expect(await hourly.runDue()).toEqual([]);
    clock.advance({ seconds: 1 });
    const outcomes = await hourly.runDue();
    expect(outcomes.map(({ warehouseCode, outcome }) => [warehouseCode, outcome.ok && outcome.reconciliation.variances.length])).toEqual([
      ['WH1', 1],
      ['WH2', 0],
    ]);
    expect(await deps.inventory.level('WH1', 'SKU1')).toMatchObject({ onHand: 1 });
    expect(await hourly.runDue()).toEqual([]);
    clock.advance({ seconds: 3600 * 24 });
    expect(await never.runDue()).toEqual([]);
  });
});

describe('a stock change the warehouse reports', () => {
  test('is applied whole, once per change id, each line a variance of its condition', async () => {
    const deps = await hubWith(new FaultyWarehouse());
    await receive(deps, 'SKU1', 10);
    const change = {
      changeId: 'CHG1',
      warehouseCode: 'WH1',
      lines: [
        { sku: 'SKU1', quantity: -3, reason: 'DAMAGED', condition: 'SELLABLE' as const, batchNo: null },
        { sku: 'SKU1', quantity: 3, reason: 'DAMAGED', condition: 'DEFECTIVE' as const, batchNo: 'B1' },
      ],
    };
    expect(await recordStockChange(deps, change)).toEqual({
      changed: true,
      variances: [
        { sku: 'SKU1', condition: 'SELLABLE', hubFigure: 10, warehouseFigure: 7, difference: -3 },
        { sku: 'SKU1', condition: 'DEFECTIVE', hubFigure: 0, warehouseFigure: 3, difference: 3 },
      ],
    });
    expect(await recordStockChange(deps, change)).toEqual({ changed: false, variances: [] });
    expect(await deps.inventory.level('WH1', 'SKU1')).toMatchObject({ onHand: 7, defective: 3 });
  });

  test('is refused whole when its warehouse or a SKU cannot name a ledger', async () => {
    const deps = await hubWith(new FaultyWarehouse());
    const line = { quantity: -1, reason: 'LOST', condition: 'SELLABLE' as const, batchNo: null };
    const refusal = await recordStockChange(deps, {
      changeId: 'CHG1',
      warehouseCode: 'WH.1',
      lines: [
        { ...line, sku: 'SKU1' },
        { ...line, sku: '' },
      ],
    }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(Refused);
    expect(refusal).toMatchObject({
      reason: 'INVALID_COMMAND',
      details: [
        { path: 'warehouseCode', message: 'must be 1–32 letters, digits, _ or -' },
        { path: 'lines[1].sku', message: 'must not be blank' },
      ],
    });
    expect(await deps.store.readAll()).toEqual([]);
  });
});
