/**
 * How the CLI reads events into the read models (`projections rebuild`, `verify`; where they are:
 * ../open-projections.ts): with the store's decoder; an event that does not decode is named on
 * stderr and left out (the projections' default would stop on it).
 */
import type { EventDecoder } from '../../application/ports/event-decoder.ts';
import { positionToString } from '../../application/ports/event-store.ts';
import type { ProjectionsOptions } from '../../adapters/projections/projections.ts';
import type { CliIo } from './cli-io.ts';

export const readModelOptions = (io: CliIo, decoder: EventDecoder): Pick<ProjectionsOptions, 'decoder' | 'onUndecodable'> => ({
  decoder,
  onUndecodable: ({ stored, problems }) => {
    io.stderr.write(
      `left out of the projections: event ${stored.id} (${stored.type}, ${stored.stream} revision ${stored.revision}, position ${positionToString(stored.position)}) does not decode: ${problems.join('; ')}\n`,
    );
  },
});
