/**
 * The reports, read from the projections' tables in either database (`SqlReader`), one file per family: orders (./order-reports.ts),
 * queues (./queue-reports.ts), stock and anomalies (./stock-and-anomaly-reports.ts); what they
 * share (keyset pages, cursors, statements) in ./report-sql.ts.
 */
import type {
  AnomaliesItem,
  AnomaliesQuery,
  BackorderItem,
  BackorderQuery,
  LeadTimesItem,
  LeadTimesQuery,
  ManualQueueItem,
  ManualQueueQuery,
  OrderListItem,
  OrderListQuery,
  Page,
  ReportQueries,
  ShippedPerDayItem,
  ShippedPerDayQuery,
  StatusCountsItem,
  StatusCountsQuery,
  StockItem,
  StockQuery,
  StockVarianceItem,
  StockVarianceQuery,
} from '../../application/projections/report-queries.ts';
import { leadTimesReport, ordersReport, shippedPerDayReport, statusCountsReport } from './order-reports.ts';
import { backordersReport, manualInterventionsReport } from './queue-reports.ts';
import type { SqlReader } from './report-sql.ts';
import { anomaliesReport, stockReport, stockVarianceReport } from './stock-and-anomaly-reports.ts';

export { decodeCursor, encodeCursor } from './report-sql.ts';

export class SqlReports implements ReportQueries {
  constructor(private readonly sql: SqlReader) {}

  orders(query: OrderListQuery): Promise<Page<OrderListItem>> {
    return ordersReport(this.sql, query);
  }
  statusCounts(query: StatusCountsQuery): Promise<Page<StatusCountsItem>> {
    return statusCountsReport(this.sql, query);
  }
  backorders(query: BackorderQuery): Promise<Page<BackorderItem>> {
    return backordersReport(this.sql, query);
  }
  manualInterventions(query: ManualQueueQuery): Promise<Page<ManualQueueItem>> {
    return manualInterventionsReport(this.sql, query);
  }
  stock(query: StockQuery): Promise<Page<StockItem>> {
    return stockReport(this.sql, query);
  }
  stockVariances(query: StockVarianceQuery): Promise<Page<StockVarianceItem>> {
    return stockVarianceReport(this.sql, query);
  }
  leadTimes(query: LeadTimesQuery): Promise<Page<LeadTimesItem>> {
    return leadTimesReport(this.sql, query);
  }
  shippedPerDay(query: ShippedPerDayQuery): Promise<Page<ShippedPerDayItem>> {
    return shippedPerDayReport(this.sql, query);
  }
  anomalies(query: AnomaliesQuery): Promise<Page<AnomaliesItem>> {
    return anomaliesReport(this.sql, query);
  }
}
