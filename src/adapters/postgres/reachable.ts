/**
 * Work on the shared PostgreSQL whose failure to reach the database is the port's
 * `StoreUnavailable` (answered 503, like the event store's own outages: the same database), and
 * any other failure as it is.
 */
import { unavailableOr } from '../event-store/postgres/postgres-unreachable.ts';

export const whileReachable = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    throw unavailableOr(error);
  }
};
