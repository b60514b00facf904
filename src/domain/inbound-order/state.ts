import type { Instant } from '../kernel/instant.ts';
import type { PushAttempts } from '../kernel/push-attempts.ts';
import { claimStands, noPushAttempts, retryIsDue } from '../kernel/push-attempts.ts';
import type { InboundCreatedData, ReceiptContext } from './events.ts';

export type InboundStatus = 'CREATED' | 'PUSHED_TO_WMS' | 'PUSH_FAILED' | 'MANUAL_INTERVENTION' | 'RETRY_REQUESTED' | 'RECEIVED';

export type InboundState = Readonly<{
  /** null until InboundCreated */
  inbound: InboundCreatedData | null;
  status: InboundStatus | null;
  wmsInboundNo: string | null;
  push: PushAttempts;
  /** SKU → total received (by the receipt that closed the inbound) */
  received: Readonly<Record<string, number>>;
  /** receipt numbers seen (the closing one and any that came after it) */
  receipts: readonly string[];
  /** operator request ids already handled */
  requests: readonly string[];
  anomalies: number;
}>;

export const initialInboundState: InboundState = {
  inbound: null,
  status: null,
  wmsInboundNo: null,
  push: noPushAttempts,
  received: {},
  receipts: [],
  requests: [],
  anomalies: 0,
};

export const isReceived = (state: InboundState): boolean => state.status === 'RECEIVED';

/** Where a receipt on this inbound goes (events.ts `ReceiptContext`). */
export const receiptDestination = (inbound: InboundCreatedData): ReceiptContext => ({
  warehouseCode: inbound.warehouseCode,
  kind: inbound.kind,
});

/**
 * The inbound order should go to the WMS now: just created, retried by a person, or a retry has
 * come due; and no claimed push stands (another caller is making it).
 */
export const pushIsDue = (state: InboundState, now: Instant): boolean =>
  state.inbound !== null &&
  (state.status === 'CREATED' || state.status === 'RETRY_REQUESTED' || (state.status === 'PUSH_FAILED' && retryIsDue(state.push, now))) &&
  !claimStands(state.push, state.inbound.warehouseCode, now);
