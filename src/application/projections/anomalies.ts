/**
 * Anomalies by kind: facts that contradicted what the hub knew (a shipment after a cancel, more
 * than ordered, a receipt after close, a ledger gone negative), counted per day they were
 * detected, source (order, stock, inbound, return), kind and warehouse, with the latest one's
 * subject and detail so a person knows where to look (the latest: the last recorded in the
 * cell; across cells, the latest detected).
 */
import type { HubEvent } from '../events/recorded-event.ts';
import { NOTHING, type Projection, type ProjectionContext, type ReadRow, type RowOperation, add, put, table } from './projection.ts';

export type AnomalySource = 'order' | 'stock' | 'inbound' | 'return';

export type AnomalyCountRow = Readonly<{
  day: string;
  source: string;
  kind: string;
  warehouseCode: string;
  count: number;
  lastAt: string;
  lastMs: number;
  lastSubject: string;
  lastDetail: string;
}>;

export const anomalyCounts = table<AnomalyCountRow, 'day' | 'source' | 'kind' | 'warehouseCode'>({
  name: 'anomaly_counts',
  columns: {
    day: 'text',
    source: 'text',
    kind: 'text',
    warehouseCode: 'text',
    count: 'integer',
    lastAt: 'text',
    lastMs: 'integer',
    lastSubject: 'text',
    lastDetail: 'text',
  },
  key: ['day', 'source', 'kind', 'warehouseCode'],
  indexes: [['source', 'kind']],
});

/** The warehouse of inbound and return orders: their anomalies do not name it. */
export type AnomalySubjectRow = Readonly<{ subject: string; warehouseCode: string }>;

export const anomalySubjects = table<AnomalySubjectRow, 'subject'>({
  name: 'anomaly_subjects',
  columns: { subject: 'text', warehouseCode: 'text' },
  key: ['subject'],
});

const counted = (
  context: ProjectionContext,
  event: HubEvent,
  source: AnomalySource,
  kind: string,
  warehouseCode: string,
  detail: string,
  at: string,
): readonly RowOperation[] => [
  add(
    anomalyCounts,
    { day: context.dayOf(at), source, kind, warehouseCode },
    { count: 1 },
    { lastAt: at, lastMs: context.millisOf(at), lastSubject: event.stream, lastDetail: detail },
  ),
];

const warehouseOf = (read: ReadRow, subject: string): string => read(anomalySubjects, { subject })?.warehouseCode ?? '';

export const anomaliesProjection: Projection = {
  name: 'anomalies',
  version: 1,
  description: 'anomalies by day detected, source, kind and warehouse, with the latest of each',
  categories: ['order', 'stock', 'inbound', 'return'],
  tables: [anomalyCounts, anomalySubjects],
  evolve: (event, read, context) => {
    const { stream } = event;
    switch (event.category) {
      case 'order': {
        if (event.type !== 'AnomalyDetected') return NOTHING;
        const d = event.data;
        return counted(context, event, 'order', d.kind, d.warehouseCode, d.detail, d.detectedAt);
      }
      case 'stock': {
        if (event.type !== 'StockAnomalyDetected') return NOTHING;
        const d = event.data;
        return counted(context, event, 'stock', d.kind, d.warehouseCode, d.detail, d.detectedAt);
      }
      case 'inbound': {
        if (event.type === 'InboundCreated') return [put(anomalySubjects, { subject: stream, warehouseCode: event.data.warehouseCode })];
        if (event.type !== 'AnomalyDetected') return NOTHING;
        const d = event.data;
        const detail = `receipt ${d.receiptNo} after the inbound was closed: ${d.lines.map((l) => `${l.sku}×${l.quantity}`).join(', ')}`;
        return counted(context, event, 'inbound', d.kind, warehouseOf(read, stream), detail, d.detectedAt);
      }
      case 'return': {
        if (event.type === 'ReturnCreated') return [put(anomalySubjects, { subject: stream, warehouseCode: event.data.warehouseCode })];
        if (event.type !== 'AnomalyDetected') return NOTHING;
        const d = event.data;
        const detail =
          d.kind === 'SECOND_INSPECTION'
            ? `inspection ${d.inspectionNo} after the return was inspected`
            : `inspection ${d.inspectionNo}: ${d.sku} expected ${d.expected}, received ${d.received}`;
        return counted(context, event, 'return', d.kind, warehouseOf(read, stream), detail, d.detectedAt);
      }
      default:
        return NOTHING;
    }
  },
};
