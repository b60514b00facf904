/**
 * The event store on PostgreSQL (EVENT_STORE=postgres, DATABASE_URL), for hubs that share one
 * database. Schema: ./postgres-schema.ts.
 *
 * Positions: a transaction-id horizon keeps them gap-free for readers (./postgres-reads.ts).
 * Appends are group-committed (./postgres-group-commit.ts): those asked for while a transaction is
 * under way go together in the next one, each with its own expected-revision check and its own
 * error. Appends to one stream are serialised by a transaction-level advisory lock on the stream's
 * name (so the expected-revision check and the inserts see the same stream, across hubs); another
 * hub's groups, of other streams, run in parallel.
 *
 * Live delivery: each insert NOTIFYs, one connection per store LISTENs and wakes this process's
 * subscriptions (./postgres-append-listener.ts).
 *
 * The database out of reach (restarting, a connection cut; ../../postgres/unreachable.ts tells which
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
import type pg from 'pg';
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
  comparePositions,
} from '../../../application/ports/event-store.ts';
import { AppendSignal } from '../append-signal.ts';
import { startCatchUpSubscription } from '../catch-up-subscription.ts';
import { LOCK_SPACE, SCHEMA, SCHEMA_LOCK } from './postgres-schema.ts';
import { AppendListener } from './postgres-append-listener.ts';
import { createUnderLock } from '../../postgres/create-under-lock.ts';
import { StoreUnavailable } from '../../../application/ports/store-unavailable.ts';
import { unavailableOr } from '../../postgres/unreachable.ts';
import { StoreTail } from './postgres-tail.ts';
import { PostgresReads } from './postgres-reads.ts';
import { GroupCommit } from './postgres-group-commit.ts';
import { hubPool } from '../../postgres/hub-pool.ts';

export type PostgresEventStoreOptions = Readonly<{
  /** connections of the pool (default 10); the listening connection is one more */
  poolSize?: number;
  /** how often subscriptions read again even without a notification (default 5,000 ms): the safety net, not the delivery */
  safetyPollMs?: number;
  /** how long a new connection may take before the database counts as out of reach (default 5,000 ms) */
  connectTimeoutMs?: number;
}>;

/** how often a subscription tries its read again while the database is out of reach */
const OUTAGE_RETRY_MS = 250;

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
  private readonly groups: GroupCommit;
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
    this.reads = new PostgresReads(pool, () => this.closing);
    this.groups = new GroupCommit(pool);
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
    const pool = hubPool({
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

  /** Group-committed with the appends asked for at the same moment (./postgres-group-commit.ts). */
  async append(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('append needs at least one event');
    await this.ready;
    return this.groups.append(stream, events, expected);
  }

  /** Transactions that wrote events, committed so far (each holds one or more appends): for tests and metrics. */
  get committed(): number {
    return this.groups.committed;
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
}
