/**
 * The event store on PostgreSQL (EVENT_STORE=postgres, DATABASE_URL), for hubs that share one
 * database. Schema: ./postgres-schema.ts.
 *
 * Positions: a transaction-id horizon keeps them gap-free for readers (./postgres-reads.ts).
 * Appends to one stream are serialised by a transaction-level advisory lock on the stream's name
 * (so the expected-revision check and the inserts see the same stream); appends to different
 * streams run in parallel. One append is one transaction.
 *
 * Live delivery: each insert NOTIFYs, one connection per store LISTENs and wakes this process's
 * subscriptions (./postgres-append-listener.ts).
 *
 * The database out of reach (restarting, a connection cut; ./postgres-unreachable.ts tells which
 * errors): appends and reads fail at once with the port's StoreUnavailable (the HTTP layer answers
 * 503), never with the driver's errors, and a connection that breaks while an append holds it
 * neither crashes the process (node-postgres emits 'error' on a client checked out of the pool, an
 * uncaught exception if nobody listens) nor goes back to the pool. Subscriptions ride an outage
 * out: a page read that finds the database away is tried again every OUTAGE_RETRY_MS until it is
 * back (or the subscription stops), so that every follower of the store (reactions, projections,
 * inventory, the live feed) carries on from where it was once the database is back. A connection
 * that cannot be made within `connectTimeoutMs` counts as away, so that nothing waits for ever.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
  categoryOf,
  comparePositions,
} from '../../../application/ports/event-store.ts';
import { StreamConflict } from '../../../application/ports/stream-conflict.ts';
import { AppendSignal } from '../append-signal.ts';
import { startCatchUpSubscription } from '../catch-up-subscription.ts';
import { eventIdTaken } from '../event-id-taken.ts';
import { type LastRevision, NO_EVENTS, actualRevision, meetsExpected, replayedUpTo } from '../expected-revision.ts';
import { LOCK_SPACE, SCHEMA, SCHEMA_LOCK } from './postgres-schema.ts';
import { AppendListener } from './postgres-append-listener.ts';
import { createUnderLock } from '../../postgres/create-under-lock.ts';
import { StoreUnavailable } from '../../../application/ports/store-unavailable.ts';
import { unavailableOr } from './postgres-unreachable.ts';
import { StoreTail } from './postgres-tail.ts';
import { PostgresReads, positionOf } from './postgres-reads.ts';

export type PostgresEventStoreOptions = Readonly<{
  /** connections of the pool (default 10); the listening connection is one more */
  poolSize?: number;
  /** how often subscriptions read again even without a notification (default 5,000 ms): the safety net, not the delivery */
  safetyPollMs?: number;
  /** how long a new connection may take before the database counts as out of reach (default 5,000 ms) */
  connectTimeoutMs?: number;
}>;

const UNIQUE_VIOLATION = '23505';
/** how often a subscription tries its read again while the database is out of reach */
const OUTAGE_RETRY_MS = 250;

const constraintOf = (error: unknown): string | undefined =>
  error instanceof pg.DatabaseError && error.code === UNIQUE_VIOLATION ? error.constraint : undefined;

/** How long an append's transaction may sit idle (its process stopped) before the server ends it; appends take milliseconds. */
const ABANDONED_APPEND_MS = 5_000;

/** The database cannot be reached or used (refused, unknown, no right to create the schema): the store's calls all fail with this. */
export class PostgresEventStoreUnavailable extends Error {}

/** A connection string fit to be shown: its password replaced. */
export const shownConnectionString = (connectionString: string): string => {
  if (!URL.canParse(connectionString)) return '(an unreadable connection string)';
  const url = new URL(connectionString);
  if (url.password !== '') url.password = '***';
  return url.toString();
};

export class PostgresEventStore implements EventStore {
  private readonly appended = new AppendSignal();
  private readonly subscriptions = new Set<Subscription>();
  private readonly ready: Promise<void>;
  private readonly listener: AppendListener;
  private readonly reads: PostgresReads;
  private readonly tail = new StoreTail({
    head: () => this.reads.head(),
    read: (after, limit) => this.reads.readCommitted(after, undefined, limit),
  });
  private closing = false;

  private constructor(
    private readonly pool: pg.Pool,
    connectionString: string,
    options: PostgresEventStoreOptions,
  ) {
    // an idle pooled connection that breaks is dropped by the pool; the next query opens another
    pool.on('error', () => undefined);
    this.reads = new PostgresReads(pool, () => this.closing);
    this.listener = new AppendListener(connectionString, () => this.appended.notify(), options.safetyPollMs ?? 5_000);
    this.ready = this.setUp().catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      throw new PostgresEventStoreUnavailable(
        `the PostgreSQL event store at ${shownConnectionString(connectionString)} cannot be used: ${reason}`,
        {
          cause: error,
        },
      );
    });
    this.ready.catch(() => undefined); // reported by every call that awaits it
  }

  /**
   * The store at `connectionString` (postgres://…). Returns at once; the schema is created and
   * the listening connection opened in the background, and every call waits for them (a database
   * that cannot be reached or used fails each call with {@link PostgresEventStoreUnavailable});
   * `opened()` waits for them.
   */
  static connect(connectionString: string, options: PostgresEventStoreOptions = {}): PostgresEventStore {
    const pool = new pg.Pool({
      connectionString,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      // An append left open by a process that stopped between its BEGIN and COMMIT (SIGSTOP, a
      // frozen machine) would hold its stream's lock, and hold every reader of $all below its
      // transaction, for as long as the process stays stopped: the server ends such a session
      // after this long, and the process finds its append failed when it wakes.
      idle_in_transaction_session_timeout: ABANDONED_APPEND_MS,
    });
    return new PostgresEventStore(pool, connectionString, options);
  }

  /** Resolves once the schema is there and the store listens for appends; rejects if it cannot. */
  opened(): Promise<void> {
    return this.ready;
  }

  async append(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('append needs at least one event');
    await this.ready;
    const client = await this.pool.connect().catch((error: unknown) => {
      throw unavailableOr(error);
    });
    // while checked out, the pool does not listen to the client: a connection that breaks would be an uncaught 'error'
    let broken = false;
    const onBroken = () => {
      broken = true;
    };
    client.on('error', onBroken);
    let last: LastRevision = NO_EVENTS;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_SPACE, stream]);
      const firstId = (events[0] as EventToAppend).id;
      const state = await client.query<Readonly<{ last: string | null; holder_stream: string | null; holder_revision: string | null }>>(
        `SELECT (SELECT max(revision) FROM events WHERE stream = $1)::text AS last, holder.stream AS holder_stream, holder.revision::text AS holder_revision
           FROM (SELECT 1) AS one LEFT JOIN events AS holder ON holder.id = $2`,
        [stream, firstId],
      );
      const row = state.rows[0];
      last = row?.last == null ? NO_EVENTS : BigInt(row.last);
      if (row?.holder_stream != null && row.holder_revision != null) {
        const upTo =
          row.holder_stream === stream ? await this.replayOf(client, stream, events, expected, BigInt(row.holder_revision)) : undefined;
        if (upTo === undefined) throw eventIdTaken({ id: firstId, stream: row.holder_stream }, stream, expected, last);
        await client.query('ROLLBACK');
        return await this.resultAt(stream, upTo);
      }
      if (!meetsExpected(expected, last)) throw new StreamConflict(stream, expected, actualRevision(last));
      const inserted = await client.query<Readonly<{ position: string; transaction_id: string }>>(
        `INSERT INTO events (stream, category, revision, id, type, data, metadata)
           SELECT $1, $2, $3::bigint + e.n, e.id, e.type, e.data::json, e.metadata::json
             FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS e(id, type, data, metadata, n)
            ORDER BY e.n
         RETURNING position::text, transaction_id::text`,
        [
          stream,
          categoryOf(stream),
          last.toString(),
          events.map((event) => event.id),
          events.map((event) => event.type),
          events.map((event) => JSON.stringify(event.data)),
          events.map((event) => JSON.stringify(event.metadata)),
        ],
      );
      await client.query('COMMIT');
      const lastRow = inserted.rows.reduce((a, b) => (BigInt(b.position) > BigInt(a.position) ? b : a));
      return { nextExpectedRevision: last + BigInt(events.length), position: positionOf(lastRow.transaction_id, lastRow.position) };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw unavailableOr(await this.explained(error, stream, events, expected, last).catch((failure: unknown) => failure));
    } finally {
      client.off('error', onBroken);
      client.release(broken); // a broken connection is destroyed, not handed out again
    }
  }

  readStream(stream: string, options: ReadStreamOptions = {}): Promise<readonly StoredEvent[]> {
    return this.reached(() => this.reads.readStream(stream, options));
  }

  readAll(options: ReadAllOptions = {}): Promise<readonly StoredEvent[]> {
    return this.reached(() => this.reads.readCommitted(options.after, options.category, options.maxCount));
  }

  subscribe(options: SubscribeOptions): Subscription {
    // no event of the subscription's category between its position and `floor`: its own short read said so
    let floor: Position | undefined;
    const readPage = async (after: Position | undefined, category: string | undefined, limit: number): Promise<readonly StoredEvent[]> => {
      const from = floor !== undefined && (after === undefined || comparePositions(after, floor) < 0) ? floor : after;
      const shared = await this.tail.page(from, category, limit);
      if (shared !== undefined) return shared;
      const tailStart = this.tail.start(); // every event up to it committed before the read below
      const page = await this.reads.readCommitted(after, category, limit);
      if (page.length < limit && tailStart !== null) floor = tailStart;
      return page;
    };
    const subscription = startCatchUpSubscription(
      {
        readPage: (after, category, limit, stopped) => this.readThroughOutages(() => readPage(after, category, limit), stopped),
        nextAppend: () => this.appended.next(),
      },
      options,
    );
    this.subscriptions.add(subscription);
    void subscription.done.then(
      () => this.subscriptions.delete(subscription),
      () => this.subscriptions.delete(subscription),
    );
    return subscription;
  }

  /** Stops the subscriptions still running, then closes the listening connection and the pool. */
  async close(): Promise<void> {
    this.closing = true;
    const listenerClosed = this.listener.close();
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.ready.catch(() => undefined);
    await listenerClosed;
    await this.pool.end();
  }

  /** `read` once the store is set up, the database's connection errors as StoreUnavailable. */
  private async reached<T>(read: () => Promise<T>): Promise<T> {
    await this.ready;
    try {
      return await read();
    } catch (error) {
      throw unavailableOr(error);
    }
  }

  /** `read`, tried again every OUTAGE_RETRY_MS while the database is out of reach; nothing once `stopped` (the subscription is stopping). */
  private async readThroughOutages(read: () => Promise<readonly StoredEvent[]>, stopped: AbortSignal): Promise<readonly StoredEvent[]> {
    for (;;) {
      try {
        return await this.reached(read);
      } catch (error) {
        if (!(error instanceof StoreUnavailable) || this.closing) throw error;
      }
      const stoppedMeanwhile = await sleep(OUTAGE_RETRY_MS, false, { signal: stopped, ref: false }).catch(() => true);
      if (stoppedMeanwhile) return [];
    }
  }

  private async setUp(): Promise<void> {
    await createUnderLock(this.pool, [LOCK_SPACE, SCHEMA_LOCK], SCHEMA);
    await this.listener.listen();
  }

  /** The revision the batch's last event was stored at, when the batch is a replay of an append already stored; else undefined. */
  private async replayOf(
    client: pg.PoolClient,
    stream: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
    firstRevision: bigint,
  ): Promise<bigint | undefined> {
    const stored = await client.query<Readonly<{ revision: string; id: string }>>(
      'SELECT revision::text, id FROM events WHERE stream = $1 AND revision >= $2 AND revision < $2::bigint + $3',
      [stream, firstRevision.toString(), events.length],
    );
    const ids = new Map(stored.rows.map((row) => [BigInt(row.revision), row.id]));
    return replayedUpTo(
      expected,
      events.map((event) => event.id),
      firstRevision,
      (revision) => ids.get(revision),
    );
  }

  private async resultAt(stream: string, revision: bigint): Promise<AppendResult> {
    const result = await this.pool.query<Readonly<{ position: string; transaction_id: string }>>(
      'SELECT position::text, transaction_id::text FROM events WHERE stream = $1 AND revision = $2',
      [stream, revision.toString()],
    );
    const row = result.rows[0];
    if (row === undefined) throw new Error(`event ${revision} of ${stream} went away`);
    return { nextExpectedRevision: revision, position: positionOf(row.transaction_id, row.position) };
  }

  /**
   * An insert refused by a unique constraint, in the store's words: an event id another append
   * stored meanwhile (in another stream), or a revision taken by a writer that did not lock the
   * stream. Anything else as it is.
   */
  private async explained(
    error: unknown,
    stream: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
    last: LastRevision,
  ): Promise<unknown> {
    const constraint = constraintOf(error);
    if (constraint === 'events_stream_revision_unique') {
      const now = await this.pool.query<Readonly<{ last: string | null }>>(
        'SELECT max(revision)::text AS last FROM events WHERE stream = $1',
        [stream],
      );
      const actual = now.rows[0]?.last;
      return new StreamConflict(stream, expected, actual == null ? 'no_stream' : BigInt(actual));
    }
    if (constraint === 'events_id_unique') {
      const taken = await this.pool.query<Readonly<{ id: string; stream: string }>>(
        'SELECT id, stream FROM events WHERE id = ANY($1::text[]) LIMIT 1',
        [events.map((event) => event.id)],
      );
      const holder = taken.rows[0];
      return holder === undefined ? error : eventIdTaken(holder, stream, expected, last);
    }
    return error;
  }
}
