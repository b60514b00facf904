/**
 * Lead times (placed → pushed → shipped, per warehouse and day) are read from the order list at
 * query time; these are the moments its rows keep for them:
 *   pushed   the WMS took the order (or a person keyed it in), at the warehouse that has it: the
 *            first such moment since the order was placed or last rerouted (a reroute starts the
 *            clock again at the new warehouse, which is the one the order counts under);
 *   shipped  goods of the order first left the warehouse, by the warehouse's own clock, and the
 *            day that was in the reporting zone.
 * Nothing moves once the order has shipped.
 */
import type { OrderEvent } from '../../domain/outbound-order/index.ts';
import type { ProjectionContext } from './projection.ts';

export type LeadTimeMoments = { pushedMs: number | null; shippedAt: string | null; shippedMs: number | null; shippedDay: string | null };

export const applyLeadTimeMoments = (row: LeadTimeMoments, event: OrderEvent, { millisOf, dayOf }: ProjectionContext): void => {
  if (row.shippedMs !== null) return;
  switch (event.type) {
    case 'OrderRerouted':
      row.pushedMs = null;
      return;
    case 'PushSucceeded':
      row.pushedMs ??= millisOf(event.data.pushedAt);
      return;
    case 'ManualInterventionResolved':
      row.pushedMs ??= millisOf(event.data.resolvedAt);
      return;
    case 'ShipmentRecorded':
      row.shippedAt = event.data.shippedAt;
      row.shippedMs = millisOf(event.data.shippedAt);
      row.shippedDay = dayOf(event.data.shippedAt);
      return;
    default:
      return;
  }
};
