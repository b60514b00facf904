/** `oms export --from <position|time> [--to …] [--out file]`: the events as NDJSON for an auditor, with its SHA-256. */
import { createHash } from 'node:crypto';
import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import {
  type Bound,
  describeBound,
  exportLine,
  isAfterStart,
  isBeforeEnd,
  isPastEnd,
  parseBound,
} from '../../application/audit/export-lines.ts';
import { type StoredEvent, positionToString } from '../../application/ports/event-store.ts';
import { countStoredEvents } from '../open-event-store.ts';
import { allEvents } from './all-events.ts';
import { type CliIo, CliFailure, type GlobalOptions, configOf, withAuditParts, write } from './cli-io.ts';
import { progressBar, rate } from './progress.ts';

export const exportEvents = async (
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
  return withAuditParts(config, async ({ store }) => {
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
