/**
 * Runs `schema` (idempotent statements: CREATE … IF NOT EXISTS) in one transaction under a
 * transaction-level advisory lock, so that processes starting together do not race on them. A
 * transaction-level lock ends with its transaction: it works behind a transaction pooler
 * (PgBouncer), where a session lock would not.
 */
import type pg from 'pg';

export const createUnderLock = async (pool: pg.Pool, lock: readonly [number, number], schema: string): Promise<void> => {
  const client = await pool.connect();
  // while checked out, the pool does not listen to the client: a connection that breaks would be an uncaught 'error'
  let broken = false;
  const onBroken = () => {
    broken = true;
  };
  client.on('error', onBroken);
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...lock]);
    await client.query(schema);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', onBroken);
    client.release(broken);
  }
};
