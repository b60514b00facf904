import type { Dependencies } from '../dependencies.ts';

/**
 * Nothing a warehouse tells the hub is lost: a callback that cannot be applied (an order, inbound
 * or return the hub does not know, or a report the domain refuses) is kept, raw, as an alert for
 * a person, keyed by its delivery so that a resent callback is kept once; `messageId` names it in
 * the archive of warehouse messages (../warehouse-messages/warehouse-message.ts).
 */
export const keepUnappliedCallback = async (
  deps: Dependencies,
  callback: Readonly<{ endpoint: string; body: unknown; reason: string; deliveryKey: string; messageId: string | null }>,
): Promise<void> => {
  await deps.alerting.raise({
    key: `callback:${callback.endpoint}:${callback.deliveryKey}`,
    kind: 'UNAPPLIED_CALLBACK',
    subject: callback.endpoint,
    message: `a callback to ${callback.endpoint} could not be applied: ${callback.reason}`,
    details: { endpoint: callback.endpoint, reason: callback.reason, body: callback.body, messageId: callback.messageId },
    raisedAt: deps.clock.now(),
  });
};
