import type { NewAlert } from '../ports/alerting.ts';
import type { StoredEvent } from '../ports/event-store.ts';

/** A stored event the hub cannot read: the event stays in the store; whoever meets it reports it. */
export class UndecodableEvent extends Error {
  constructor(
    readonly stored: StoredEvent,
    readonly problems: readonly string[],
  ) {
    super(`${stored.type} at ${stored.stream}@${stored.revision} does not decode: ${problems.join('; ')}`);
    this.name = 'UndecodableEvent';
  }
}

/** The alert for an event the hub cannot read: one per event, whoever meets it. */
export const undecodableAlert = (problem: UndecodableEvent, raisedAt: string): NewAlert => ({
  key: `undecodable:${problem.stored.id}`,
  kind: 'ANOMALY',
  subject: problem.stored.stream,
  message: problem.message,
  details: {
    event: { id: problem.stored.id, type: problem.stored.type, stream: problem.stored.stream, revision: String(problem.stored.revision) },
    problems: problem.problems,
  },
  raisedAt,
});
