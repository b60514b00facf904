/**
 * Where the projections live, for the hub and the CLI alike: beside the events in PostgreSQL when
 * the event store is PostgreSQL (schema `read_models`: every hub process on that database reads
 * the same reports), else in `projections.sqlite` in the data directory (this process's own).
 */
import { join } from 'node:path';
import type { EventStore } from '../application/ports/event-store.ts';
import { PostgresProjections, READ_MODEL_SCHEMA, comparePostgresProjections } from '../adapters/projections/postgres-projections.ts';
import type { Projections, ProjectionsOptions } from '../adapters/projections/projections.ts';
import { SqliteProjections, compareProjections } from '../adapters/projections/sqlite-projections.ts';
import type { Config } from './config.ts';

const projectionsFile = (config: Config): string => join(config.OMS_DATA_DIR, 'projections.sqlite');

/** The PostgreSQL database of the read models, when they are there. */
const readModelDatabase = (config: Config): string | undefined => (config.EVENT_STORE === 'postgres' ? config.DATABASE_URL : undefined);

/** Where the projections are, in words (what the CLI prints). */
export const projectionsPlace = (config: Config): string =>
  readModelDatabase(config) === undefined ? projectionsFile(config) : `PostgreSQL schema ${READ_MODEL_SCHEMA}`;

export const openProjections = (config: Config, options: ProjectionsOptions): Projections => {
  const database = readModelDatabase(config);
  return database === undefined ? SqliteProjections.open(projectionsFile(config), options) : PostgresProjections.open(database, options);
};

/** The live projections against a rebuild in a scratch place (`scratchDirectory`, or a scratch schema), each up to where the live ones are. */
export const compareWithLiveProjections = (
  config: Config,
  store: EventStore,
  scratchDirectory: string,
  onProgress: (events: number) => void,
  reading: Pick<ProjectionsOptions, 'decoder' | 'onUndecodable'>,
): Promise<readonly string[]> => {
  const database = readModelDatabase(config);
  return database === undefined
    ? compareProjections(store, projectionsFile(config), join(scratchDirectory, 'projections.sqlite'), onProgress, reading)
    : comparePostgresProjections(store, database, {}, onProgress, reading);
};
