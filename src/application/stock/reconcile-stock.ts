/*
 * Assumptions. The warehouse is the truth for what is on its shelves, the hub for what is
 * reserved. The snapshot lists every SKU the warehouse holds, a page at a time; a SKU it leaves out
 * has none on its shelves. Batches are summed per SKU and condition (the ledgers do not keep
 * batches). The pages are read first and compared afterwards, so a snapshot that cannot be read
 * whole changes nothing. A shipment or receipt the warehouse made but the hub has not heard of yet
 * when the snapshot is compared counts twice (in the variance, and again when its callback
 * arrives); the next reconciliation puts that right.
 */
import { Refused } from '../../domain/kernel/refused.ts';
import type { StockCondition } from '../../domain/stock-ledger/index.ts';
import { newFlow } from '../commands/cause.ts';
import type { Dependencies } from '../dependencies.ts';
import { recordVariance } from './record-variance.ts';

/** How many lines the hub asks for at a time, and how many pages of one snapshot it reads at most. */
export const SNAPSHOT_PAGE_SIZE = 100;
export const SNAPSHOT_MAX_PAGES = 1000;

const conditions: readonly StockCondition[] = ['SELLABLE', 'DEFECTIVE'];

export type FoundVariance = Readonly<{
  sku: string;
  condition: StockCondition;
  hubFigure: number;
  warehouseFigure: number;
  difference: number;
}>;

export type Reconciliation = Readonly<{
  reconciliationId: string;
  warehouseCode: string;
  /** pages of the snapshot read */
  pages: number;
  /** SKUs compared: those on the shelves and those the ledgers know at this warehouse */
  skus: number;
  /** the variances recorded (an agreeing figure records none) */
  variances: readonly FoundVariance[];
  /** lines the ledgers refused (a SKU that cannot name a ledger), with why */
  refused: readonly Readonly<{ sku: string; condition: StockCondition; reason: string }>[];
}>;

export type ReconcileOutcome = Readonly<{ ok: true; reconciliation: Reconciliation }> | Readonly<{ ok: false; error: string }>;

type Shelves = Map<string, Record<StockCondition, number>>;

/** Every page of the warehouse's snapshot, summed per SKU and condition; or why it could not be read whole. */
const readShelves = async (
  deps: Dependencies,
  warehouseCode: string,
): Promise<Readonly<{ ok: true; shelves: Shelves; pages: number }> | Readonly<{ ok: false; error: string }>> => {
  const shelves: Shelves = new Map();
  for (let pageNo = 1; pageNo <= SNAPSHOT_MAX_PAGES; pageNo += 1) {
    const page = await deps.warehouse.stockSnapshot({ warehouseCode, pageNo, pageSize: SNAPSHOT_PAGE_SIZE });
    if (!page.ok) return { ok: false, error: `page ${pageNo} of ${warehouseCode}'s stock snapshot: ${page.error}` };
    for (const line of page.value.lines) {
      const held = shelves.get(line.sku) ?? { SELLABLE: 0, DEFECTIVE: 0 };
      held[line.condition] += line.quantity;
      shelves.set(line.sku, held);
    }
    if (!page.value.hasMore) return { ok: true, shelves, pages: pageNo };
  }
  return { ok: false, error: `${warehouseCode}'s stock snapshot did not end within ${SNAPSHOT_MAX_PAGES} pages` };
};

/**
 * Ask a warehouse what its shelves hold and correct every ledger of that warehouse that differs
 * (on hand and defective), each by a variance under `reconciliationId`, so that the same
 * reconciliation applied again changes nothing (docs/architecture.md#stock-reconciliation).
 */
export const reconcileStock = async (deps: Dependencies, warehouseCode: string, reconciliationId: string): Promise<ReconcileOutcome> => {
  const read = await readShelves(deps, warehouseCode);
  if (!read.ok) return read;
  const cause = newFlow(`reconcile:${reconciliationId}`, deps.clock.now());
  const known = (await deps.inventory.levels({ warehouseCode })).map((level) => level.sku);
  const skus = [...new Set([...read.shelves.keys(), ...known])].sort();
  const variances: FoundVariance[] = [];
  const refused: { sku: string; condition: StockCondition; reason: string }[] = [];
  for (const sku of skus) {
    const level = await deps.inventory.level(warehouseCode, sku);
    const shelf = read.shelves.get(sku);
    for (const condition of conditions) {
      const hubFigure = condition === 'SELLABLE' ? level.onHand : level.defective;
      const warehouseFigure = shelf?.[condition] ?? 0;
      if (hubFigure === warehouseFigure) continue;
      try {
        const { events } = await recordVariance(
          deps,
          {
            reference: reconciliationId,
            warehouseCode,
            sku,
            source: 'RECONCILIATION',
            condition,
            shelf: { kind: 'COUNTED', quantity: warehouseFigure },
            reason: `stock snapshot of ${warehouseCode} (${reconciliationId})`,
            batchNo: null,
          },
          cause,
        );
        for (const event of events)
          if (event.type === 'StockVarianceRecorded') {
            const { hubFigure: before, warehouseFigure: after, difference } = event.data;
            variances.push({ sku, condition, hubFigure: before, warehouseFigure: after, difference });
          }
      } catch (error) {
        if (!(error instanceof Refused)) throw error;
        refused.push({ sku, condition, reason: `${error.reason}: ${error.message}` });
      }
    }
  }
  return { ok: true, reconciliation: { reconciliationId, warehouseCode, pages: read.pages, skus: skus.length, variances, refused } };
};
