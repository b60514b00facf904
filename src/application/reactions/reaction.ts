import type { Alerting } from '../ports/alerting.ts';
import type { CheckpointStore } from '../ports/checkpoint-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { EventStore, StoredEvent, Subscription } from '../ports/event-store.ts';

/**
 * A reaction turns events into calls on ports and records what came of them as new commands.
 * It runs at least once per event (the checkpoint is saved after the event is handled), so every
 * reaction must be safe to run twice: the deciders make the second run decide nothing.
 */
export type Reaction = Readonly<{
  name: string;
  /** the stream category it listens to; absent: every category */
  category?: string;
  handle: (event: StoredEvent) => Promise<void>;
}>;

export type ReactionDeps = Readonly<{ store: EventStore; checkpoints: CheckpointStore; alerting: Alerting; clock: Clock }>;

/** How many times an event is tried before it is handed to a person and passed over. */
const attemptsPerEvent = 3;

/**
 * Run a reaction from its checkpoint. An event whose handling keeps failing (a bug, a store that
 * keeps refusing) does not stop every order behind it: after a few tries it becomes an alert
 * naming the reaction, the event and the error, and the reaction goes on with the next event.
 */
export const startReaction = async (deps: ReactionDeps, reaction: Reaction): Promise<Subscription> => {
  const after = await deps.checkpoints.load(reaction.name);
  return deps.store.subscribe({
    ...(after === undefined ? {} : { after }),
    ...(reaction.category === undefined ? {} : { category: reaction.category }),
    onEvent: async (event) => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await reaction.handle(event);
          break;
        } catch (error) {
          if (attempt < attemptsPerEvent) continue;
          await deps.alerting.raise({
            key: `reaction:${reaction.name}:${event.id}`,
            kind: 'ANOMALY',
            subject: event.stream,
            message: `${reaction.name} could not handle ${event.type} of ${event.stream}: ${error instanceof Error ? error.message : String(error)}`,
            details: {
              reaction: reaction.name,
              event: { id: event.id, type: event.type, stream: event.stream, revision: String(event.revision), data: event.data },
            },
            raisedAt: deps.clock.now(),
          });
          break;
        }
      }
      await deps.checkpoints.save(reaction.name, event.position);
    },
  });
};

/** The id part of a stream name: `order-OMS1` → `OMS1`. */
export const streamId = (stream: string): string => stream.slice(stream.indexOf('-') + 1);
