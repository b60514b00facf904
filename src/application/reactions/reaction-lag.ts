import type { CheckpointStore } from '../ports/checkpoint-store.ts';
import type { EventStore, Position } from '../ports/event-store.ts';
import { positionToString } from '../ports/event-store.ts';

/**
 * How far behind a reaction is: the events it will handle (its categories, its types) stored after
 * its checkpoint, and since when the oldest of them has waited. Counted on each category's own
 * index (a read of the category after the checkpoint), never over the whole store: a reaction whose
 * category is quiet has its checkpoint at that category's last event, however far the store has
 * gone since, and is not behind.
 */
export type ReactionLag = Readonly<{
  /** the reaction's checkpoint (`commit/prepare`), null before its first event */
  position: string | null;
  /** events waiting for it */
  behind: number;
  /** when the oldest of them was recorded (null: none waits) */
  waitingSince: string | null;
}>;

export type FollowedEvents = Readonly<{ categories: readonly string[]; types: readonly string[] }>;

const PAGE = 256;

export const reactionLag = async (store: EventStore, checkpoint: Position | undefined, follows: FollowedEvents): Promise<ReactionLag> => {
  let behind = 0;
  let waitingSince: string | null = null;
  for (const category of follows.categories) {
    let after = checkpoint;
    for (;;) {
      const page = await store.readAll(after === undefined ? { category, maxCount: PAGE } : { category, after, maxCount: PAGE });
      for (const event of page) {
        if (!follows.types.includes(event.type)) continue;
        behind += 1;
        if (waitingSince === null || Date.parse(event.metadata.recordedAt) < Date.parse(waitingSince))
          waitingSince = event.metadata.recordedAt;
      }
      const last = page.at(-1);
      if (last === undefined || page.length < PAGE) break;
      after = last.position;
    }
  }
  return { position: checkpoint === undefined ? null : positionToString(checkpoint), behind, waitingSince };
};

/** Every reaction's lag, by name. */
export const reactionLags = async (
  store: EventStore,
  checkpoints: Pick<CheckpointStore, 'load'>,
  reactions: readonly Readonly<{ name: string; handles: FollowedEvents }>[],
): Promise<Record<string, ReactionLag>> =>
  Object.fromEntries(
    await Promise.all(
      reactions.map(async ({ name, handles }) => [name, await reactionLag(store, await checkpoints.load(name), handles)] as const),
    ),
  );
