/**
 * The projections on PostgreSQL (beside a PostgreSQL event store: EVENT_STORE=postgres), in a
 * schema of their own: its store (./postgres-projection-store.ts), its reports
 * (./sql-reports.ts over ./postgres-reader.ts), and verify against a scratch schema rebuilt
 * beside the live one and compared in one snapshot (two EXCEPT queries per table).
 */
import type pg from 'pg';
import type { EventStore } from '../../application/ports/event-store.ts';
import type { Projection, Row } from '../../application/projections/projection.ts';
import { PostgresProjectionStore, readModelPool } from './postgres-projection-store.ts';
import { PostgresReader } from './postgres-reader.ts';
import type { ProjectionState, StateRow } from './projection-store.ts';
import { quote } from './projection-tables.ts';
import { Projections, type ProjectionsOptions } from './projections.ts';
import { SqlReports } from './sql-reports.ts';
import { type PairView, compareWithRebuild } from './verify.ts';

/** Where the read models live when none is named. */
export const READ_MODEL_SCHEMA = 'read_models';

export type PostgresProjectionsOptions = ProjectionsOptions &
  Readonly<{
    /** the schema of the read models (default `read_models`), created if need be */
    schema?: string;
  }>;

export class PostgresProjections extends Projections {
  /** Opens (creating if need be) the read models' schema and tables on the database at `url`. */
  static open(url: string, options: PostgresProjectionsOptions = {}): PostgresProjections {
    const schema = options.schema ?? READ_MODEL_SCHEMA;
    const pool = readModelPool(url, schema);
    return new PostgresProjections(
      {
        store: (zone, projections) => new PostgresProjectionStore(pool, schema, zone, projections),
        reports: new SqlReports(new PostgresReader(pool)),
        close: () => pool.end(),
      },
      options,
    );
  }
}

const statesOf = async (client: pg.PoolClient, schema: string): Promise<Map<string, ProjectionState>> => {
  const exists = await client.query('SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2', [schema, 'projection_checkpoints']);
  if (exists.rowCount === 0) return new Map();
  const { rows } = await client.query<StateRow>(`SELECT * FROM ${quote(schema)}.projection_checkpoints`);
  return new Map(rows.map((row) => [row.name, row]));
};

/**
 * Rebuilds every projection into the schema `scratch` (emptied first, dropped at the end), each up
 * to the position the live schema has reached, and compares the two row by row. Returns the
 * differences in words (empty: equal). The live schema is only read.
 */
export const comparePostgresProjections = async (
  store: EventStore,
  url: string,
  { live = READ_MODEL_SCHEMA, scratch = `${READ_MODEL_SCHEMA}_verify` }: Readonly<{ live?: string; scratch?: string }> = {},
  onProgress?: (events: number) => void,
  reading: Pick<ProjectionsOptions, 'decoder' | 'onUndecodable'> = {},
): Promise<readonly string[]> => {
  if (live === scratch) throw new RangeError('the scratch schema must not be the live one');
  const pool = readModelPool(url, live, 1);
  const dropScratch = () => pool.query(`DROP SCHEMA IF EXISTS ${quote(scratch)} CASCADE`);
  try {
    await dropScratch();
    const client = await pool.connect();
    const liveStates = await statesOf(client, live).finally(() => client.release());
    return await compareWithRebuild(
      store,
      {
        liveStates,
        openScratch: (zone: string, projections: readonly Projection[]) => {
          return PostgresProjections.open(url, { zone, projections, schema: scratch, ...reading });
        },
        openComparison: () => {
          const connecting = pool.connect();
          const view = (compare: pg.PoolClient): PairView => ({
            liveStates: () => statesOf(compare, live),
            differingRows: async (table, limit) => {
              const except = async (from: string, without: string) =>
                (
                  await compare.query<Row>(
                    `SELECT * FROM ${quote(from)}.${quote(table)} EXCEPT SELECT * FROM ${quote(without)}.${quote(table)} LIMIT ${limit}`,
                  )
                ).rows;
              return { onlyLive: await except(live, scratch), onlyRebuilt: await except(scratch, live) };
            },
          });
          return {
            read: async (work) => {
              const compare = await connecting;
              await compare.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
              try {
                return await work(view(compare));
              } finally {
                await compare.query('COMMIT');
              }
            },
            close: async () => (await connecting).release(),
          };
        },
      },
      onProgress,
    );
  } finally {
    await dropScratch().catch(() => undefined);
    await pool.end();
  }
};
