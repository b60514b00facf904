import type { InspectionLine, ReturnState } from '../../domain/return-order/index.ts';
import { onReturn } from '../commands/aggregates.ts';
import { callbackCause } from '../commands/cause.ts';
import type { Cause } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';

/** The warehouse inspected a return: a fact; stock follows by a reaction (qualified sellable, defective apart). */
export const recordInspection = async (
  deps: Dependencies,
  inspection: Readonly<{ returnNo: string; inspectionNo: string; lines: readonly InspectionLine[]; inspectedAt: string }>,
  callbackId: string | Cause,
): Promise<Readonly<{ state: ReturnState; changed: boolean }>> => {
  const now = deps.clock.now();
  const { state, events } = await onReturn(
    deps,
    { type: 'RecordReturnInspection', data: { ...inspection, now } },
    callbackCause(callbackId, now),
  );
  return { state, changed: events.length > 0 };
};
