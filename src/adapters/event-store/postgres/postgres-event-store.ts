/**
 * The event store on PostgreSQL (EVENT_STORE=postgres, DATABASE_URL), for hubs that share one
 * database. Schema: ./postgres-schema.ts.
 *
 * Positions. An identity column gives each event a number at insert, but transactions commit in
 * any order: A takes 10, B takes 11 and commits first; a reader that saw 11 and saved it as its
 * checkpoint would skip 10 for ever. Two ways out: serialise every append behind one lock held to
 * commit (positions then commit in order, but appends, their round trips and their fsyncs queue
 * one by one, across all hubs: measured with PostgreSQL's durable defaults on a 2-core machine,
 * about 1,050 appends/s whether 1 or 16 writers, with a one-off variant of this file), or let
 * appends run in parallel and make readers wait for the transactions in flight (2,040/s with 16
 * writers on the same machine, bench/store.ts).
 * This store does the second, with a transaction-id horizon (Marten's daemon instead waits out
 * holes in the sequence with a timeout, which can skip an event that commits after it):
 * - every row keeps the id of the transaction that wrote it (`transaction_id`, xid8), and the
 *   store-wide order is (transaction_id, position): the Position is { commit: transaction id,
 *   prepare: identity }, compared as any Position is (commit first);
 * - readers of $all and of categories read only the rows of transactions below the horizon,
 *   `pg_snapshot_xmin(pg_current_snapshot())`, the oldest transaction still in flight. Every
 *   transaction below it has ended, and any transaction that ends later has an id at or above it,
 *   so a row read has no row before it in that order that can still appear: no reader skips one;
 * - a read that finds committed rows held back above the horizon (a transaction with a lower id
 *   still open) waits until the horizon has passed them and reads once more, so that a read returns
 *   at least every event committed before it began (what SQLite's reads give: an append is then
 *   seen by the next readAll, and a subscription is caught up only with everything stored before
 *   it). The wait polls the horizon, 1 ms doubling to 100 ms: appends are short transactions.
 *   Its cost: a long transaction that holds an id, in any database of the cluster, holds every
 *   reader of $all back until it ends (readers of one stream never wait).
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

export type PostgresEventStoreOptions = Readonly<{
  /** connections of the pool (default 10); the listening connection is one more */
  poolSize?: number;
  /** how often subscriptions read again even without a notification (default 5,000 ms): the safety net, not the delivery */
  safetyPollMs?: number;
  /** how long a new connection may take before the database counts as out of reach (default 5,000 ms) */
  connectTimeoutMs?: number;
}>;

/** A row as the queries return it: bigint and xid8 as decimal text, json columns parsed by the driver. */
type EventRow = Readonly<{
  position: string;
  transaction_id: string;
  id: string;
  stream: string;
  revision: string;
  type: string;
  data: object;
  metadata: StoredEvent['metadata'];
}>;

const COLUMNS = 'position::text, transaction_id::text, id, stream, revision::text, type, data, metadata';
const IN_ORDER = 'ORDER BY events.transaction_id, events.position'; // qualified: the bare names are the text columns of COLUMNS
const FIRST_WAIT_MS = 1;
const LONGEST_WAIT_MS = 100;
const UNIQUE_VIOLATION = '23505';
/** how often a subscription tries its read again while the database is out of reach */
const OUTAGE_RETRY_MS = 250;

const positionOf = (transactionId: string, position: string): Position => ({ commit: BigInt(transactionId), prepare: BigInt(position) });

const toStored = (row: EventRow): StoredEvent => ({
  id: row.id,
  type: row.type,
  data: row.data,
  metadata: row.metadata,
  stream: row.stream,
  revision: BigInt(row.revision),
  position: positionOf(row.transaction_id, row.position),
});

const constraintOf = (error: unknown): string | undefined =>
  error instanceof pg.DatabaseError && error.code === UNIQUE_VIOLATION ? error.constraint : undefined;

/** The database cannot be reached or used (refused, unknown, no right to create the schema): the store's calls all fail with this. */
/** How long an append's transaction may sit idle (its process stopped) before the server ends it; appends take milliseconds. */
const ABANDONED_APPEND_MS = 5_000;

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
  private readonly tail = new StoreTail({ head: () => this.head(), read: (after, limit) => this.readCommitted(after, undefined, limit) });
  private closing = false;

  private constructor(
    private readonly pool: pg.Pool,
    connectionString: string,
    options: PostgresEventStoreOptions,
  ) {
    // an idle pooled connection that breaks is dropped by the pool; the next query opens another
    pool.on('error', () => undefined);
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

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<readonly StoredEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? null : 0n);
    return this.reached(async () => {
      const result = await this.pool.query<EventRow>(
        backwards
          ? `SELECT ${COLUMNS} FROM events WHERE stream = $1 AND ($2::bigint IS NULL OR revision <= $2) ORDER BY events.revision DESC LIMIT $3`
          : `SELECT ${COLUMNS} FROM events WHERE stream = $1 AND revision >= $2 ORDER BY events.revision LIMIT $3`,
        [stream, from?.toString() ?? null, options.maxCount ?? null],
      );
      return result.rows.map(toStored);
    });
  }

  readAll(options: ReadAllOptions = {}): Promise<readonly StoredEvent[]> {
    return this.reached(() => this.readCommitted(options.after, options.category, options.maxCount));
  }

  subscribe(options: SubscribeOptions): Subscription {
    // no event of the subscription's category between its position and `floor`: its own short read said so
    let floor: Position | undefined;
    const readPage = async (after: Position | undefined, category: string | undefined, limit: number): Promise<readonly StoredEvent[]> => {
      const from = floor !== undefined && (after === undefined || comparePositions(after, floor) < 0) ? floor : after;
      const shared = await this.tail.page(from, category, limit);
      if (shared !== undefined) return shared;
      const tailStart = this.tail.start(); // every event up to it committed before the read below
      const page = await this.readCommitted(after, category, limit);
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

  /**
   * The events after `after` in store order, up to `limit`: every event committed before the call
   * (above the horizon too, once the transactions below them have ended), none that could be
   * followed by an event of a lower position still to commit.
   */
  private async readCommitted(
    after: Position | undefined,
    category: string | undefined,
    limit: number | undefined,
  ): Promise<StoredEvent[]> {
    const first = await this.readBelowHorizon(after, category, limit);
    if (first.heldBack === null || (limit !== undefined && first.events.length >= limit)) return first.events;
    await this.horizonPassing(first.heldBack);
    return (await this.readBelowHorizon(after, category, limit)).events;
  }

  /** The position of the last event below the horizon: every event up to it has committed, any still to come is after it. */
  private async head(): Promise<Position | undefined> {
    const result = await this.pool.query<Readonly<{ position: string; transaction_id: string }>>(
      `SELECT position::text, transaction_id::text FROM events
        WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY events.transaction_id DESC, events.position DESC LIMIT 1`,
    );
    const row = result.rows[0];
    return row === undefined ? undefined : positionOf(row.transaction_id, row.position);
  }

  /** One read of the rows below the horizon, and the highest transaction id of the committed rows held back above it (null: none). */
  private async readBelowHorizon(
    after: Position | undefined,
    category: string | undefined,
    limit: number | undefined,
  ): Promise<Readonly<{ events: StoredEvent[]; heldBack: string | null }>> {
    const horizon = await this.pool.query<Readonly<{ horizon: string; held_back: string | null }>>(
      `SELECT h.xmin::text AS horizon,
              (SELECT transaction_id FROM events WHERE transaction_id >= h.xmin ${category === undefined ? '' : 'AND category = $1'}
                ORDER BY transaction_id DESC LIMIT 1)::text AS held_back
         FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin) AS h`,
      category === undefined ? [] : [category],
    );
    const { horizon: below, held_back: heldBack } = horizon.rows[0] ?? { horizon: '0', held_back: null };
    const from = [after?.commit.toString() ?? '0', after?.prepare.toString() ?? '0'];
    const page = await this.pool.query<EventRow>(
      category === undefined
        ? `SELECT ${COLUMNS} FROM events WHERE (transaction_id, position) > ($1::xid8, $2::bigint) AND transaction_id < $3::xid8 ${IN_ORDER} LIMIT $4`
        : `SELECT ${COLUMNS} FROM events WHERE category = $5 AND (transaction_id, position) > ($1::xid8, $2::bigint) AND transaction_id < $3::xid8 ${IN_ORDER} LIMIT $4`,
      category === undefined ? [...from, below, limit ?? null] : [...from, below, limit ?? null, category],
    );
    return { events: page.rows.map(toStored), heldBack };
  }

  /** Waits until every transaction up to `transactionId` has ended (the horizon is above it). */
  private async horizonPassing(transactionId: string): Promise<void> {
    let wait = FIRST_WAIT_MS;
    for (;;) {
      const result = await this.pool.query<Readonly<{ passed: boolean }>>(
        'SELECT pg_snapshot_xmin(pg_current_snapshot()) > $1::xid8 AS passed',
        [transactionId],
      );
      if (result.rows[0]?.passed === true) return;
      if (this.closing) throw new Error('the event store is closing');
      await sleep(wait);
      wait = Math.min(wait * 2, LONGEST_WAIT_MS);
    }
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
