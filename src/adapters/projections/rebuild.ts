/**
 * A rebuild: every event replayed into fresh tables, in large transactions (the rows of one
 * transaction carried into the next, so an order whose events straddle two is not read back),
 * then the fresh tables swapped in at once. Readers keep the old tables until then.
 */
import type { Projection, ProjectionContext } from '../../application/projections/projection.ts';
import { type Checkpoint, highestOf, reachedBy } from './checkpoint.ts';
import { type Target, evolveInto } from './checkpointed-runner.ts';
import type { EventSource } from './event-source.ts';
import type { ProjectionStore } from './projection-store.ts';

export type RebuildResult = Readonly<{ events: number; seconds: number }>;

export type ReplayOptions = Readonly<{
  /** events per transaction */
  batchSize: number;
  /** each projection stops at its own position (for comparing with a live read model); default: every event */
  until?: ReadonlyMap<string, Checkpoint> | undefined;
  /** hears the number of events replayed so far */
  onProgress?: ((events: number) => void) | undefined;
}>;

/** Replays into fresh tables and swaps them in; `last` is the checkpoint the replay reached. */
export const replayInto = async (
  store: ProjectionStore,
  source: EventSource,
  projections: readonly Projection[],
  context: ProjectionContext,
  { batchSize, until, onProgress }: ReplayOptions,
): Promise<RebuildResult & Readonly<{ last: Checkpoint }>> => {
  const started = process.hrtime.bigint();
  const fresh = await store.freshTables(projections);
  const targets: Target[] = projections.map((projection) => ({ projection, skipUntil: null, until: until?.get(projection.name) }));
  let events = 0;
  let inBatch = 0;
  let last: Checkpoint = null;
  const write = async (): Promise<void> => {
    await store.transaction(() => fresh.rows.flush());
    inBatch = 0;
  };
  for await (const run of source.pages(null, until === undefined ? undefined : highestOf(until.values()))) {
    for (let from = 0; from < run.events.length;) {
      const slice = run.events.slice(from, from + batchSize - inBatch);
      await evolveInto(fresh.rows, slice, targets, context);
      from += slice.length;
      events += slice.length;
      inBatch += slice.length;
      if (inBatch >= batchSize) {
        await write();
        onProgress?.(events);
      }
    }
    last = run.end;
    if (inBatch > 0) onProgress?.(events);
  }
  await write();
  await fresh.swapIn(new Map(projections.map((projection) => [projection.name, reachedBy(last, until?.get(projection.name))])));
  return { events, seconds: Number(process.hrtime.bigint() - started) / 1e9, last };
};
