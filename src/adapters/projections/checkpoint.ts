/**
 * A projection's checkpoint: the position of the last event it applied, null when it applied
 * none. null comes before every position.
 */
import { type Position, comparePositions, positionFromString, positionToString } from '../../application/ports/event-store.ts';

export type Checkpoint = Position | null;

export const parseCheckpoint = (text: string | null): Checkpoint => (text === null ? null : positionFromString(text));

export const formatCheckpoint = (checkpoint: Checkpoint): string | null => (checkpoint === null ? null : positionToString(checkpoint));

export const compareCheckpoints = (a: Checkpoint, b: Checkpoint): number =>
  a === null ? (b === null ? 0 : -1) : b === null ? 1 : comparePositions(a, b);

/** The lowest of some checkpoints; undefined when there are none. */
export const lowestOf = (checkpoints: Iterable<Checkpoint>): Checkpoint | undefined => {
  let lowest: Checkpoint | undefined;
  for (const checkpoint of checkpoints) if (lowest === undefined || compareCheckpoints(checkpoint, lowest) < 0) lowest = checkpoint;
  return lowest;
};

/** The highest of some checkpoints; null when there are none. */
export const highestOf = (checkpoints: Iterable<Checkpoint>): Checkpoint => {
  let highest: Checkpoint = null;
  for (const checkpoint of checkpoints) if (compareCheckpoints(checkpoint, highest) > 0) highest = checkpoint;
  return highest;
};

/** Where a projection stands after events up to `last`, when it may not go past `limit` (undefined: no limit). */
export const reachedBy = (last: Checkpoint, limit: Checkpoint | undefined): Checkpoint =>
  limit === undefined || compareCheckpoints(last, limit) <= 0 ? last : limit;
