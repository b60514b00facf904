import type { Dependencies } from '../../application/dependencies.ts';
import type { JsonValue } from '../../application/ports/event-store.ts';
import { keepUnappliedCallback } from '../../application/callbacks/keep-unapplied-callback.ts';
import { Refused } from '../../domain/kernel/refused.ts';
import { StampingStore } from './stamping-store.ts';

/** A warehouse's message as it arrived: where, what, its id in the archive, and what makes a resent one the same delivery. */
export type ArrivedReport = Readonly<{ endpoint: string; body: unknown; messageId: string | undefined; deliveryKey: string }>;

/**
 * Apply what a warehouse reported, whatever protocol it came by (the JSON callbacks, Qimen): every
 * event it causes keeps the message in its metadata (`metadata.callback`: endpoint, body, message
 * id), so that an audit shows what the warehouse sent. A report the domain refuses is kept, raw,
 * for a person (an alert), and the refusal is returned for the caller to answer.
 */
export const applyWarehouseReport = async <T>(
  deps: Dependencies,
  report: ArrivedReport,
  apply: (deps: Dependencies) => Promise<T>,
): Promise<Readonly<{ applied: T }> | Readonly<{ refused: Refused }>> => {
  const { endpoint, body, messageId, deliveryKey } = report;
  const callback = { endpoint, body: body as JsonValue, ...(messageId === undefined ? {} : { messageId }) };
  try {
    return { applied: await apply({ ...deps, store: new StampingStore(deps.store, () => ({ callback })) }) };
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    await keepUnappliedCallback(deps, {
      endpoint,
      body,
      reason: `${error.reason}: ${error.message}`,
      deliveryKey,
      messageId: messageId ?? null,
    });
    return { refused: error };
  }
};
