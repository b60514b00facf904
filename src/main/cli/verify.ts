/**
 * `oms verify`: the integrity of every stream (revisions contiguous from 0, each event against its
 * schema, the domain invariants after every step of each fold), and the projections against a
 * rebuild in a scratch database. Exit status 1 on any finding.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type IntegrityReport, integrityCheck } from '../../application/audit/integrity-check.ts';
import type { EventDecoder } from '../../application/ports/event-decoder.ts';
import type { EventStore } from '../../application/ports/event-store.ts';
import { validateMetadata } from '../../adapters/event-codec/metadata.ts';
import { ZodEventDecoder } from '../../adapters/event-codec/zod-event-decoder.ts';
import type { Config } from '../config.ts';
import type { AuditParts } from '../container.ts';
import { countStoredEvents, describeEventStore } from '../open-event-store.ts';
import { allEvents } from './all-events.ts';
import { type CliIo, type GlobalOptions, configOf, withAuditParts, write } from './cli-io.ts';
import { progressBar, rate } from './progress.ts';
import { compareWithLiveProjections, projectionsPlace } from '../open-projections.ts';
import { readModelOptions } from './read-models.ts';

type Progress = (events: number) => void;

/** The integrity check over every stream of the store, its events read with `decoder` (the events half of `oms verify`). */
const integrityOf = async (store: EventStore, decoder: EventDecoder, onProgress: Progress): Promise<IntegrityReport> => {
  const check = integrityCheck(decoder, validateMetadata);
  let read = 0;
  for await (const page of allEvents(store)) {
    for (const event of page) check.add(event);
    read += page.length;
    onProgress(read);
  }
  return check.finish();
};

/** The same over a store the caller opened itself, read with the hub's codecs (what bench/replay.ts times). */
export const checkStore = (store: EventStore, onProgress: Progress = () => undefined): Promise<IntegrityReport> =>
  integrityOf(store, new ZodEventDecoder(), onProgress);

/** The live projections against a rebuild, each up to where the live ones are, in a scratch place deleted afterwards. */
const projectionDifferences = async (io: CliIo, config: Config, parts: AuditParts, onProgress: Progress): Promise<readonly string[]> => {
  const scratch = mkdtempSync(join(tmpdir(), 'oms-verify-'));
  try {
    return await compareWithLiveProjections(config, parts.store, scratch, onProgress, readModelOptions(io, parts.decoder));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
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

const projectionsText = (differences: readonly string[] | null, config: Config): string => {
  if (differences === null) return 'projections: not checked (--no-projections)\n';
  if (differences.length === 0)
    return `projections: identical to a rebuild from the events in a scratch database (${projectionsPlace(config)})\n`;
  return `projections: ${differences.length} difference${differences.length === 1 ? '' : 's'} from a rebuild\n${differences.map((d) => `  ${d}`).join('\n')}\n`;
};

export const verify = async (
  io: CliIo,
  global: GlobalOptions,
  options: Readonly<{ projections: boolean; json?: boolean }>,
): Promise<number> => {
  const config = configOf(io, global);
  return withAuditParts(config, async (parts) => {
    await write(io.stderr, `verifying ${describeEventStore(config)}\n`);
    const bar = progressBar(io, global, 'events     ', countStoredEvents(config));
    let report: IntegrityReport;
    let seconds: number;
    try {
      report = await integrityOf(parts.store, parts.decoder, bar.update);
    } finally {
      seconds = bar.stop();
    }
    let differences: readonly string[] | null = null;
    if (options.projections) {
      const projectionBar = progressBar(io, global, 'projections', countStoredEvents(config));
      try {
        differences = await projectionDifferences(io, config, parts, projectionBar.update);
      } finally {
        projectionBar.stop();
      }
    }
    if (options.json === true)
      await write(io.stdout, `${JSON.stringify({ events: report, projections: differences ?? 'not checked' }, null, 2)}\n`);
    else await write(io.stdout, reportText(report, seconds) + projectionsText(differences, config));
    return report.broken.length > 0 || (differences !== null && differences.length > 0) ? 1 : 0;
  });
};
