/**
 * Group commit for the PostgreSQL event store (./postgres-event-store.ts): the appends asked for
 * while a group is being committed wait, and go together as the next group, up to MAX_GROUP of
 * them in arrival order, in one transaction: one flush of the WAL for them all. Each keeps what it
 * would have alone:
 * - the group takes the advisory lock of each of its streams, in the order of the lock keys (two
 *   hubs' groups then never wait on each other in a cycle), and then reads, in one query, the last
 *   revision of each of its streams and where any of its event ids is already stored;
 * - each append is judged in arrival order against that, and against the appends of the group
 *   before it, which it sees as stored: its expected revision (two appends to one stream chain),
 *   a re-append of events already stored (their result again, nothing written), an event id that
 *   is taken. A refused append gets its own error and takes nothing of the others; the accepted
 *   ones are inserted by one statement, in arrival order;
 * - an insert refused as a whole (an event id another hub stored meanwhile, a row the database
 *   will not take) rolls the group back, and its appends are committed again one at a time, each
 *   then refused alone. The database out of reach fails the whole group, as it would each append.
 *
 * Positions: the rows of a group share its transaction id and take their identities in arrival
 * order, so the store order (transaction id, identity) is the arrival order within a group, and
 * groups follow one another (one at a time per store; the next one's transaction id is taken
 * after this one has committed). The transaction-id horizon (./postgres-reads.ts) is unchanged: a
 * group is one transaction like any other, held open a little longer (MAX_GROUP bounds it). The
 * insert's NOTIFY (./postgres-schema.ts) wakes the subscribers once the group has committed.
 */
import type pg from 'pg';
import {
  type AppendResult,
  type EventToAppend,
  type ExpectedRevision,
  type Position,
  categoryOf,
} from '../../../application/ports/event-store.ts';
import { StreamConflict } from '../../../application/ports/stream-conflict.ts';
import { eventIdTaken } from '../event-id-taken.ts';
import { type LastRevision, NO_EVENTS, actualRevision, meetsExpected, replayedUpTo } from '../expected-revision.ts';
import { LOCK_SPACE } from './postgres-schema.ts';
import { positionOf } from './postgres-reads.ts';
import { withCheckedOut } from '../../postgres/checked-out.ts';
import { unavailableOr, unreachable } from '../../postgres/unreachable.ts';
import type { Outcome, WaitingAppend } from '../waiting-append.ts';

/** The most appends one transaction takes: bounds how long a group holds its locks, and the readers of $all below its transaction id. */
export const MAX_GROUP = 64;

/** Where an event is in its stream, stored before the group or by it. */
type Placed = Readonly<{ stream: string; revision: bigint }>;

/** An append of the group judged: refused, or standing at the revision of its last event (stored before the group, or inserted by it). */
type Verdict = Readonly<{ refused: Error }> | Readonly<{ lastId: string; revision: bigint }>;

type Row = Readonly<{ stream: string; revision: bigint; event: EventToAppend }>;

/** The state query's rows: a stream's last revision (`id` null), or an event of the group's ids already stored. */
type StateRow = Readonly<{
  stream: string;
  id: string | null;
  revision: string | null;
  position: string | null;
  transaction_id: string | null;
}>;

/** The streams' advisory locks, taken in the order of their keys (a subquery's ORDER BY is kept by the scan above it). */
const LOCK_STREAMS = `SELECT pg_advisory_xact_lock($1, key)
  FROM (SELECT DISTINCT hashtext(stream) AS key FROM unnest($2::text[]) AS stream ORDER BY key) AS keys`;

const STATE = `SELECT s.stream, NULL AS id, (SELECT max(revision) FROM events WHERE stream = s.stream)::text AS revision,
                      NULL AS position, NULL AS transaction_id
                 FROM unnest($1::text[]) AS s(stream)
               UNION ALL
               SELECT stream, id, revision::text, position::text, transaction_id::text FROM events WHERE id = ANY($2::text[])`;

const INSERT = `INSERT INTO events (stream, category, revision, id, type, data, metadata)
  SELECT e.stream, e.category, e.revision, e.id, e.type, e.data::json, e.metadata::json
    FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[])
         WITH ORDINALITY AS e(stream, category, revision, id, type, data, metadata, n)
   ORDER BY e.n
RETURNING id, position::text, transaction_id::text`;

/**
 * The group's appends judged in arrival order against what is stored (`lasts`: each stream's last
 * revision; `held`: where the group's event ids already are), each seeing the ones accepted before
 * it as stored: the rows to insert, in order, and each append's verdict.
 */
const judge = (
  group: readonly WaitingAppend[],
  lasts: Map<string, LastRevision>,
  held: Map<string, Placed>,
): Readonly<{ rows: Row[]; verdicts: Verdict[] }> => {
  const idAt = new Map<string, string>([...held].map(([id, at]) => [`${at.revision}:${at.stream}`, id]));
  const rows: Row[] = [];
  const verdicts = group.map(({ stream, events, expected }): Verdict => {
    const last = lasts.get(stream) ?? NO_EVENTS;
    const ids = events.map((event) => event.id);
    const [firstId, lastId] = [ids[0] as string, ids[ids.length - 1] as string];
    const first = held.get(firstId);
    if (first !== undefined) {
      const upTo =
        first.stream === stream ? replayedUpTo(expected, ids, first.revision, (revision) => idAt.get(`${revision}:${stream}`)) : undefined;
      return upTo === undefined
        ? { refused: eventIdTaken({ id: firstId, stream: first.stream }, stream, expected, last) }
        : { lastId, revision: upTo };
    }
    if (!meetsExpected(expected, last)) return { refused: new StreamConflict(stream, expected, actualRevision(last)) };
    const taken = ids.find((id, index) => held.has(id) || ids.indexOf(id) !== index);
    if (taken !== undefined)
      return { refused: eventIdTaken({ id: taken, stream: held.get(taken)?.stream ?? stream }, stream, expected, last) };
    events.forEach((event, index) => {
      const revision = last + BigInt(index + 1);
      held.set(event.id, { stream, revision });
      idAt.set(`${revision}:${stream}`, event.id);
      rows.push({ stream, revision, event });
    });
    lasts.set(stream, last + BigInt(events.length));
    return { lastId, revision: last + BigInt(events.length) };
  });
  return { rows, verdicts };
};

export class GroupCommit {
  /** appends waiting for the next group */
  private waiting: WaitingAppend[] = [];
  private committing = false;
  private commits = 0;

  constructor(private readonly pool: pg.Pool) {}

  /**
   * Resolves once the group that took the append has committed, or rejects with the append's own
   * refusal. The first append waits one turn of the event loop, so that those asked for in the
   * same turn (concurrent requests) make the first group with it.
   */
  append(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0 && !this.committing) setImmediate(() => void this.commitWaiting());
      this.waiting.push({ stream, events, expected, resolve, reject });
    });
  }

  /** Transactions that wrote events, committed so far (each holds one or more appends): for tests and metrics. */
  get committed(): number {
    return this.commits;
  }

  private async commitWaiting(): Promise<void> {
    this.committing = true;
    while (this.waiting.length > 0) await this.commit(this.waiting.splice(0, MAX_GROUP));
    this.committing = false;
  }

  /** Commits `group`, settling each of its appends; `alone`: the group is one append tried again after its group failed. */
  private async commit(group: readonly WaitingAppend[], alone = false): Promise<void> {
    let outcomes: readonly Outcome[];
    try {
      outcomes = await this.transaction(group);
    } catch (error) {
      if (alone || unreachable(error)) {
        for (const append of group) append.reject(unavailableOr(error));
        return;
      }
      for (const append of group) await this.commit([append], true);
      return;
    }
    group.forEach((append, index) => {
      const outcome = outcomes[index] as Outcome;
      if (outcome.ok) append.resolve(outcome.result);
      else append.reject(outcome.error);
    });
  }

  /** The group's transaction: each append's result (or refusal), once committed. */
  private async transaction(group: readonly WaitingAppend[]): Promise<readonly Outcome[]> {
    return withCheckedOut(this.pool, async (client) => {
      try {
        await client.query('BEGIN');
        const streams = [...new Set(group.map((append) => append.stream))];
        await client.query(LOCK_STREAMS, [LOCK_SPACE, streams]);
        const state = await client.query<StateRow>(STATE, [streams, group.flatMap((append) => append.events.map((event) => event.id))]);
        const lasts = new Map<string, LastRevision>();
        const held = new Map<string, Placed>();
        const positions = new Map<string, Position>();
        for (const row of state.rows) {
          if (row.id === null) lasts.set(row.stream, row.revision === null ? NO_EVENTS : BigInt(row.revision));
          else {
            held.set(row.id, { stream: row.stream, revision: BigInt(row.revision as string) });
            positions.set(row.id, positionOf(row.transaction_id as string, row.position as string));
          }
        }
        const { rows, verdicts } = judge(group, lasts, held);
        if (rows.length > 0) {
          const inserted = await client.query<Readonly<{ id: string; position: string; transaction_id: string }>>(INSERT, [
            rows.map((row) => row.stream),
            rows.map((row) => categoryOf(row.stream)),
            rows.map((row) => row.revision.toString()),
            rows.map((row) => row.event.id),
            rows.map((row) => row.event.type),
            rows.map((row) => JSON.stringify(row.event.data)),
            rows.map((row) => JSON.stringify(row.event.metadata)),
          ]);
          for (const row of inserted.rows) positions.set(row.id, positionOf(row.transaction_id, row.position));
        }
        await client.query('COMMIT');
        if (rows.length > 0) this.commits += 1;
        // every id a verdict stands at was in the state read or is in the insert
        return verdicts.map((verdict) =>
          'refused' in verdict
            ? { ok: false, error: verdict.refused }
            : { ok: true, result: { nextExpectedRevision: verdict.revision, position: positions.get(verdict.lastId) as Position } },
        );
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }
}
