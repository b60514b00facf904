import type { ActualRevision, ExpectedRevision, Revision } from '../../application/ports/event-store.ts';

/** The revision of a stream's last event, or -1n when it has none: how the stores count internally. */
export type LastRevision = Revision;

export const NO_EVENTS: LastRevision = -1n;

export const meetsExpected = (expected: ExpectedRevision, last: LastRevision): boolean => {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return last === NO_EVENTS;
    case 'stream_exists':
      return last !== NO_EVENTS;
    default:
      return last === expected;
  }
};

export const actualRevision = (last: LastRevision): ActualRevision => (last === NO_EVENTS ? 'no_stream' : last);

/**
 * Whether a batch is an append already stored, sent again: its first id sits at `firstRevision`
 * of the stream, where the expected revision points (any place for 'any' and 'stream_exists'),
 * and the following ids match one for one. Returns the revision of the batch's last event, or
 * undefined when it is not a replay.
 */
export const replayedUpTo = (
  expected: ExpectedRevision,
  ids: readonly string[],
  firstRevision: Revision,
  idAt: (revision: Revision) => string | undefined,
): Revision | undefined => {
  const expectedFirst = expected === 'no_stream' ? 0n : typeof expected === 'bigint' ? expected + 1n : firstRevision;
  if (firstRevision !== expectedFirst) return undefined;
  const matches = ids.every((id, index) => idAt(firstRevision + BigInt(index)) === id);
  return matches ? firstRevision + BigInt(ids.length - 1) : undefined;
};
