import type { Alerting } from '../ports/alerting.ts';
import type { CheckpointStore } from '../ports/checkpoint-store.ts';
import type { Clock } from '../ports/clock.ts';
import { LeaseLost } from '../ports/lease.ts';
import { StoreUnavailable } from '../ports/store-unavailable.ts';
import type { Position, Subscription } from '../ports/event-store.ts';
import type { EventReader } from '../events/event-reader.ts';
import type { Category, EventType, HubEvent, RecordedOf } from '../events/recorded-event.ts';
import { undecodableAlert } from '../events/undecodable-event.ts';

/** The events a reaction handles: by category and type, with the guard that narrows to them. */
export type EventSelection<E extends HubEvent> = Readonly<{
  categories: readonly Category[];
  types: readonly string[];
  canHandle: (event: HubEvent) => event is E;
}>;

/** These types of one category. */
export const eventsOf = <C extends Category, T extends EventType<C>>(
  category: C,
  types: readonly T[],
): EventSelection<RecordedOf<C, T>> => ({
  categories: [category],
  types,
  canHandle: (event): event is RecordedOf<C, T> => event.category === category && types.some((type) => type === event.type),
});

/** The events of either selection. */
export const either = <A extends HubEvent, B extends HubEvent>(a: EventSelection<A>, b: EventSelection<B>): EventSelection<A | B> => ({
  categories: [...new Set([...a.categories, ...b.categories])],
  types: [...new Set([...a.types, ...b.types])],
  canHandle: (event): event is A | B => a.canHandle(event) || b.canHandle(event),
});

/**
 * A reaction turns events into calls on ports and records what came of them as new commands.
 * It names the events it handles and receives only those, decoded. It runs at least once per
 * event (the checkpoint is saved after the event is handled), so every reaction must be safe to
 * run twice: the deciders make the second run decide nothing.
 */
export type Reaction<E extends HubEvent = HubEvent> = Readonly<{
  name: string;
  handles: EventSelection<E>;
  handle: (event: E) => Promise<void>;
}>;

/** A reaction that can be started from its checkpoint: what the hub holds a list of, whatever events each handles. */
export type StartableReaction<E extends HubEvent> = Reaction<E> & Readonly<{ start: (deps: ReactionDeps) => Promise<Subscription> }>;

/** A reaction, its handler typed by the events it names. */
export const reaction = <E extends HubEvent>(definition: Reaction<E>): StartableReaction<E> => ({
  ...definition,
  start: (deps) => startReaction(deps, definition),
});

export type ReactionDeps = Readonly<{ events: EventReader; checkpoints: CheckpointStore; alerting: Alerting; clock: Clock }>;

/** How many times an event is tried before it is handed to a person and passed over. */
const attemptsPerEvent = 3;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The checkpoint saves of the events a reaction passes over (of its category, not of its types),
 * made without the reaction waiting for them: one save at a time, of the latest such position
 * (the ones passed over meanwhile are covered by it), so that passing over a long run of events
 * costs a few saves, not one round trip each. The first save of a run starts on the next turn of
 * the event loop, or as soon as the reaction waits for it: a store that saves at once (SQLite)
 * would otherwise save after every event passed over, for there is never a save under way to
 * cover the next one. Before the next event it handles (or alerts on) is handled, the saves under
 * way have ended, and their failure (`LeaseLost`, `StoreUnavailable`) is thrown there, before
 * anything is done: as when each save was waited for. `drained` waits for them without throwing
 * (caught up, stopped).
 */
const passedOverSaves = (save: (position: Position) => Promise<void>) => {
  let pending: Position | undefined;
  let saving: Promise<void> | undefined;
  let failure: { error: unknown } | undefined;
  /** starts the save waiting for the next turn now */
  let startNow: (() => void) | undefined;
  const thrownIfFailed = (): void => {
    if (failure !== undefined) throw failure.error;
  };
  const saveInTurn = async (): Promise<void> => {
    await new Promise<void>((start) => {
      startNow = start;
      setImmediate(start);
    });
    startNow = undefined;
    try {
      for (let next = pending; next !== undefined; next = pending) {
        pending = undefined;
        await save(next);
      }
    } catch (error) {
      failure = { error };
    } finally {
      saving = undefined;
    }
  };
  return {
    passedOver: (position: Position): void => {
      thrownIfFailed();
      pending = position;
      saving ??= saveInTurn();
    },
    settled: async (): Promise<void> => {
      startNow?.();
      await saving;
      thrownIfFailed();
    },
    drained: async (): Promise<void> => {
      startNow?.();
      await saving;
    },
  };
};

/**
 * Run a reaction from its checkpoint. An event whose handling keeps failing (a bug, a store that
 * keeps refusing) does not stop every order behind it: after a few tries it becomes an alert
 * naming the reaction, the event and the error, and the reaction goes on with the next event.
 * An event that does not decode becomes an alert too (one per event, whichever reaction meets
 * it first); it stays in the store. A handler that finds the reaction's lease lost (`LeaseLost`,
 * hub processes sharing one database) or the database out of reach (`StoreUnavailable`) ends the
 * subscription at once: the event is not passed over, and the lease keeper starts the reaction again.
 *
 * The checkpoint moves after every event, but only the events it handles wait for their save
 * ({@link passedOverSaves}): a reaction that follows a busy category (every reaction of `order`)
 * passes over most of what it reads, and waiting a checkpoint's round trip for each (PostgreSQL:
 * 2–3 ms under load) made it walk an intake burst of thousands of orders at a few hundred events a
 * second before it reached the first event it handles.
 */
export const startReaction = async <E extends HubEvent>(deps: ReactionDeps, reaction: Reaction<E>): Promise<Subscription> => {
  const after = await deps.checkpoints.load(reaction.name);
  const [only] = reaction.handles.categories.length === 1 ? reaction.handles.categories : [];
  const handle = async (event: E): Promise<void> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await reaction.handle(event);
      } catch (error) {
        // no longer this process's work, or no database to work with: the reaction stops here without
        // passing the event over; whoever holds its lease next (this process, once the database is back) handles it
        if (error instanceof LeaseLost || error instanceof StoreUnavailable) throw error;
        if (attempt < attemptsPerEvent) continue;
        return deps.alerting.raise({
          key: `reaction:${reaction.name}:${event.id}`,
          kind: 'ANOMALY',
          subject: event.stream,
          message: `${reaction.name} could not handle ${event.type} of ${event.stream}: ${messageOf(error)}`,
          details: {
            reaction: reaction.name,
            event: { id: event.id, type: event.type, stream: event.stream, revision: String(event.revision), data: event.data },
          },
          raisedAt: deps.clock.now(),
        });
      }
    }
  };
  const passedOver = passedOverSaves((position) => deps.checkpoints.save(reaction.name, position));
  const subscription = deps.events.subscribe({
    ...(after === undefined ? {} : { after }),
    ...(only === undefined ? {} : { category: only }),
    // events of other types are not even decoded: each reaction decodes only what it may handle
    types: reaction.handles.types,
    onEvent: async (event) => {
      await passedOver.settled();
      if (reaction.handles.canHandle(event)) await handle(event);
      await deps.checkpoints.save(reaction.name, event.position);
    },
    onPassedOver: (position) => passedOver.passedOver(position),
    onUndecodable: async (problem) => {
      await passedOver.settled();
      await deps.alerting.raise(undecodableAlert(problem, deps.clock.now()));
      await deps.checkpoints.save(reaction.name, problem.stored.position);
    },
  });
  // caught up and stopped as before: with the checkpoint at the last event passed over
  const caughtUp = subscription.caughtUp.then(() => passedOver.drained());
  caughtUp.catch(() => undefined); // a failure is reported through `done`
  return {
    caughtUp,
    done: subscription.done,
    stop: async () => {
      await subscription.stop();
      await passedOver.drained();
    },
  };
};
