import { setImmediate as aTurn } from 'node:timers/promises';
import Database from 'better-sqlite3';
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
} from '../../../application/ports/event-store.ts';
import { StreamConflict } from '../../../application/ports/stream-conflict.ts';
import { AppendSignal } from '../append-signal.ts';
import { type PagedSource, startCatchUpSubscription } from '../catch-up-subscription.ts';
import { eventIdTaken } from '../event-id-taken.ts';
import { NO_EVENTS, actualRevision, meetsExpected, replayedUpTo } from '../expected-revision.ts';
import { applyHubPragmas } from '../../sqlite-pragmas.ts';
import type { Outcome, WaitingAppend } from '../waiting-append.ts';

export type SqliteEventStoreOptions = Readonly<{
  /**
   * 'FULL' (default): an append has reached the disk when it returns (the WAL is synced at each
   * commit). 'NORMAL': relaxed, faster; a power cut may lose the last appends, never corrupt the file.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * Subscribers in this process hear appends at once. Appends made by other processes on the
   * same file are seen only by polling: set how often (milliseconds). Absent: no polling.
   */
  pollIntervalMs?: number;
}>;

/** A row as an array, in COLUMNS order: cheaper to fetch than an object per row (it shows in replays). */
type Row = readonly [position: number, id: string, stream: string, revision: number, type: string, data: string, metadata: string];

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY,
    id       TEXT    NOT NULL UNIQUE,
    stream   TEXT    NOT NULL,
    category TEXT    NOT NULL,
    revision INTEGER NOT NULL,
    type     TEXT    NOT NULL,
    data     TEXT    NOT NULL,
    metadata TEXT    NOT NULL,
    UNIQUE (stream, revision)
  ) STRICT;
  CREATE INDEX IF NOT EXISTS events_by_category ON events (category, position);
`;

const COLUMNS = 'position, id, stream, revision, type, data, metadata';
const UNLIMITED = -1;
const MMAP_BYTES = 256 * 1024 * 1024;
/** Events of this process's latest appends kept decoded for the subscriptions (see `tailPage`). */
const TAIL_CAPACITY = 4096;

const toStored = ([sequence, id, stream, revision, type, data, metadata]: Row): StoredEvent => {
  const position = BigInt(sequence);
  return {
    id,
    type,
    data: JSON.parse(data) as object,
    metadata: JSON.parse(metadata) as StoredEvent['metadata'],
    stream,
    revision: BigInt(revision),
    position: { commit: position, prepare: position },
  };
};

/** Frozen through and through: an event shared by several subscribers cannot be changed by one of them. */
const deepFrozen = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFrozen(inner);
    Object.freeze(value);
  }
  return value;
};

const isIdTaken = (error: unknown): boolean =>
  error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE' && error.message.includes('events.id');

/**
 * better-sqlite3 runs each statement synchronously, on the event loop's thread. Every append and
 * read gives the loop a turn before its caller goes on (`aTurn`), so that work made of many of
 * them (a reservation of 500 lines is 500 appends) lets requests, timers and other work in
 * between and never holds the loop for longer than one of its statements.
 *
 * The embedded event store: one SQLite file in WAL mode, one table of events whose INTEGER
 * PRIMARY KEY is the global position (commit = prepare = that sequence). Appends run in one
 * IMMEDIATE transaction, so that concurrent writers, in this process or others, queue on the
 * file's write lock and the expected-revision check and the inserts see the same stream.
 */
export class SqliteEventStore implements EventStore {
  private readonly appended = new AppendSignal();
  private readonly subscriptions = new Set<Subscription>();
  private readonly statements;
  private readonly appendInSavepoint;
  private readonly commitGroup;
  /** rows inserted by the transaction under way; taken into the tail only once it has committed */
  private inserted: Row[] = [];
  /** appends waiting for the next group commit (see `append`) */
  private waiting: WaitingAppend[] = [];
  private commits = 0;
  /**
   * The latest events appended by this process, decoded once: `tail[i]` is at position
   * `tailStart + i`, without gaps. Every subscription reads the events just appended (about 15 of
   * them, each event); reading them here spares each a query and a JSON parse of every event.
   * The events are shared between subscribers, so they are frozen (a subscriber never modifies what it is handed).
   */
  private tail: StoredEvent[] = [];
  private tailCategories: string[] = [];
  private tailStart = 0;

  private constructor(
    private readonly db: Database.Database,
    private readonly options: SqliteEventStoreOptions,
  ) {
    applyHubPragmas(db, options.synchronous ?? 'FULL');
    // Reads map the file instead of copying each page out of the OS cache: a replay of $all spends
    // less in the kernel. Writes still go through the WAL, so durability is unchanged.
    db.pragma(`mmap_size = ${MMAP_BYTES}`);
    db.exec(SCHEMA);
    this.statements = {
      lastRevision: db.prepare<[string], number | null>('SELECT MAX(revision) FROM events WHERE stream = ?').pluck(),
      holderOf: db.prepare<[string], Readonly<{ id: string; stream: string; revision: number }>>(
        'SELECT id, stream, revision FROM events WHERE id = ?',
      ),
      insert: db.prepare<[string, string, number | bigint, string, string, string, string]>(
        'INSERT INTO events (stream, category, revision, id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      idAt: db.prepare<[string, number | bigint], string>('SELECT id FROM events WHERE stream = ? AND revision = ?').pluck(),
      positionAt: db.prepare<[string, number | bigint], number>('SELECT position FROM events WHERE stream = ? AND revision = ?').pluck(),
      forwards: db
        .prepare<[string, number | bigint, number], Row>(
          `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`,
        )
        .raw(),
      backwards: db
        .prepare<[string, number | bigint, number], Row>(
          `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
        )
        .raw(),
      all: db.prepare<[number | bigint, number], Row>(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(),
      category: db
        .prepare<[string, number | bigint, number], Row>(
          `SELECT ${COLUMNS} FROM events WHERE category = ? AND position > ? ORDER BY position LIMIT ?`,
        )
        .raw(),
      lastPosition: db.prepare<[], number | null>('SELECT MAX(position) FROM events').pluck(),
    };
    // one append, inside the group's transaction: a savepoint, so that a refused one leaves the others whole
    this.appendInSavepoint = db.transaction((stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): AppendResult =>
      this.write(stream, events, expected),
    );
    this.commitGroup = db.transaction((group: readonly WaitingAppend[]): Outcome[] =>
      group.map(({ stream, events, expected }) => {
        const mark = this.inserted.length;
        try {
          return { ok: true, result: this.appendInSavepoint(stream, events, expected) };
        } catch (error) {
          this.inserted.length = mark;
          return { ok: false, error };
        }
      }),
    ).immediate;
  }

  /** Opens (creating if need be) the store in the file at `path`. */
  static open(path: string, options: SqliteEventStoreOptions = {}): SqliteEventStore {
    return new SqliteEventStore(new Database(path), options);
  }

  /**
   * Group commit: an append waits for the next turn of the event loop, and every append asked for
   * by then (concurrent requests, reactions) is written in one IMMEDIATE transaction, each in a
   * savepoint of its own (a refused one, a conflict, takes nothing of the others with it), with one
   * sync of the WAL for them all. It resolves once that transaction has committed: as durable as an
   * append alone, for a fraction of the syncs under load.
   */
  append(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) return Promise.reject(new RangeError('append needs at least one event'));
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => this.commitWaiting());
      this.waiting.push({ stream, events, expected, resolve, reject });
    });
  }

  /** Durable transactions committed so far (each holds one or more appends): for tests and metrics. */
  get committed(): number {
    return this.commits;
  }

  private commitWaiting(): void {
    const group = this.waiting;
    this.waiting = [];
    this.inserted = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.commitGroup(group);
      this.commits += 1;
    } catch (error) {
      // the transaction itself failed (the file is locked by another process, the disk is full): every append of it
      this.inserted = [];
      for (const waiting of group) waiting.reject(error);
      return;
    }
    for (const row of this.inserted) this.remember(row, categoryOf(row[2]));
    this.inserted = [];
    this.appended.notify();
    group.forEach((waiting, i) => {
      const outcome = outcomes[i] as Outcome;
      if (outcome.ok) waiting.resolve(outcome.result);
      else waiting.reject(outcome.error);
    });
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<readonly StoredEvent[]> {
    const maxCount = options.maxCount ?? UNLIMITED;
    const rows =
      options.direction === 'backwards'
        ? this.statements.backwards.all(stream, options.fromRevision ?? Number.MAX_SAFE_INTEGER, maxCount)
        : this.statements.forwards.all(stream, options.fromRevision ?? 0, maxCount);
    const events = rows.map(toStored);
    await aTurn();
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<readonly StoredEvent[]> {
    const events = this.page(options.after, options.category, options.maxCount ?? UNLIMITED);
    await aTurn();
    return events;
  }

  subscribe(options: SubscribeOptions): Subscription {
    const subscription = startCatchUpSubscription(this.pagedSource(), options);
    this.subscriptions.add(subscription);
    void subscription.done.then(
      () => this.subscriptions.delete(subscription),
      () => this.subscriptions.delete(subscription),
    );
    return subscription;
  }

  /** Stops the subscriptions still running, then closes the file. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.db.close();
  }

  private write(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): AppendResult {
    const { statements } = this;
    const last = BigInt(statements.lastRevision.get(stream) ?? NO_EVENTS);
    const firstId = (events[0] as EventToAppend).id;
    const holder = statements.holderOf.get(firstId);
    if (holder) {
      const upTo = replayedUpTo(
        expected,
        events.map((event) => event.id),
        BigInt(holder.revision),
        (revision) => statements.idAt.get(stream, revision),
      );
      if (holder.stream === stream && upTo !== undefined) return this.resultAt(stream, upTo);
      throw eventIdTaken(holder, stream, expected, last);
    }
    if (!meetsExpected(expected, last)) throw new StreamConflict(stream, expected, actualRevision(last));
    const category = categoryOf(stream);
    let revision = last;
    let position = 0;
    for (const event of events) {
      revision += 1n;
      const data = JSON.stringify(event.data);
      const metadata = JSON.stringify(event.metadata);
      try {
        position = Number(statements.insert.run(stream, category, revision, event.id, event.type, data, metadata).lastInsertRowid);
        this.inserted.push([position, event.id, stream, Number(revision), event.type, data, metadata]);
      } catch (error) {
        const taken = isIdTaken(error) ? statements.holderOf.get(event.id) : undefined;
        throw taken ? eventIdTaken(taken, stream, expected, last) : error;
      }
    }
    const at = BigInt(position);
    return { nextExpectedRevision: revision, position: { commit: at, prepare: at } };
  }

  private resultAt(stream: string, revision: bigint): AppendResult {
    const at = BigInt(this.statements.positionAt.get(stream, revision) as number);
    return { nextExpectedRevision: revision, position: { commit: at, prepare: at } };
  }

  private page(after: Position | undefined, category: string | undefined, limit: number): readonly StoredEvent[] {
    const from = after?.commit ?? 0n;
    const rows = category === undefined ? this.statements.all.all(from, limit) : this.statements.category.all(category, from, limit);
    return rows.map(toStored);
  }

  /** Takes a row of a committed append into the tail (a gap, left by another process's append, restarts it). */
  private remember(row: Row, category: string): void {
    if (this.tail.length === 0 || row[0] !== this.tailStart + this.tail.length) {
      this.tail = [];
      this.tailCategories = [];
      this.tailStart = row[0];
    }
    this.tail.push(deepFrozen(toStored(row)));
    this.tailCategories.push(category);
    if (this.tail.length > TAIL_CAPACITY) {
      const dropped = this.tail.length - TAIL_CAPACITY / 2;
      this.tail = this.tail.slice(dropped);
      this.tailCategories = this.tailCategories.slice(dropped);
      this.tailStart += dropped;
    }
  }

  /**
   * The page from the tail, when the tail holds every event after `after` (it starts at or before
   * the next one, and nothing was stored after its end, by another process either); else undefined.
   */
  private tailPage(after: Position | undefined, category: string | undefined, limit: number): readonly StoredEvent[] | undefined {
    const from = Number(after?.commit ?? 0n);
    const end = this.tailStart + this.tail.length - 1;
    if (this.tail.length === 0 || from < this.tailStart - 1 || from > end) return undefined;
    if (this.statements.lastPosition.get() !== end) return undefined;
    const page: StoredEvent[] = [];
    for (let i = from + 1 - this.tailStart; i < this.tail.length && (limit === UNLIMITED || page.length < limit); i += 1) {
      if (category === undefined || this.tailCategories[i] === category) page.push(this.tail[i] as StoredEvent);
    }
    return page;
  }

  private pagedSource(): PagedSource {
    const { pollIntervalMs } = this.options;
    const nextAppend =
      pollIntervalMs === undefined
        ? () => this.appended.next()
        : () =>
            new Promise<void>((resolve) => {
              const tick = setTimeout(resolve, pollIntervalMs);
              void this.appended.next().then(() => {
                clearTimeout(tick);
                resolve();
              });
            });
    return {
      readPage: (after, category, limit) => this.tailPage(after, category, limit) ?? this.page(after, category, limit),
      nextAppend,
    };
  }
}
