/**
 * The reports, as readers ask for them: the port the REST adapter reads through and the SQLite
 * projections answer. Lists are pages: at most `limit` items and an opaque `nextCursor` for the
 * next page (null on the last one). Times are ISO instants; bounds are epoch milliseconds, `from`
 * inclusive and `to` exclusive; days are YYYY-MM-DD in the reporting zone, both ends inclusive.
 */
import type { Line } from '../../domain/kernel/lines.ts';
import type { OrderStatus, Priority, TimeRequirement } from '../../domain/outbound-order/index.ts';
import type { AnomalySource } from './anomalies.ts';
import type { ManualSubjectKind } from './manual-queue.ts';
import type { StockVarianceRow } from './stock-variances.ts';

export type PageRequest = Readonly<{ limit: number; cursor?: string | undefined }>;
export type Page<T> = Readonly<{ items: readonly T[]; nextCursor: string | null }>;

/** A cursor this report did not hand out (or from another report). */
export class InvalidCursor extends Error {
  override readonly name = 'InvalidCursor';
}

export type TimeRange = Readonly<{ from?: number | undefined; to?: number | undefined }>;
export type DayRange = Readonly<{ fromDay?: string | undefined; toDay?: string | undefined }>;

export type OrderListQuery = PageRequest &
  Readonly<{
    status?: readonly OrderStatus[] | undefined;
    warehouseCode?: string | undefined;
    priority?: Priority | undefined;
    placed?: TimeRange | undefined;
    shipped?: TimeRange | undefined;
    /** only the orders this is exactly the orderNo, an outboundNo, a waybill number or a SKU of (./order-search.ts) */
    term?: string | undefined;
  }>;

export type OrderListItem = Readonly<{
  orderNo: string;
  status: OrderStatus;
  warehouseCode: string;
  priority: Priority;
  timeRequirement: TimeRequirement;
  backorderOf: string | null;
  consignee: string;
  outboundNo: string | null;
  placedAt: string;
  shippedAt: string | null;
  closedAt: string | null;
  lines: readonly Readonly<{ sku: string; ordered: number; shipped: number; backordered: number; cancelled: number }>[];
  quantities: Readonly<{ ordered: number; shipped: number; backordered: number; cancelled: number }>;
  pushAttempts: number;
  lastError: string | null;
  manualIntervention: Readonly<{ reason: string; detail: string; since: string }> | null;
  anomalies: number;
  updatedAt: string;
  revision: number;
}>;

export type StatusCountsQuery = PageRequest & DayRange & Readonly<{ by: 'warehouse' | 'day'; warehouseCode?: string | undefined }>;
export type StatusCountsItem = Readonly<{
  /** set when counted by warehouse */
  warehouseCode?: string;
  /** set when counted by day (the day the orders were placed) */
  day?: string;
  total: number;
  counts: Readonly<Partial<Record<OrderStatus, number>>>;
}>;

export type BackorderQuery = PageRequest &
  Readonly<{ warehouseCode?: string | undefined; orderNo?: string | undefined; sku?: string | undefined; now: string }>;
export type BackorderItem = Readonly<{
  backorderNo: string;
  orderNo: string;
  /** the consignee of the original order (null if that order is unknown) */
  consignee: string | null;
  warehouseCode: string;
  lines: readonly Line[];
  quantity: number;
  since: string;
  ageSeconds: number;
}>;

export type ManualQueueQuery = PageRequest &
  Readonly<{ kind?: ManualSubjectKind | undefined; reason?: string | undefined; warehouseCode?: string | undefined; now: string }>;
export type ManualQueueItem = Readonly<{
  subject: string;
  kind: ManualSubjectKind;
  reference: string;
  warehouseCode: string | null;
  reason: string;
  detail: string;
  since: string;
  ageSeconds: number;
  attempts: number;
  lastError: string | null;
}>;

export type StockQuery = PageRequest & Readonly<{ warehouseCode?: string | undefined; sku?: string | undefined }>;
export type StockItem = Readonly<{
  warehouseCode: string;
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  defective: number;
  anomalies: number;
}>;

export type StockVarianceQuery = PageRequest & Readonly<{ warehouseCode?: string | undefined; sku?: string | undefined }>;
/** The latest variance of one figure (on hand: SELLABLE, or DEFECTIVE) of one SKU in one warehouse, and all of them summed: the projection's row as it is. */
export type StockVarianceItem = StockVarianceRow;

export type LeadTimesQuery = PageRequest & DayRange & Readonly<{ by: 'placed' | 'shipped'; warehouseCode?: string | undefined }>;
/** Seconds; null when no order of the group has both ends yet. */
export type Percentiles = Readonly<{ orders: number; p50: number | null; p95: number | null }>;
export type LeadTimesItem = Readonly<{
  day: string;
  warehouseCode: string;
  orders: number;
  placedToPushed: Percentiles;
  pushedToShipped: Percentiles;
  placedToShipped: Percentiles;
}>;

export type ShippedPerDayQuery = PageRequest & DayRange & Readonly<{ warehouseCode?: string | undefined; sku?: string | undefined }>;
export type ShippedPerDayItem = Readonly<{ day: string; warehouseCode: string; sku: string; quantity: number; shipments: number }>;

export type AnomaliesQuery = PageRequest &
  DayRange &
  Readonly<{ by: 'kind' | 'day'; source?: AnomalySource | undefined; kind?: string | undefined; warehouseCode?: string | undefined }>;
export type AnomaliesItem = Readonly<{
  /** set when counted by day */
  day?: string;
  source: AnomalySource;
  kind: string;
  count: number;
  lastAt: string;
  lastSubject: string;
  lastDetail: string;
}>;

export interface ReportQueries {
  orders(query: OrderListQuery): Promise<Page<OrderListItem>>;
  statusCounts(query: StatusCountsQuery): Promise<Page<StatusCountsItem>>;
  backorders(query: BackorderQuery): Promise<Page<BackorderItem>>;
  manualInterventions(query: ManualQueueQuery): Promise<Page<ManualQueueItem>>;
  stock(query: StockQuery): Promise<Page<StockItem>>;
  stockVariances(query: StockVarianceQuery): Promise<Page<StockVarianceItem>>;
  leadTimes(query: LeadTimesQuery): Promise<Page<LeadTimesItem>>;
  shippedPerDay(query: ShippedPerDayQuery): Promise<Page<ShippedPerDayItem>>;
  anomalies(query: AnomaliesQuery): Promise<Page<AnomaliesItem>>;
}

/** Nearest-rank percentile of ascending values (p in 0..1); null for none. */
export const percentile = (ascending: readonly number[], p: number): number | null => {
  if (ascending.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * ascending.length));
  return ascending[rank - 1] ?? null;
};
