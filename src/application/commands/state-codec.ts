import type { JsonValue } from '../ports/event-store.ts';

/**
 * How an aggregate's state is written to a snapshot and read back. `decode` checks what it reads
 * (a snapshot is a file anyone could have edited, or one written by another version) and answers
 * undefined for anything that is not a state of this `schema`; the stream is then folded from its
 * start. Bump `schema` whenever the state's shape changes.
 */
export type StateCodec<S> = Readonly<{
  schema: string;
  encode: (state: S) => JsonValue;
  decode: (json: unknown) => S | undefined;
}>;
