/**
 * `oms`: the hub's replay and audit tool (bin/oms runs this file through tsx). It reads the same
 * environment as the hub (src/main/config.ts: EVENT_STORE, OMS_DATA_DIR, ESDB_CONNECTION_STRING,
 * DATABASE_URL, WAREHOUSE_ZONE, …) and works against any of the event stores.
 *
 *   oms history <orderNo> [--at <time>]        the order as it stood then, and its events with their causes
 *   oms projections rebuild [name…]           replay every event into fresh tables, swap them in
 *   oms verify                                integrity of every stream + projections against a rebuild
 *   oms export --from <position|time> [--to …] [--out file]   NDJSON for an auditor, with its SHA-256
 *   oms variance [--warehouse <code>] [--sku <sku>]   where the shelves and the ledgers disagreed, per warehouse and SKU
 *
 * Plain output on stdout; progress bars (with a rate) on stderr, only when it is a terminal.
 * Exit status: 0 fine, 1 a finding (verify found a difference; no such order then), 2 a usage,
 * configuration or availability problem.
 *
 * This file is the program (its commands, options and exit statuses); each command is in
 * ./cli/<command>.ts, and what they share in ./cli/cli-io.ts (printing, failures, the store from
 * the composition root), ./cli/progress.ts, ./cli/all-events.ts and ./cli/read-models.ts.
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { type CliIo, CliFailure, type GlobalOptions } from './cli/cli-io.ts';
import { exportEvents } from './cli/export.ts';
import { history } from './cli/history.ts';
import { rebuild } from './cli/projections.ts';
import { variance } from './cli/variance.ts';
import { verify } from './cli/verify.ts';

export type { CliIo } from './cli/cli-io.ts';
// what bench/replay.ts times in process
export { historyOf } from './cli/history.ts';
export { checkStore } from './cli/verify.ts';

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
      "Replay and audit the fulfilment hub's events. Reads the hub's environment: EVENT_STORE (sqlite | eventstoredb | postgres), OMS_DATA_DIR, ESDB_CONNECTION_STRING, DATABASE_URL, WAREHOUSE_ZONE (local times), …",
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

  program
    .command('variance')
    .description(
      "where the warehouses' shelves and the hub's ledgers disagreed, per warehouse, SKU and condition: the hub's figure, the warehouse's, the difference (warehouse − hub), when and who said so (a reported shortage, a change the warehouse made, a reconciliation), for the latest variance; how many and their sum. ! marks one more than VARIANCE_ALERT_UNITS units apart",
    )
    .option('--warehouse <code>', 'one warehouse only')
    .option('--sku <sku>', 'one SKU only')
    .option('--json', 'the rows as JSON')
    .action(run((global, options: { warehouse?: string; sku?: string; json?: boolean }) => variance(io, global, options)));

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
