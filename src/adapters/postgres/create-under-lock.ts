/**
 * Work in one transaction under a transaction-level advisory lock (`underLock`), and the
 * idempotent creation of tables that way (`createUnderLock`: CREATE … IF NOT EXISTS), so that
 * processes starting together do not race on them. A transaction-level lock ends with its
 * transaction: it works behind a transaction pooler (PgBouncer), where a session lock would not.
 */
import type pg from 'pg';
import { withCheckedOut } from './checked-out.ts';

export const underLock = <T>(pool: pg.Pool, lock: readonly [number, number], work: (client: pg.PoolClient) => Promise<T>): Promise<T> =>
  withCheckedOut(pool, async (client) => {
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...lock]);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });

export const createUnderLock = async (pool: pg.Pool, lock: readonly [number, number], schema: string): Promise<void> => {
  await underLock(pool, lock, (client) => client.query(schema));
};
