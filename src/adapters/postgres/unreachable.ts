/**
 * Which of the PostgreSQL driver's errors mean that the database cannot be reached now, rather
 * than that a statement is wrong: the connection refused, cut or timed out (Node's socket errors,
 * node-postgres's own "Connection terminated…", "timeout exceeded when trying to connect",
 * "…not queryable"), and the server's SQLSTATE classes 08 (connection exception) and 57P0x (the
 * server shutting down, crashed, or still starting). Those become the port's
 * {@link StoreUnavailable} (answered 503), whichever adapter met them (the event store, the read
 * models, the alerts…: one database); anything else is left as it is. `whileReachable` runs a
 * piece of work that way.
 */
import pg from 'pg';
import { StoreUnavailable } from '../../application/ports/store-unavailable.ts';

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const SERVER_CODES = /^(08|57P0)/;
const DRIVER_MESSAGES = [/^Connection terminated/, /timeout exceeded when trying to connect/, /not queryable/];

export const unreachable = (error: unknown): boolean => {
  if (error instanceof pg.DatabaseError) return error.code !== undefined && SERVER_CODES.test(error.code);
  if (!(error instanceof Error)) return false;
  if ('code' in error && typeof error.code === 'string' && SOCKET_CODES.has(error.code)) return true;
  return DRIVER_MESSAGES.some((message) => message.test(error.message));
};

/** `error` as the store's callers should see it: {@link StoreUnavailable} when the database could not be reached. */
export const unavailableOr = (error: unknown): unknown =>
  unreachable(error)
    ? new StoreUnavailable(`the hub's PostgreSQL cannot be reached: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      })
    : error;

export const whileReachable = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    throw unavailableOr(error);
  }
};
