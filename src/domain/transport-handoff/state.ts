import { linesKey } from '../kernel/lines.ts';
import type { Instant } from '../kernel/instant.ts';
import { type PushAttempts, claimStands, noPushAttempts, retryIsDue } from '../kernel/push-attempts.ts';
import type { ShipmentForTransport } from './commands.ts';

export type HandOffStatus = 'NONE' | 'AWAITING_HANDOFF' | 'HANDOFF_FAILED' | 'MANUAL_INTERVENTION' | 'HANDED_OFF';

export type HandOffState = Readonly<{
  status: HandOffStatus;
  shipment: ShipmentForTransport | null;
  shipmentKey: string;
  transportRef: string | null;
  push: PushAttempts;
  handledRequests: readonly string[];
}>;

export const initialHandOffState: HandOffState = {
  status: 'NONE',
  shipment: null,
  shipmentKey: '',
  transportRef: null,
  push: noPushAttempts,
  handledRequests: [],
};

export const isHandedOff = (state: HandOffState): boolean => state.status === 'HANDED_OFF';

export const shipmentForTransportKey = (s: ShipmentForTransport): string =>
  JSON.stringify([s.waybillNo, s.orderNo, s.carrier, linesKey(s.items), s.shippedAt, Object.values(s.consignee)]);

/** The shipment should go to the TMS now: just registered, or a retry has come due; and no claimed hand-off stands (another caller is making it). */
export const handOffIsDue = (state: HandOffState, now: Instant): boolean =>
  state.shipment !== null &&
  (state.status === 'AWAITING_HANDOFF' || (state.status === 'HANDOFF_FAILED' && retryIsDue(state.push, now))) &&
  !claimStands(state.push, state.shipment.carrier, now);
