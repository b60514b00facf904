/**
 * What the sandbox warehouse's shelves hold, per warehouse, SKU and condition (sellable,
 * defective): the opening stock it is given (the hub's demo stock), less what it ships and what it
 * finds missing at picking, plus what it receives and the returns it inspects, and what a person
 * tells it was lost or found. The hub's stock query is answered from it, a page at a time, SKU by
 * SKU. Shelves never hold fewer than none: shipping more than it holds (the hub's count said the
 * units were there) leaves none.
 */
import type { StockQueryRequest } from '../wms/wms-wire.ts';

export type Condition = 'SELLABLE' | 'DEFECTIVE';
export type StockLine = Readonly<{ warehouseCode: string; sku: string; quantity: number }>;
export type Shelf = Readonly<{ warehouseCode: string; sku: string; sellable: number; defective: number }>;
export type ShelfPage = Readonly<{
  items: readonly Readonly<{ sku: string; inventoryType: Condition; quantity: number }>[];
  hasMore: boolean;
  /** lines in all pages */
  total: number;
}>;

const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class ShelfStock {
  /** `{warehouseCode}\n{sku}` → what its shelves hold */
  private readonly held = new Map<string, Record<Condition, number>>();

  constructor(opening: readonly StockLine[]) {
    for (const line of opening) this.put(line.warehouseCode, line.sku, 'SELLABLE', line.quantity);
  }

  /** Units onto the shelves (received, inspected, found). */
  put(warehouseCode: string, sku: string, condition: Condition, quantity: number): void {
    const held = this.heldAt(warehouseCode, sku);
    held[condition] += quantity;
  }

  /** Units off the shelves (shipped, missing, lost), never more than they hold; returns how many went. */
  take(warehouseCode: string, sku: string, condition: Condition, quantity: number): number {
    const held = this.heldAt(warehouseCode, sku);
    const went = Math.min(quantity, held[condition]);
    held[condition] -= went;
    return went;
  }

  /** Every shelf that holds something, by warehouse and SKU. */
  shelves(): readonly Shelf[] {
    return [...this.held]
      .map(([key, held]) => {
        const [warehouseCode = '', sku = ''] = key.split('\n');
        return { warehouseCode, sku, sellable: held.SELLABLE, defective: held.DEFECTIVE };
      })
      .filter((shelf) => shelf.sellable > 0 || shelf.defective > 0)
      .sort((a, b) => byCode(a.warehouseCode, b.warehouseCode) || byCode(a.sku, b.sku));
  }

  /** One page of one warehouse's shelves, a line per SKU and condition it holds. */
  page(query: StockQueryRequest): ShelfPage {
    const lines = this.shelves()
      .filter((shelf) => shelf.warehouseCode === query.warehouseCode)
      .flatMap((shelf) => [
        ...(shelf.sellable > 0 ? [{ sku: shelf.sku, inventoryType: 'SELLABLE' as const, quantity: shelf.sellable }] : []),
        ...(shelf.defective > 0 ? [{ sku: shelf.sku, inventoryType: 'DEFECTIVE' as const, quantity: shelf.defective }] : []),
      ]);
    const from = (query.pageNo - 1) * query.pageSize;
    return { items: lines.slice(from, from + query.pageSize), hasMore: lines.length > from + query.pageSize, total: lines.length };
  }

  private heldAt(warehouseCode: string, sku: string): Record<Condition, number> {
    const key = `${warehouseCode}\n${sku}`;
    const held = this.held.get(key) ?? { SELLABLE: 0, DEFECTIVE: 0 };
    this.held.set(key, held);
    return held;
  }
}
