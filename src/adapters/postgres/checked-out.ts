/**
 * A connection checked out of a pool for a piece of work (a transaction). While checked out, the
 * pool does not listen to the client: a connection that breaks (the server stopped) would be an
 * uncaught 'error' that ends the process. Here the break is heard (the statement under way fails
 * on its own), and a broken connection is destroyed at release, not handed out again.
 */
import type pg from 'pg';

export const withCheckedOut = async <T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
  const client = await pool.connect();
  let broken = false;
  const onBroken = () => {
    broken = true;
  };
  client.on('error', onBroken);
  try {
    return await work(client);
  } finally {
    client.off('error', onBroken);
    client.release(broken);
  }
};
