/**
 * Parked callbacks: a warehouse message refused only because the order (inbound, return) it names
 * is not known yet is kept in the archive with `CallbackParked` (../warehouse-messages/warehouse-message.ts).
 * When what it waits for appears, this reaction applies it through the same path its route takes
 * (the same parsing, the same check that its caller reports for that warehouse, the same
 * deduplication by waybill, message id or report), records the outcome in the message's stream
 * (`ParkedCallbackSettled`: applied, or refused and why), acknowledges the alert the
 * refusal raised, and raises a new one when it still cannot be applied.
 *
 * Finding a parked message by what it waits for: the reaction files each `CallbackParked` under
 * `parked-{the stream it waits for}` (`parked-order-OMS1`: `CallbackWaiting`, one per message)
 * unless what it waits for is already there, in which case it applies it at once. Both run in the
 * one reaction, in store order, so a wake-up (the order pushed, the inbound or return created)
 * stored after a `CallbackParked` always finds it filed. Everything is safe to run again: the
 * filing and the outcome are written once (read before written), and applying the message again is
 * deduplicated by the domain as a resent callback is.
 *
 * When an outbound order is ready: once it has been handed to a warehouse (`PushSucceeded`), so
 * that a shipment is charged to the warehouse and reservation round it left under, or once it is
 * cancelled or closed without that (then the report becomes the domain's anomaly, as it would have
 * from the route). An inbound or a return is ready once it is created.
 */
import { inboundStreamName } from '../../domain/inbound-order/index.ts';
import { orderStreamName } from '../../domain/outbound-order/index.ts';
import { isTerminalOrder } from '../../domain/outbound-order/state.ts';
import { returnStreamName } from '../../domain/return-order/index.ts';
import { acknowledgeAlert } from '../alerts/acknowledge-alert.ts';
import { inboundOrders, orders, returnOrders } from '../commands/aggregates.ts';
import { causedBy } from '../commands/cause.ts';
import { loadState } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';
import type { HubEvent, RecordedOf } from '../events/recorded-event.ts';
import type { Revision } from '../ports/event-store.ts';
import { type EventSelection, reaction } from '../reactions/reaction.ts';
import {
  type CallbackParked,
  type ParkedCallbackSettled,
  type WaitingFor,
  type WarehouseMessage,
  messageStreamName,
  waitedStream,
} from '../warehouse-messages/warehouse-message.ts';

/** A parked message filed under what it waits for (`parked-{kind}-{no}` streams). */
export type CallbackWaiting = Readonly<{
  type: 'CallbackWaiting';
  data: Readonly<{ messageId: string; endpoint: string; waitingFor: WaitingFor; filedAt: string }>;
}>;

export type ParkedEvent = CallbackWaiting;

/** `parked-order-OMS1`: the messages waiting for `order-OMS1`. */
export const parkedStreamName = (waiting: WaitingFor): string => `parked-${waitedStream(waiting)}`;

/** What applying a parked message again came to (src/adapters/http/routes/callback-routes.ts answers it). */
export type ReplayOutcome =
  | Readonly<{ kind: 'applied'; changed: boolean; answer: string }>
  | Readonly<{ kind: 'refused'; status: number; reason: string }>
  /** what it names is still not known: it stays parked */
  | Readonly<{ kind: 'still-waiting' }>;

/**
 * The port: apply an archived warehouse message as its route would, for the caller that sent it
 * (as that caller may report now), its events caused by `causationId`.
 */
export interface CallbackReplay {
  replay(message: WarehouseMessage, causationId: string): Promise<ReplayOutcome>;
}

/** Whether what a message waits for is there to apply it to (see the module's comment). */
const isReady = async (deps: Dependencies, waiting: WaitingFor): Promise<boolean> => {
  switch (waiting.kind) {
    case 'order': {
      const order = await loadState(deps, orders, orderStreamName(waiting.no));
      return order.status !== 'NONE' && (order.outbounds.length > 0 || isTerminalOrder(order));
    }
    case 'inbound':
      return (await loadState(deps, inboundOrders, inboundStreamName(waiting.no))).inbound !== null;
    case 'return':
      return (await loadState(deps, returnOrders, returnStreamName(waiting.no))).created !== null;
  }
};

/** The key of the alert raised when a parked message could not be applied. */
export const parkedRefusalAlertKey = (messageId: string): string => `parked-callback:${messageId}`;

const nextAfter = (events: readonly Readonly<{ revision: Revision }>[]) => events.at(-1)?.revision ?? 'no_stream';

/** The outcome as it is stored: the event, and its id and metadata (what the alerts it settles are caused by). */
type StoredOutcome = ParkedCallbackSettled & Readonly<{ id: string; metadata: Readonly<{ correlationId: string }> }>;

/**
 * The alerts, as the outcome says: the one the first refusal raised (it names the message) is
 * acknowledged, applied or not; a refusal raises its own, saying why. Both are idempotent.
 */
const settleAlerts = async (deps: Dependencies, message: WarehouseMessage, outcome: StoredOutcome): Promise<void> => {
  const { waitingFor } = outcome.data;
  if (outcome.data.outcome === 'REFUSED') {
    await deps.alerting.raise({
      key: parkedRefusalAlertKey(message.messageId),
      kind: 'UNAPPLIED_CALLBACK',
      subject: message.endpoint,
      message: `a callback to ${message.endpoint} kept until ${waitedStream(waitingFor)} was known could not be applied: ${outcome.data.answer}`,
      details: {
        endpoint: message.endpoint,
        messageId: message.messageId,
        waitingFor,
        status: outcome.data.status,
        reason: outcome.data.answer,
        body: message.body,
      },
      raisedAt: deps.clock.now(),
    });
  }
  const open = await deps.alerting.list({ subject: message.endpoint, acknowledged: false });
  const first = open.find(
    (alert) =>
      alert.kind === 'UNAPPLIED_CALLBACK' &&
      alert.key !== parkedRefusalAlertKey(message.messageId) &&
      (alert.details as { messageId?: unknown } | null)?.messageId === message.messageId,
  );
  if (first === undefined) return;
  const by =
    outcome.data.outcome === 'APPLIED'
      ? `hub: applied once ${waitedStream(waitingFor)} was known (message ${message.messageId})`
      : `hub: tried once ${waitedStream(waitingFor)} was known, refused (alert ${parkedRefusalAlertKey(message.messageId)})`;
  const now = deps.clock.now();
  await acknowledgeAlert(deps, first.id, by, { correlationId: outcome.metadata.correlationId, causationId: outcome.id, recordedAt: now });
};

/** Apply one parked message, unless its outcome is already recorded; then settle its alerts. */
const settle = async (deps: Dependencies, replay: CallbackReplay, messageId: string, cause: HubEvent): Promise<void> => {
  const stream = messageStreamName(messageId);
  const kept = await deps.events.readStream('message', stream);
  let received: WarehouseMessage | undefined;
  let parked: CallbackParked | undefined;
  let recorded: StoredOutcome | undefined;
  for (const event of kept) {
    if (event.type === 'WarehouseMessageReceived') received = event.data;
    else if (event.type === 'CallbackParked') parked = event;
    else recorded = event;
  }
  if (received === undefined || parked === undefined) return;
  if (recorded !== undefined) return settleAlerts(deps, received, recorded);
  const outcome = await replay.replay(received, cause.id);
  if (outcome.kind === 'still-waiting') return;
  const now = deps.clock.now();
  const { waitingFor } = parked.data;
  const event: ParkedCallbackSettled = {
    type: 'ParkedCallbackSettled',
    data:
      outcome.kind === 'applied'
        ? { messageId, waitingFor, outcome: 'APPLIED', changed: outcome.changed, status: 200, answer: outcome.answer, settledAt: now }
        : { messageId, waitingFor, outcome: 'REFUSED', changed: false, status: outcome.status, answer: outcome.reason, settledAt: now },
  };
  // in the message's flow, caused by what woke it
  const metadata = { correlationId: messageId, causationId: cause.id, recordedAt: now };
  const stored = { ...event, id: deps.ids.newId(), metadata };
  await deps.store.append(stream, [stored], nextAfter(kept));
  await settleAlerts(deps, received, stored);
};

/** File a parked message under what it waits for, once. */
const file = async (deps: Dependencies, parked: RecordedOf<'message', 'CallbackParked'>): Promise<void> => {
  const { messageId, endpoint, waitingFor } = parked.data;
  const stream = parkedStreamName(waitingFor);
  const filed = await deps.events.readStream('parked', stream);
  if (filed.some((event) => event.data.messageId === messageId)) return;
  const now = deps.clock.now();
  const event: CallbackWaiting = { type: 'CallbackWaiting', data: { messageId, endpoint, waitingFor, filedAt: now } };
  await deps.store.append(stream, [{ ...event, id: deps.ids.newId(), metadata: causedBy(parked, now) }], nextAfter(filed));
};

/** The events that may make a parked message ready to apply: its own parking, and what it waits for appearing. */
type Wake =
  | RecordedOf<'message', 'CallbackParked'>
  | RecordedOf<'order', 'PushSucceeded' | 'OrderCancelled'>
  | RecordedOf<'inbound', 'InboundCreated'>
  | RecordedOf<'return', 'ReturnCreated'>;

const wakes: EventSelection<Wake> = {
  categories: ['message', 'order', 'inbound', 'return'],
  types: ['CallbackParked', 'PushSucceeded', 'OrderCancelled', 'InboundCreated', 'ReturnCreated'],
  canHandle: (event): event is Wake =>
    (event.category === 'message' && event.type === 'CallbackParked') ||
    (event.category === 'order' && (event.type === 'PushSucceeded' || event.type === 'OrderCancelled')) ||
    (event.category === 'inbound' && event.type === 'InboundCreated') ||
    (event.category === 'return' && event.type === 'ReturnCreated'),
};

export const applyParkedCallbacks = (deps: Dependencies, replay: CallbackReplay) =>
  reaction({
    name: 'apply-parked-callbacks',
    handles: wakes,
    handle: async (event) => {
      if (event.category === 'message') {
        if (await isReady(deps, event.data.waitingFor)) return settle(deps, replay, event.data.messageId, event);
        return file(deps, event);
      }
      const waiting: WaitingFor = { kind: event.category, no: event.streamId };
      const filed = await deps.events.readStream('parked', parkedStreamName(waiting));
      if (filed.length === 0 || !(await isReady(deps, waiting))) return;
      for (const entry of filed) await settle(deps, replay, entry.data.messageId, event);
    },
  });
