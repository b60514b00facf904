/**
 * The read models as the CLI opens them (`projections rebuild`, `verify`): the projections file in
 * the data directory, its events read with the store's decoder; an event that does not decode is
 * named on stderr and left out (the projections' default would stop on it).
 */
import { join } from 'node:path';
import type { EventDecoder } from '../../application/ports/event-decoder.ts';
import { positionToString } from '../../application/ports/event-store.ts';
import type { SqliteProjectionsOptions } from '../../adapters/projections/sqlite-projections.ts';
import type { Config } from '../config.ts';
import type { CliIo } from './cli-io.ts';

export const projectionsFile = (config: Config): string => join(config.OMS_DATA_DIR, 'projections.sqlite');

export const readModelOptions = (io: CliIo, decoder: EventDecoder): Pick<SqliteProjectionsOptions, 'decoder' | 'onUndecodable'> => ({
  decoder,
  onUndecodable: ({ stored, problems }) => {
    io.stderr.write(
      `left out of the projections: event ${stored.id} (${stored.type}, ${stored.stream} revision ${stored.revision}, position ${positionToString(stored.position)}) does not decode: ${problems.join('; ')}\n`,
    );
  },
});
