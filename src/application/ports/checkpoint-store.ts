import type { Position } from './event-store.ts';

/**
 * Where each subscriber (a reaction, a projection runner) has got to. Save after handling an
 * event, so that a subscriber restarted after a crash resumes after the last event it finished
 * (subscriptions start after the saved position, exclusive) and never skips one it had not.
 */
export interface CheckpointStore {
  /** undefined: the subscriber has never saved, start from the beginning. */
  load(subscriber: string): Promise<Position | undefined>;
  save(subscriber: string, position: Position): Promise<void>;
}
