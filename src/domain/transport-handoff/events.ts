import type { Message } from '../kernel/decider.ts';
import type { Instant } from '../kernel/instant.ts';
import type { PushFailedData, PushRetryScheduledData, PushStartedData } from '../kernel/push-attempts.ts';
import type { ShipmentForTransport } from './commands.ts';

export type ShipmentRegistered = Message<'ShipmentRegistered', ShipmentForTransport & { registeredAt: Instant }>;
/** The hand-off attempt claimed before the call; `target` is the carrier. */
export type HandOffStarted = Message<'PushStarted', PushStartedData>;
export type HandedOff = Message<'PushSucceeded', { attempt: number; transportRef: string; pushedAt: Instant }>;
export type HandOffFailed = Message<'PushFailed', PushFailedData>;
export type HandOffRetryScheduled = Message<'PushRetryScheduled', PushRetryScheduledData>;
export type HandOffRetryRequested = Message<
  'RetryRequested',
  { requestId: string; newRound: boolean; requestedBy: string; requestedAt: Instant }
>;
export type HandOffNeedsPerson = Message<
  'ManualInterventionRequired',
  { reason: 'PUSH_ATTEMPTS_EXHAUSTED' | 'PUSH_REJECTED'; detail: string; at: Instant }
>;

export type HandOffEvent =
  ShipmentRegistered | HandOffStarted | HandedOff | HandOffFailed | HandOffRetryScheduled | HandOffRetryRequested | HandOffNeedsPerson;
