import type { Line } from '../../domain/kernel/lines.ts';
import { type Position, comparePositions } from '../ports/event-store.ts';

/** One report still in force: this warehouse said it has none of this SKU, at this position. */
export type ShortReport = Readonly<{ warehouseCode: string; sku: string; position: Position }>;

/**
 * Which warehouses reported a family's SKUs short (a WMS shortage, or a final shipment that left
 * them unshipped), until their stock of that SKU is replenished after the report: a receipt, a return
 * put back on the shelf, a count or a reconciliation that found more. A backorder of the family is
 * never sent to such a warehouse for such a SKU: it said it has none, so nothing is placed there
 * until stock really arrives (docs/architecture.md#backorders). By original order, warehouse and
 * SKU, with the store position of the latest report, so that a replenishment heard late never clears
 * a report made after it.
 */
export class ReportedShort {
  private readonly byFamily = new Map<string, Map<string, Map<string, Position>>>();

  /** `warehouseCode` reported these lines of the family of `originalOrderNo` short, at `position`. */
  report(originalOrderNo: string, warehouseCode: string, lines: readonly Line[], position: Position): void {
    const family = this.byFamily.get(originalOrderNo) ?? new Map<string, Map<string, Position>>();
    const skus = family.get(warehouseCode) ?? new Map<string, Position>();
    for (const line of lines) {
      const known = skus.get(line.sku);
      if (known === undefined || comparePositions(known, position) < 0) skus.set(line.sku, position);
    }
    family.set(warehouseCode, skus);
    this.byFamily.set(originalOrderNo, family);
  }

  /** Stock of this SKU arrived at this warehouse at `position`: no report made before keeps a backorder of it away. Answers the families it cleared. */
  replenished(warehouseCode: string, sku: string, position: Position): string[] {
    const cleared: string[] = [];
    for (const [originalOrderNo, family] of this.byFamily) {
      const skus = family.get(warehouseCode);
      const reported = skus?.get(sku);
      if (skus === undefined || reported === undefined || comparePositions(reported, position) > 0) continue;
      skus.delete(sku);
      if (skus.size === 0) family.delete(warehouseCode);
      if (family.size === 0) this.byFamily.delete(originalOrderNo);
      cleared.push(originalOrderNo);
    }
    return cleared;
  }

  /** The reports in force for a family (none: it may go anywhere). */
  reportsOf(originalOrderNo: string): ShortReport[] {
    return [...(this.byFamily.get(originalOrderNo) ?? [])].flatMap(([warehouseCode, skus]) =>
      [...skus].map(([sku, position]) => ({ warehouseCode, sku, position })),
    );
  }

  /** The warehouses a backorder of this family with these lines must not go to. */
  warehousesToAvoid(originalOrderNo: string, lines: readonly Line[]): string[] {
    const family = this.byFamily.get(originalOrderNo);
    if (family === undefined) return [];
    return [...family].filter(([, skus]) => lines.some((line) => skus.has(line.sku))).map(([warehouseCode]) => warehouseCode);
  }
}
