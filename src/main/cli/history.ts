/** `oms history <orderNo> [--at <time>]`: the order as it stood then, and its events up to then with their causes. */
import { DateTime } from 'luxon';
import { type HistoryEntry, type OrderAt, readOrderAt } from '../../application/audit/order-at.ts';
import { instantAt } from '../../application/audit/point-in-time.ts';
import { EventReader } from '../../application/events/event-reader.ts';
import type { EventStore } from '../../application/ports/event-store.ts';
import { ZodEventDecoder } from '../../adapters/event-codec/zod-event-decoder.ts';
import { type StoreConfig, eventLookup } from '../open-event-store.ts';
import { type CliIo, CliFailure, type GlobalOptions, configOf, withAuditParts, write } from './cli-io.ts';

const zoned = (instant: string, zone: string): string => DateTime.fromISO(instant, { setZone: true }).setZone(zone).toISO() ?? instant;

const causeOf = (entry: HistoryEntry): string => {
  if (entry.causedBy !== null)
    return `caused by ${entry.causedBy.stream} #${entry.causedBy.revision} ${entry.causedBy.type} (${entry.causationId})`;
  if (entry.causationId === entry.correlationId)
    return `caused by ${entry.causationId} (the request, callback or timer that started the flow)`;
  return `caused by ${entry.causationId}`;
};

const historyText = (result: OrderAt, zone: string): string => {
  const view = result.view;
  const when = result.at === null ? 'now' : `${zoned(result.at, zone)} (${zone})`;
  if (view === null) return '';
  const lines = [
    `order ${view.orderNo} as of ${when}: ${view.status}`,
    `  warehouse ${view.warehouseCode}  outboundNo ${view.outboundNo ?? '–'}  priority ${view.priority}  ${view.timeRequirement}` +
      `  partial ship ${view.allowPartialShip ? 'allowed' : 'no'}  cancel ${view.allowCancel ? 'allowed' : 'no'}${view.backorderOf === null ? '' : `  backorder of ${view.backorderOf}`}`,
    `  placed ${view.placedAt ?? '–'}  closed ${view.closedAt ?? '–'}  last event ${view.updatedAt ?? '–'} (revision ${view.revision ?? '–'})`,
    '  lines:',
    ...view.lines.map(
      (line) =>
        `    ${line.sku}${line.batchNo === null ? '' : ` (${line.batchNo})`}  ordered ${line.ordered}  shipped ${line.shipped}  backordered ${line.backordered}  cancelled ${line.cancelled}`,
    ),
    ...(view.shipments.length === 0
      ? []
      : [
          '  shipments:',
          ...view.shipments.map(
            (s) =>
              `    ${s.waybillNo} ${s.carrier} (${s.outboundNo}) ${s.items.map((i) => `${i.sku}×${i.quantity}`).join(', ')} shipped ${s.shippedAt}`,
          ),
        ]),
    ...(view.backorders.length === 0
      ? []
      : [
          '  backorders:',
          ...view.backorders.map((b) => `    ${b.backorderNo} ${b.lines.map((l) => `${l.sku}×${l.quantity}`).join(', ')}`),
        ]),
    `  push attempts ${view.push.attempts}  next ${view.push.nextAttemptAt ?? '–'}  last error ${view.push.lastError ?? '–'}`,
    ...(view.manualIntervention === null
      ? []
      : [`  waiting for a person: ${view.manualIntervention.reason}: ${view.manualIntervention.detail}`]),
    ...(view.anomalies === 0 ? [] : [`  anomalies ${view.anomalies}`]),
    '',
    `events up to then: ${result.events.length}${result.later === 0 ? '' : ` (${result.later} recorded later, not shown)`}`,
  ];
  for (const entry of result.events) {
    lines.push(`  #${entry.revision}  ${entry.recordedAt}  ${entry.type}  (position ${entry.position}, id ${entry.id})`);
    lines.push(`      data         ${JSON.stringify(entry.data)}`);
    lines.push(`      correlation  ${entry.correlationId}`);
    lines.push(`      causation    ${causeOf(entry)}`);
    if (entry.callback !== null) {
      const carried = entry.callback.carriedBy === entry.revision ? '' : ` (kept with #${entry.callback.carriedBy})`;
      lines.push(`      callback     POST ${entry.callback.endpoint}${carried} ${JSON.stringify(entry.callback.body)}`);
    }
  }
  return `${lines.join('\n')}\n`;
};

/** The function behind `oms history`: the order at `at`, read through `events` from the configured store. */
const orderHistory = (events: EventReader, config: StoreConfig, orderNo: string, at: string | null): Promise<OrderAt> =>
  readOrderAt(events, orderNo, at, eventLookup(config));

/** The same over a store the caller opened itself, read with the hub's codecs (what bench/replay.ts times). */
export const historyOf = (store: EventStore, config: StoreConfig, orderNo: string, at: string | null): Promise<OrderAt> =>
  orderHistory(new EventReader(store, new ZodEventDecoder()), config, orderNo, at);

export const history = async (
  io: CliIo,
  global: GlobalOptions,
  orderNo: string,
  options: Readonly<{ at?: string; json?: boolean }>,
): Promise<number> => {
  const config = configOf(io, global);
  const at = options.at === undefined ? null : instantAt(options.at, config.WAREHOUSE_ZONE);
  if (at === null && options.at !== undefined) {
    throw new CliFailure(
      `--at ${JSON.stringify(options.at)}: not a date-time (ISO-8601, e.g. 2025-11-22T10:00:00+08:00, or a local 2025-11-22T10:00:00 read in ${config.WAREHOUSE_ZONE})`,
    );
  }
  const result = await withAuditParts(config, ({ events }) => orderHistory(events, config, orderNo, at));
  if (options.json === true) await write(io.stdout, `${JSON.stringify(result, null, 2)}\n`);
  if (result.view === null) {
    const laterNote = result.later > 0 ? ` (its first event was recorded after ${at ?? 'now'})` : '';
    await write(io.stderr, `no order ${orderNo}${at === null ? '' : ` at ${zoned(at, config.WAREHOUSE_ZONE)}`}${laterNote}\n`);
    return 1;
  }
  if (options.json !== true) await write(io.stdout, historyText(result, config.WAREHOUSE_ZONE));
  return 0;
};
