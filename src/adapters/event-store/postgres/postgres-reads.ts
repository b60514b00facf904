/**
 * The PostgreSQL event store's reads (./postgres-event-store.ts): one stream, and the events of
 * the whole store or of a category in store order, read below the transaction-id horizon.
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
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Position, ReadStreamOptions, StoredEvent } from '../../../application/ports/event-store.ts';

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
export const positionOf = (transactionId: string, position: string): Position => ({
  commit: BigInt(transactionId),
  prepare: BigInt(position),
});

const toStored = (row: EventRow): StoredEvent => ({
  id: row.id,
  type: row.type,
  data: row.data,
  metadata: row.metadata,
  stream: row.stream,
  revision: BigInt(row.revision),
  position: positionOf(row.transaction_id, row.position),
});

export class PostgresReads {
  constructor(
    private readonly pool: pg.Pool,
    /** the store is closing: a wait for the horizon gives up */
    private readonly closing: () => boolean,
  ) {}

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? null : 0n);
    const result = await this.pool.query<EventRow>(
      backwards
        ? `SELECT ${COLUMNS} FROM events WHERE stream = $1 AND ($2::bigint IS NULL OR revision <= $2) ORDER BY events.revision DESC LIMIT $3`
        : `SELECT ${COLUMNS} FROM events WHERE stream = $1 AND revision >= $2 ORDER BY events.revision LIMIT $3`,
      [stream, from?.toString() ?? null, options.maxCount ?? null],
    );
    return result.rows.map(toStored);
  }

  /**
   * The events after `after` in store order, up to `limit`: every event committed before the call
   * (above the horizon too, once the transactions below them have ended), none that could be
   * followed by an event of a lower position still to commit.
   */
  async readCommitted(after: Position | undefined, category: string | undefined, limit: number | undefined): Promise<StoredEvent[]> {
    const first = await this.readBelowHorizon(after, category, limit);
    if (first.heldBack === null || (limit !== undefined && first.events.length >= limit)) return first.events;
    await this.horizonPassing(first.heldBack);
    return (await this.readBelowHorizon(after, category, limit)).events;
  }

  /** The position of the last event below the horizon: every event up to it has committed, any still to come is after it. */
  async head(): Promise<Position | undefined> {
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
      if (this.closing()) throw new Error('the event store is closing');
      await sleep(wait);
      wait = Math.min(wait * 2, LONGEST_WAIT_MS);
    }
  }
}
