/** `oms projections rebuild [name…]`: replay every event into fresh tables and swap them in; the hub keeps serving the old ones meanwhile. */
import { projectionNames } from '../../adapters/projections/projections.ts';
import { countStoredEvents } from '../open-event-store.ts';
import { openProjections, projectionsPlace } from '../open-projections.ts';
import { type CliIo, CliFailure, type GlobalOptions, configOf, withAuditParts, write } from './cli-io.ts';
import { progressBar, rate } from './progress.ts';
import { readModelOptions } from './read-models.ts';

export const rebuild = async (io: CliIo, global: GlobalOptions, names: readonly string[]): Promise<number> => {
  const config = configOf(io, global);
  const unknown = names.filter((name) => !projectionNames.includes(name));
  if (unknown.length > 0)
    throw new CliFailure(
      `unknown projection${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}; known: ${projectionNames.join(', ')}`,
    );
  return withAuditParts(config, async ({ store, decoder }) => {
    // days in the reports are counted in the warehouse zone, as the hub counts them
    const live = openProjections(config, { zone: config.WAREHOUSE_ZONE, ...readModelOptions(io, decoder) });
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
        `rebuilt ${which} from ${result.events} events in ${result.seconds.toFixed(2)} s: ${rate(result.events, result.seconds)} events/s; swapped in at ${projectionsPlace(config)}\n`,
      );
      return 0;
    } finally {
      await live.close();
    }
  });
};
