import { millis } from '../../domain/kernel/instant.ts';
import { type Position, type StoredEvent, comparePositions, positionFromString, positionToString } from '../ports/event-store.ts';
import { canonicalJson } from './canonical-json.ts';
import { instantAt } from './point-in-time.ts';

/** One end of an export: a position in the store ("1024", or "commit/prepare") or a time (events recorded then). */
export type Bound = Readonly<{ kind: 'position'; position: Position }> | Readonly<{ kind: 'time'; instant: string }>;

/**
 * Reads a bound as a person writes it: digits are a position (SQLite's sequence, `1024`; or
 * EventStoreDB's `commit/prepare`), anything else a date-time (a local one read in `zone`).
 * Null when it is neither.
 */
export const parseBound = (text: string, zone: string): Bound | null => {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { kind: 'position', position: { commit: BigInt(trimmed), prepare: BigInt(trimmed) } };
  if (/^\d+\/\d+$/.test(trimmed)) return { kind: 'position', position: positionFromString(trimmed) };
  const instant = instantAt(trimmed, zone);
  return instant === null ? null : { kind: 'time', instant };
};

export const describeBound = (bound: Bound): string =>
  bound.kind === 'position' ? `position ${positionToString(bound.position)}` : bound.instant;

/** Both ends inclusive: from the first event at or after `from` to the last at or before `to`. */
export const isAfterStart = (event: StoredEvent, from: Bound): boolean =>
  from.kind === 'position'
    ? comparePositions(event.position, from.position) >= 0
    : millis(event.metadata.recordedAt) >= millis(from.instant);

export const isBeforeEnd = (event: StoredEvent, to: Bound | undefined): boolean =>
  to === undefined ||
  (to.kind === 'position' ? comparePositions(event.position, to.position) <= 0 : millis(event.metadata.recordedAt) <= millis(to.instant));

/** Events come in position order: once one is past a position `to`, all that follow are. */
export const isPastEnd = (event: StoredEvent, to: Bound | undefined): boolean =>
  to !== undefined && to.kind === 'position' && comparePositions(event.position, to.position) > 0;

/**
 * One event as a line of the audit export (NDJSON), with a stable key order: `stream`,
 * `revision`, `position`, `id`, `type`, `data`, `metadata` at the top (revision and position as
 * strings, as the REST API gives them), the keys of `data` and `metadata` sorted at every level.
 * The same events give the same bytes, whichever store they are read from.
 */
export const exportLine = (event: StoredEvent): string =>
  `{"stream":${JSON.stringify(event.stream)},"revision":"${event.revision}","position":"${positionToString(event.position)}","id":${JSON.stringify(event.id)},"type":${JSON.stringify(event.type)},"data":${canonicalJson(event.data)},"metadata":${canonicalJson(event.metadata)}}\n`;
