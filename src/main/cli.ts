/**
 * `oms`: the hub's replay and audit tool (bin/oms runs this file through tsx). It reads the same
 * environment as the hub (src/main/config.ts: EVENT_STORE, OMS_DATA_DIR, ESDB_CONNECTION_STRING,
 * WAREHOUSE_ZONE, …) and works against either event store.
 *
 *   oms history <orderNo> [--at <time>]        the order as it stood then, and its events with their causes
 *   oms projections rebuild [name…]           replay every event into fresh tables, swap them in
 *   oms verify                                integrity of every stream + projections against a rebuild
 *   oms export --from <position|time> [--to …] [--out file]   NDJSON for an auditor, with its SHA-256
 *
 * Plain output on stdout; progress bars (with a rate) on stderr, only when it is a terminal.
 * Exit status: 0 fine, 1 a finding (verify found a difference; no such order then), 2 a usage,
 * configuration or availability problem.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import cliProgress from 'cli-progress';
import { Command, CommanderError, Option } from 'commander';
import { DateTime } from 'luxon';
import { type IntegrityReport, integrityCheck } from '../application/audit/integrity-check.ts';
import {
  type Bound,
  describeBound,
  exportLine,
  isAfterStart,
  isBeforeEnd,
  isPastEnd,
  parseBound,
} from '../application/audit/export-lines.ts';
import { type HistoryEntry, type OrderAt, readOrderAt } from '../application/audit/order-at.ts';
import { instantAt } from '../application/audit/point-in-time.ts';
import { type EventStore, type Position, type StoredEvent, positionToString } from '../application/ports/event-store.ts';
import { EventReader } from '../application/events/event-reader.ts';
import { validateMetadata } from '../adapters/event-codec/metadata.ts';
import { ZodEventDecoder } from '../adapters/event-codec/zod-event-decoder.ts';
import { type Config, ConfigError, readConfig } from './config.ts';
import {
  NoEventStore,
  type OpenedEventStore,
  countStoredEvents,
  describeEventStore,
  eventLookup,
  openEventStore,
} from './open-event-store.ts';

const PAGE = 2_000;

/** What the commands print to, and the environment they read: the process's own, or a test's. */
export type CliIo = Readonly<{
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
}>;

/** A problem that stops a command with a message and an exit status (2: usage, configuration, availability). */
class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

type GlobalOptions = Readonly<{ dataDir?: string; progress: boolean }>;

// ------------------------------------------------------------------ plumbing

const configOf = (io: CliIo, options: GlobalOptions): Config => {
  try {
    return readConfig({ ...io.env, ...(options.dataDir === undefined ? {} : { OMS_DATA_DIR: options.dataDir }) });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliFailure(error.message);
    throw error;
  }
};

const withStore = async <T>(config: Config, use: (store: OpenedEventStore) => Promise<T>): Promise<T> => {
  let store: OpenedEventStore;
  try {
    store = openEventStore(config, { mustExist: true });
  } catch (error) {
    if (error instanceof NoEventStore) throw new CliFailure(error.message);
    throw error;
  }
  try {
    return await use(store);
  } finally {
    await store.close();
  }
};

const write = async (stream: Writable, text: string): Promise<void> => {
  if (!stream.write(text)) await once(stream, 'drain');
};

const rate = (events: number, seconds: number): string => (seconds > 0 ? Math.round(events / seconds).toLocaleString('en-US') : '–');

/** A progress bar with a rate on stderr, drawn only on a terminal (and not with --no-progress). */
const progressBar = (io: CliIo, options: GlobalOptions, label: string, count: number | undefined) => {
  const total = count === 0 ? undefined : count;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  if (!options.progress || io.stderr.isTTY !== true) return { update: (_value: number) => undefined, stop: () => elapsed() };
  const bar = new cliProgress.SingleBar(
    {
      format:
        total === undefined
          ? `${label} {value} events | {rate} events/s | {duration_formatted}`
          : `${label} [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted}`,
      stream: io.stderr,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 100,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total ?? 0, 0, { rate: '–' });
  return {
    update: (value: number) => bar.update(value, { rate: rate(value, elapsed()) }),
    stop: () => {
      bar.stop();
      return elapsed();
    },
  };
};

/** Every event after `after`, page by page, in the store's order. */
async function* allEvents(store: EventStore, after?: Position): AsyncGenerator<readonly StoredEvent[]> {
  let from = after;
  for (;;) {
    const page = await store.readAll(from === undefined ? { maxCount: PAGE } : { after: from, maxCount: PAGE });
    if (page.length === 0) return;
    yield page;
    from = (page.at(-1) as StoredEvent).position;
    if (page.length < PAGE) return;
  }
}

// ------------------------------------------------------------------ projections

type Progress = (events: number) => void;

/**
 * The projections adapter, loaded only by the commands that need it: `history` and `export` start
 * without it (and keep working whatever it does at load time).
 */
const loadProjections = async () => {
  try {
    return await import('../adapters/projections/sqlite-projections.ts');
  } catch (error) {
    throw new CliFailure(`the projections could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
  }
};

const projectionsFile = (config: Config): string => join(config.OMS_DATA_DIR, 'projections.sqlite');

// ------------------------------------------------------------------ history

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

/** The function behind `oms history` (also what bench/replay.ts times): the order at `at`, read from the configured store. */
export const historyOf = (store: EventStore, config: Config, orderNo: string, at: string | null): Promise<OrderAt> =>
  readOrderAt(new EventReader(store, new ZodEventDecoder()), orderNo, at, eventLookup(config));

const history = async (
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
  const result = await withStore(config, (store) => historyOf(store, config, orderNo, at));
  if (options.json === true) await write(io.stdout, `${JSON.stringify(result, null, 2)}\n`);
  if (result.view === null) {
    const laterNote = result.later > 0 ? ` (its first event was recorded after ${at ?? 'now'})` : '';
    await write(io.stderr, `no order ${orderNo}${at === null ? '' : ` at ${zoned(at, config.WAREHOUSE_ZONE)}`}${laterNote}\n`);
    return 1;
  }
  if (options.json !== true) await write(io.stdout, historyText(result, config.WAREHOUSE_ZONE));
  return 0;
};

// ------------------------------------------------------------------ export

const exportEvents = async (
  io: CliIo,
  global: GlobalOptions,
  options: Readonly<{ from: string; to?: string; out?: string }>,
): Promise<number> => {
  const config = configOf(io, global);
  const bound = (flag: string, text: string): Bound => {
    const parsed = parseBound(text, config.WAREHOUSE_ZONE);
    if (parsed === null)
      throw new CliFailure(`${flag} ${JSON.stringify(text)}: neither a position (1024, or commit/prepare) nor a date-time`);
    return parsed;
  };
  const from = bound('--from', options.from);
  const to = options.to === undefined ? undefined : bound('--to', options.to);
  // SQLite positions are one sequence: start right before `from`. EventStoreDB positions are log
  // offsets that must be read from an event: start from the beginning and skip.
  const startAfter =
    config.EVENT_STORE === 'sqlite' && from.kind === 'position' && from.position.commit > 0n
      ? { commit: from.position.commit - 1n, prepare: from.position.prepare - 1n }
      : undefined;
  return withStore(config, async (store) => {
    const out: Writable = options.out === undefined ? io.stdout : createWriteStream(options.out);
    const hash = createHash('sha256');
    const bar = progressBar(io, global, 'export', countStoredEvents(config, startAfter?.commit ?? 0n));
    let read = 0;
    let exported = 0;
    let first: StoredEvent | undefined;
    let last: StoredEvent | undefined;
    let seconds = 0;
    try {
      let pastEnd = false;
      for await (const page of allEvents(store, startAfter)) {
        let chunk = '';
        for (const event of page) {
          pastEnd = isPastEnd(event, to);
          if (pastEnd) break;
          read += 1;
          if (!isAfterStart(event, from) || !isBeforeEnd(event, to)) continue;
          chunk += exportLine(event);
          exported += 1;
          first ??= event;
          last = event;
        }
        if (chunk !== '') {
          hash.update(chunk, 'utf8');
          await write(out, chunk);
        }
        bar.update(read);
        if (pastEnd) break;
      }
    } finally {
      seconds = bar.stop();
      if (out !== io.stdout) {
        out.end();
        await once(out, 'close');
      }
    }
    const sha256 = hash.digest('hex');
    if (options.out !== undefined) writeFileSync(`${options.out}.sha256`, `${sha256}  ${basename(options.out)}\n`);
    const span =
      first === undefined || last === undefined
        ? ''
        : `, positions ${positionToString(first.position)} … ${positionToString(last.position)}`;
    const range = `from ${describeBound(from)}${to === undefined ? '' : ` to ${describeBound(to)}`}`;
    await write(
      io.stderr,
      `exported ${exported} events (${range}${span}) to ${options.out ?? 'stdout'} in ${seconds.toFixed(2)} s (${rate(read, seconds)} events/s read)\n` +
        `sha256 ${sha256}  (SHA-256 of the NDJSON bytes written${options.out === undefined ? '' : `; also in ${options.out}.sha256`})\n`,
    );
    return 0;
  });
};

// ------------------------------------------------------------------ verify

/** The integrity check over every stream of the store (the events half of `oms verify`). */
export const checkStore = async (store: EventStore, onProgress: Progress = () => undefined): Promise<IntegrityReport> => {
  const check = integrityCheck(new ZodEventDecoder(), validateMetadata);
  let read = 0;
  for await (const page of allEvents(store)) {
    for (const event of page) check.add(event);
    read += page.length;
    onProgress(read);
  }
  return check.finish();
};

const reportText = (report: IntegrityReport, seconds: number): string => {
  const categories = Object.entries(report.categories)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([category, count]) => `${category} ${count}`)
    .join(', ');
  const lines = [
    `events: ${report.events} in ${report.streams} streams (${categories || 'none'}), checked in ${seconds.toFixed(2)} s (${rate(report.events, seconds)} events/s)`,
  ];
  if (report.broken.length === 0) {
    lines.push(
      'events: every stream intact (revisions contiguous from 0, every event matches its schema, invariants hold after every step)',
    );
  }
  for (const stream of report.broken) {
    lines.push(`BROKEN ${stream.stream} (${stream.events} events)`);
    for (const finding of stream.findings) {
      const where =
        finding.revision === null ? '' : `revision ${finding.revision} ${finding.type ?? ''} (position ${finding.position ?? '?'}): `;
      lines.push(`  ${where}[${finding.rule}] ${finding.message}`);
    }
    if (stream.moreFindings > 0) lines.push(`  … and ${stream.moreFindings} more`);
  }
  if (report.broken.length > 0) lines.push(`events: ${report.broken.length} stream${report.broken.length === 1 ? '' : 's'} broken`);
  return `${lines.join('\n')}\n`;
};

const verify = async (io: CliIo, global: GlobalOptions, options: Readonly<{ projections: boolean; json?: boolean }>): Promise<number> => {
  const config = configOf(io, global);
  return withStore(config, async (store) => {
    await write(io.stderr, `verifying ${describeEventStore(config)}\n`);
    const bar = progressBar(io, global, 'events     ', countStoredEvents(config));
    let report: IntegrityReport;
    let seconds: number;
    try {
      report = await checkStore(store, bar.update);
    } finally {
      seconds = bar.stop();
    }
    let differences: readonly string[] | null = null;
    if (options.projections) {
      const { compareProjections } = await loadProjections();
      const scratch = mkdtempSync(join(tmpdir(), 'oms-verify-'));
      const projectionBar = progressBar(io, global, 'projections', countStoredEvents(config));
      try {
        differences = await compareProjections(store, projectionsFile(config), join(scratch, 'projections.sqlite'), projectionBar.update);
      } finally {
        projectionBar.stop();
        rmSync(scratch, { recursive: true, force: true });
      }
    }
    if (options.json === true) {
      await write(io.stdout, `${JSON.stringify({ events: report, projections: differences ?? 'not checked' }, null, 2)}\n`);
    } else {
      let text = reportText(report, seconds);
      if (differences === null) text += 'projections: not checked (--no-projections)\n';
      else if (differences.length === 0)
        text += `projections: identical to a rebuild from the events in a scratch database (${projectionsFile(config)})\n`;
      else
        text += `projections: ${differences.length} difference${differences.length === 1 ? '' : 's'} from a rebuild\n${differences.map((d) => `  ${d}`).join('\n')}\n`;
      await write(io.stdout, text);
    }
    return report.broken.length > 0 || (differences !== null && differences.length > 0) ? 1 : 0;
  });
};

// ------------------------------------------------------------------ projections rebuild

const rebuild = async (io: CliIo, global: GlobalOptions, names: readonly string[]): Promise<number> => {
  const config = configOf(io, global);
  const { SqliteProjections, projectionNames } = await loadProjections();
  const unknown = names.filter((name) => !projectionNames.includes(name));
  if (unknown.length > 0)
    throw new CliFailure(
      `unknown projection${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}; known: ${projectionNames.join(', ')}`,
    );
  return withStore(config, async (store) => {
    // days in the reports are counted in the warehouse zone, as the hub counts them
    const live = SqliteProjections.open(projectionsFile(config), { zone: config.WAREHOUSE_ZONE });
    try {
      const bar = progressBar(io, global, 'rebuild', countStoredEvents(config));
      let result: Readonly<{ events: number; seconds: number }>;
      try {
        result = await live.rebuild(store, names.length === 0 ? undefined : names, bar.update);
      } finally {
        bar.stop();
      }
      const which = (names.length === 0 ? projectionNames : names).join(', ');
      await write(
        io.stdout,
        `rebuilt ${which} from ${result.events} events in ${result.seconds.toFixed(2)} s: ${rate(result.events, result.seconds)} events/s; swapped in at ${projectionsFile(config)}\n`,
      );
      return 0;
    } finally {
      await live.close();
    }
  });
};

// ------------------------------------------------------------------ the program

/** Builds the `oms` program; each action resolves to its exit status, kept in `status`. */
export const buildProgram = (io: CliIo, status: { code: number }): Command => {
  const program = new Command('oms');
  const run =
    <A extends unknown[]>(action: (global: GlobalOptions, ...args: A) => Promise<number>) =>
    async (...args: A): Promise<void> => {
      status.code = await action(program.opts<GlobalOptions>(), ...args);
    };
  program
    .description(
      "Replay and audit the fulfilment hub's events. Reads the hub's environment: EVENT_STORE (sqlite | eventstoredb), OMS_DATA_DIR, ESDB_CONNECTION_STRING, WAREHOUSE_ZONE (local times), …",
    )
    .version('0.1.0')
    .option('--data-dir <dir>', 'the data directory (overrides OMS_DATA_DIR)')
    .option('--no-progress', 'no progress bar on stderr (it is drawn only on a terminal anyway)')
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .exitOverride()
    .showHelpAfterError('(oms --help for usage)');

  program
    .command('history')
    .description(
      'the order as it stood at a time, and its events up to then, each with what caused it (causation, correlation, the raw callback)',
    )
    .argument('<orderNo>', 'the order number')
    .option('--at <time>', 'an ISO-8601 time; without an offset it is local time in WAREHOUSE_ZONE (default: now)')
    .option('--json', 'the whole answer as JSON')
    .action(run((global, orderNo: string, options: { at?: string; json?: boolean }) => history(io, global, orderNo, options)));

  program
    .command('projections')
    .description('the read models')
    .command('rebuild')
    .description('replay every event into fresh tables and swap them in atomically; the hub keeps serving the old ones meanwhile')
    .argument('[names...]', 'the projections to rebuild (default: all)')
    .action(run((global, names: string[]) => rebuild(io, global, names)));

  program
    .command('verify')
    .description(
      'integrity check over the whole store (revisions contiguous from 0, each event against its schema, the domain invariants after every step of each fold) and every projection against a rebuild in a scratch database; exit status 1 on any difference',
    )
    .option('--no-projections', 'check the events only')
    .option('--json', 'the report as JSON')
    .action(run((global, options: { projections: boolean; json?: boolean }) => verify(io, global, options)));

  program
    .command('export')
    .description(
      'the events as NDJSON for an auditor, one per line (stream, revision, position, id, type, data, metadata; keys of data and metadata sorted); the SHA-256 of the output goes to stderr (and to <file>.sha256 with --out)',
    )
    .addOption(
      new Option(
        '--from <position|time>',
        'first event: a position (1024, or commit/prepare) or a time (recorded at or after)',
      ).makeOptionMandatory(),
    )
    .option('--to <position|time>', 'last event: a position or a time (recorded at or before); default: the end')
    .option('--out <file>', 'write to this file (and its checksum to <file>.sha256) instead of stdout')
    .action(run((global, options: { from: string; to?: string; out?: string }) => exportEvents(io, global, options)));

  return program;
};

/** Runs `oms` with these arguments (`argv` as process.argv: node, script, …); resolves to the exit status. */
export const runCli = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const status = { code: 0 };
  try {
    await buildProgram(io, status).parseAsync([...argv]);
    return status.code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CliFailure) {
      io.stderr.write(`oms: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(`oms: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
};

const isEntryPoint =
  process.argv[1] !== undefined && existsSync(process.argv[1]) && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (isEntryPoint) process.exitCode = await runCli(process.argv, { stdout: process.stdout, stderr: process.stderr, env: process.env });
