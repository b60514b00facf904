import type { Message } from '../kernel/decider.ts';
import type { Instant } from '../kernel/instant.ts';

/** Every stock command names the business thing that caused it (`reference`) and is idempotent by it. */
type OnLedger<D> = Readonly<{ reference: string; warehouseCode: string; sku: string; now: Instant } & D>;

export type StockCondition = 'SELLABLE' | 'DEFECTIVE';

/**
 * What the warehouse says of a batch: its number (an identifier, ../kernel/identifiers.ts) and,
 * when it gives them, its production and expiry dates (ISO dates, `2026-03-31`). Absent: goods
 * without a batch, kept in the ledger's "no batch" bucket.
 */
export type BatchInfo = Readonly<{
  batchNo?: string | undefined;
  productionDate?: string | undefined;
  expiryDate?: string | undefined;
}>;

/** Goods arrived (a purchase receipt, a return inspection), of one batch or of none. A fact. */
export type ReceiveStock = Message<'ReceiveStock', OnLedger<{ quantity: number; condition: StockCondition } & BatchInfo>>;

/**
 * Hold goods for an order (`reference` e.g. `OMS1#1`: order and route). A request. With `batchNo`,
 * only from that batch; without, first-expiry-first-out (./batches.ts). Never defective or expired stock.
 */
export type ReserveStock = Message<'ReserveStock', OnLedger<{ quantity: number; batchNo?: string | undefined }>>;

/** Give back (part of) a reservation; `reference` is the release's own id. A request. */
export type ReleaseStock = Message<'ReleaseStock', OnLedger<{ reservation: string; quantity: number | 'ALL' }>>;

/** Goods left the warehouse (`reference`: shipment or waybill). A fact. */
export type DeductStock = Message<'DeductStock', OnLedger<{ reservation?: string | undefined; quantity: number }>>;

/** A stock count (`reference`: the count id) says how much sellable stock is on hand. A fact. */
export type AdjustStock = Message<'AdjustStock', OnLedger<{ countedOnHand: number }>>;

/** Who told the hub its shelves differ from the ledger. */
export type VarianceSource = 'WMS_SHORTAGE' | 'WAREHOUSE_CHANGE' | 'RECONCILIATION';

/** What the warehouse says of a figure: what its shelves hold now, or by how many units they changed (signed). */
export type ShelfFigure = Readonly<{ kind: 'COUNTED'; quantity: number }> | Readonly<{ kind: 'CHANGED_BY'; quantity: number }>;

/**
 * The warehouse says its shelves hold other than the ledger believed: units it found missing at
 * picking, a change it made itself (damage, a find, a write-off), its figure in a stock snapshot.
 * A fact: the warehouse is the truth for what is on the shelf, the hub for what is reserved.
 * `reference`: the report, the change line or the reconciliation. A difference of more than
 * `alertAbove` units is an anomaly for a person.
 */
export type RecordVariance = Message<
  'RecordVariance',
  OnLedger<{
    source: VarianceSource;
    condition: StockCondition;
    shelf: ShelfFigure;
    reason: string;
    batchNo: string | null;
    alertAbove: number;
  }>
>;

export type StockCommand = ReceiveStock | ReserveStock | ReleaseStock | DeductStock | AdjustStock | RecordVariance;
