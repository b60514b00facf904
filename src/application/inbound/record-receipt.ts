import type { Line } from '../../domain/kernel/lines.ts';
import type { InboundState } from '../../domain/inbound-order/index.ts';
import { onInbound } from '../commands/aggregates.ts';
import { callbackCause } from '../commands/cause.ts';
import type { Cause } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';

/** The WMS counted goods in: a fact; short, over and unknown SKUs become discrepancies, stock follows by a reaction. */
export const recordReceipt = async (
  deps: Dependencies,
  receipt: Readonly<{ inboundNo: string; receiptNo: string; lines: readonly Line[]; receivedAt: string }>,
  callbackId: string | Cause,
): Promise<Readonly<{ state: InboundState; changed: boolean }>> => {
  const now = deps.clock.now();
  const { state, events } = await onInbound(deps, { type: 'RecordReceipt', data: { ...receipt, now } }, callbackCause(callbackId, now));
  return { state, changed: events.length > 0 };
};
