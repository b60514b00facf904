import type { Cause } from '../commands/handle-command.ts';
import { causeOf, field, text } from '../events/kept-row-fields.ts';
import { type Category, categories } from '../events/recorded-event.ts';
import type { RowCodec } from '../ports/kept-read-model.ts';

/**
 * A stream's next retry, as the retry index keeps it: what to retry, when, and the flow it belongs
 * to. `kind`: a retry scheduled after a failure, or a claimed call to look at again when its claim
 * runs out, in case its caller died before recording the outcome: a push or hand-off
 * (`PushStarted`), or a cancel sent to a warehouse (`CancelCallStarted`, `cancel-claim`).
 */
export type DueRetry = Readonly<{
  kind: 'retry' | 'claim' | 'cancel-claim';
  category: Category;
  /** the stream's id (an orderNo, an inboundNo, `{carrier}.{waybillNo}`) */
  streamId: string;
  dueAt: string;
  /** the PushRetryScheduled, PushStarted or CancelCallStarted that set it, as the cause of the retry (`recordedAt` replaced by the retry's time) */
  cause: Cause;
}>;

const categoryOf = (value: unknown): Category => {
  const category = categories.find((known) => known === value);
  if (category === undefined) throw new TypeError(`a kept retry's category ${String(value)} is not one of the hub's`);
  return category;
};

/** A row of the retry index as JSON; read back field by field. */
export const dueRetryCodec: RowCodec<DueRetry> = {
  version: 3,
  encode: (row) => JSON.stringify(row),
  decode: (json) => {
    const row: unknown = JSON.parse(json);
    const kind = field(row, 'kind');
    return {
      kind: kind === 'claim' || kind === 'cancel-claim' ? kind : 'retry',
      category: categoryOf(field(row, 'category')),
      streamId: text(field(row, 'streamId'), 'streamId'),
      dueAt: text(field(row, 'dueAt'), 'dueAt'),
      cause: causeOf(field(row, 'cause')),
    };
  },
};
