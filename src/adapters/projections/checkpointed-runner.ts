/**
 * Events into the projections' tables, with their checkpoints. Each projection keeps its own
 * checkpoint: an event at or before it is passed over (another process, or a rebuild, got there
 * first). A batch's rows and every checkpoint it moves are written in ONE transaction, so a crash
 * never applies an event twice nor skips one.
 */
import { categoryOf, comparePositions } from '../../application/ports/event-store.ts';
import type { Projection, ProjectionContext } from '../../application/projections/projection.ts';
import { type Checkpoint, compareCheckpoints, highestOf, lowestOf, reachedBy } from './checkpoint.ts';
import type { EventRun, EventSource, ProjectionEvent } from './event-source.ts';
import type { ProjectionStore, RowSink } from './projection-store.ts';
import { RowNotAtHand } from './row-batch.ts';

/** A projection in a run: the events after `skipUntil` and up to `until` (undefined: no limit) are its own. */
export type Target = Readonly<{ projection: Projection; skipUntil: Checkpoint; until: Checkpoint | undefined }>;

/**
 * Every event to every target that reads its category, in order; the row operations go to `rows`.
 * An evolve that reads a row the database must fetch first, or whose `add` needs one
 * (`RowNotAtHand`), is run again once the row is at hand: nothing of it was applied, and it is pure.
 */
export const evolveInto = async (
  rows: RowSink,
  events: readonly ProjectionEvent[],
  targets: readonly Target[],
  context: ProjectionContext,
): Promise<void> => {
  const byCategory = new Map<string, Target[]>();
  for (const target of targets) {
    for (const category of target.projection.categories) {
      const list = byCategory.get(category) ?? [];
      list.push(target);
      byCategory.set(category, list);
    }
  }
  for (const event of events) {
    const interested = byCategory.get(categoryOf(event.stream));
    if (interested === undefined) continue;
    for (const target of interested) {
      if (target.skipUntil !== null && comparePositions(event.position, target.skipUntil) <= 0) continue;
      if (target.until !== undefined && (target.until === null || comparePositions(event.position, target.until) > 0)) continue;
      for (;;) {
        try {
          const operations = target.projection.evolve(event, rows.read, context);
          if (operations.length > 0) rows.apply(operations);
          break;
        } catch (error) {
          if (!(error instanceof RowNotAtHand)) throw error;
          await rows.fetch(error);
        }
      }
    }
  }
};

/**
 * What bounds a batch. Following the store (`live`): `seen` is the last event the follower
 * applied, and a projection whose stored checkpoint is behind it was rebuilt meanwhile. Catching
 * up to a comparison (`upTo`): no projection goes past its own position in `until`.
 */
export type BatchBounds = Readonly<{ kind: 'live'; seen: Checkpoint }> | Readonly<{ kind: 'upTo'; until: ReadonlyMap<string, Checkpoint> }>;

/** `behind`: a projection was left out, its checkpoint behind `seen`; the follower must go back for the events it has not seen. */
export type BatchOutcome = 'applied' | 'behind';

export class CheckpointedRunner {
  constructor(
    private readonly store: ProjectionStore,
    private readonly projections: readonly Projection[],
    private readonly context: ProjectionContext,
  ) {}

  /** One transaction: the rows of every projection in step, and their checkpoints (moved to the run's end, within their bounds). */
  applyBatch({ events, end }: EventRun, bounds: BatchBounds): Promise<BatchOutcome> {
    return this.store.transaction(async () => {
      const stored = await this.store.checkpoints();
      const targets: Target[] = [];
      for (const projection of this.projections) {
        const checkpoint = stored.get(projection.name) ?? null;
        if (bounds.kind === 'live' && compareCheckpoints(checkpoint, bounds.seen) < 0) continue;
        targets.push({ projection, skipUntil: checkpoint, until: bounds.kind === 'upTo' ? bounds.until.get(projection.name) : undefined });
      }
      const rows = this.store.liveRows();
      await evolveInto(rows, events, targets, this.context);
      await rows.flush();
      for (const { projection, skipUntil, until } of targets) {
        const reached = reachedBy(end, until);
        if (reached !== null && compareCheckpoints(reached, skipUntil) > 0) await this.store.saveCheckpoint(projection.name, reached);
      }
      return targets.length < this.projections.length ? 'behind' : 'applied';
    });
  }

  /** Moves every projection forward to its position in `until` (never back), a page per transaction. */
  async catchUpTo(source: EventSource, until: ReadonlyMap<string, Checkpoint>): Promise<void> {
    const from = lowestOf((await this.store.checkpoints()).values()) ?? null;
    for await (const run of source.pages(from, highestOf(until.values()))) await this.applyBatch(run, { kind: 'upTo', until });
  }
}
