/**
 * A pool of connections to the hub's PostgreSQL. An idle pooled connection that breaks (the server
 * restarted) is an 'error' event on the pool: heard here, so that it does not end the process; the
 * pool drops that connection and the next statement opens another. (A connection checked out for
 * a transaction is guarded by ./checked-out.ts.)
 */
import pg from 'pg';

export const hubPool = (config: pg.PoolConfig): pg.Pool => {
  const pool = new pg.Pool(config);
  pool.on('error', () => undefined);
  return pool;
};
