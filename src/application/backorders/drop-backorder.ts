import { orderStreamName } from '../../domain/outbound-order/index.ts';
import { onOrder, orders } from '../commands/aggregates.ts';
import { type Cause, loadState } from '../commands/handle-command.ts';
import type { Dependencies } from '../dependencies.ts';

/**
 * The original order was cancelled: a backorder of it not placed yet will not be
 * (docs/architecture.md#backorders). Recorded on the original (`BackorderCancelled`), once whoever
 * notices first (the reaction to the cancellation, or the backorder book about to place it).
 */
export const dropBackorderOfCancelledOrder = async (
  deps: Dependencies,
  orderNo: string,
  backorderNo: string,
  cause: Cause,
): Promise<void> => {
  const placed = await loadState(deps, orders, orderStreamName(backorderNo));
  if (placed.status !== 'NONE') return;
  await onOrder(
    deps,
    orderNo,
    {
      type: 'CancelBackorder',
      data: {
        requestId: `original-cancelled:${backorderNo}`,
        backorderNo,
        reason: `order ${orderNo} was cancelled`,
        requestedBy: 'hub',
        now: deps.clock.now(),
      },
    },
    cause,
  );
};
