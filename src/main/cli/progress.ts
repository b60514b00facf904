/** The progress bars of the long commands, with a rate, on stderr: drawn only on a terminal (and not with --no-progress). */
import cliProgress from 'cli-progress';
import type { CliIo, GlobalOptions } from './cli-io.ts';

/** Events per second, for a person ('–' before any time has passed). */
export const rate = (events: number, seconds: number): string => (seconds > 0 ? Math.round(events / seconds).toLocaleString('en-US') : '–');

/** A bar over `count` events (unknown or 0: a counter without a bar); `stop` answers the seconds since it started. */
export const progressBar = (io: CliIo, options: GlobalOptions, label: string, count: number | undefined) => {
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
