/**
 * The configured event store, opened the one way the hub and the `oms` CLI share: the SQLite file
 * `${OMS_DATA_DIR}/events.sqlite` (default), EventStoreDB at ESDB_CONNECTION_STRING, or PostgreSQL at
 * DATABASE_URL.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventLookup, EventRef } from '../application/audit/order-at.ts';
import type { EventStore } from '../application/ports/event-store.ts';
import { EventStoreDbEventStore } from '../adapters/event-store/eventstoredb/eventstoredb-event-store.ts';
import { PostgresEventStore, shownConnectionString } from '../adapters/event-store/postgres/postgres-event-store.ts';
import { countEventsInFile, findEventsInFile } from '../adapters/event-store/sqlite/sqlite-event-file.ts';
import { SqliteEventStore } from '../adapters/event-store/sqlite/sqlite-event-store.ts';
import type { Config } from './config.ts';

export type StoreConfig = Pick<Config, 'EVENT_STORE' | 'OMS_DATA_DIR' | 'ESDB_CONNECTION_STRING' | 'DATABASE_URL' | 'SQLITE_SYNCHRONOUS'>;

/** An event store the opener owns: close it when done. */
export type OpenedEventStore = EventStore & Readonly<{ close(): Promise<void> }>;

/** There is no store where the configuration points (a CLI run against an empty data directory). */
export class NoEventStore extends Error {}

export const sqliteEventsFile = (config: Pick<Config, 'OMS_DATA_DIR'>): string => join(config.OMS_DATA_DIR, 'events.sqlite');

/** Where the events are, for a person: `sqlite ./data/events.sqlite`, `eventstoredb esdb://…` or `postgres postgres://hub:***@…`. */
export const describeEventStore = (config: StoreConfig): string => {
  if (config.EVENT_STORE === 'eventstoredb') return `eventstoredb ${config.ESDB_CONNECTION_STRING ?? ''}`;
  if (config.EVENT_STORE === 'postgres')
    return `postgres ${config.DATABASE_URL === undefined ? '' : shownConnectionString(config.DATABASE_URL)}`;
  return `sqlite ${sqliteEventsFile(config)}`;
};

/**
 * Open the configured store. `mustExist`: a SQLite file that is not there is an error
 * ({@link NoEventStore}) instead of a new, empty store (what a reader wants).
 */
export const openEventStore = (config: StoreConfig, options: Readonly<{ mustExist?: boolean }> = {}): OpenedEventStore => {
  if (config.EVENT_STORE === 'eventstoredb') {
    if (config.ESDB_CONNECTION_STRING === undefined) throw new NoEventStore('EVENT_STORE=eventstoredb needs ESDB_CONNECTION_STRING');
    return EventStoreDbEventStore.connect(config.ESDB_CONNECTION_STRING);
  }
  if (config.EVENT_STORE === 'postgres') {
    if (config.DATABASE_URL === undefined) throw new NoEventStore('EVENT_STORE=postgres needs DATABASE_URL');
    return PostgresEventStore.connect(config.DATABASE_URL);
  }
  const file = sqliteEventsFile(config);
  if (options.mustExist === true && !existsSync(file))
    throw new NoEventStore(`no event store at ${file} (OMS_DATA_DIR=${config.OMS_DATA_DIR})`);
  mkdirSync(config.OMS_DATA_DIR, { recursive: true });
  return SqliteEventStore.open(file, { synchronous: config.SQLITE_SYNCHRONOUS });
};

/**
 * How many events the store holds (after `afterPosition`, if given), for a progress bar: SQLite
 * counts them; EventStoreDB and PostgreSQL do not say (undefined).
 */
export const countStoredEvents = (config: StoreConfig, afterPosition = 0n): number | undefined =>
  config.EVENT_STORE === 'sqlite' ? countEventsInFile(sqliteEventsFile(config), afterPosition) : undefined;

/**
 * Finds events by id, to name what caused an event in another stream (SQLite, by its unique id
 * index). EventStoreDB has no such index, and PostgreSQL's is not used yet: undefined, and causes stay ids.
 */
export const eventLookup = (config: StoreConfig): EventLookup | undefined => {
  if (config.EVENT_STORE !== 'sqlite') return undefined;
  return async (ids) => new Map<string, EventRef>(findEventsInFile(sqliteEventsFile(config), ids) ?? []);
};
