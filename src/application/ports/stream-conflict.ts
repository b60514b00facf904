import type { ActualRevision, ExpectedRevision } from './event-store.ts';

/**
 * An append found the stream elsewhere than the writer expected: someone else wrote first.
 * The command handler reads the stream again, decides again and retries.
 */
export class StreamConflict extends Error {
  override readonly name = 'StreamConflict';

  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: ActualRevision,
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}
