import { anomaliesProjection } from './anomalies.ts';
import { backorderQueueProjection } from './backorder-queue.ts';
import { manualQueueProjection } from './manual-queue.ts';
import { orderSearchProjection } from './order-search.ts';
import { ordersProjection } from './orders.ts';
import type { Projection } from './projection.ts';
import { stockLevelsProjection } from './stock-levels.ts';
import { stockVariancesProjection } from './stock-variances.ts';

/**
 * Every reporting projection. The reports they serve: the order list, status counts, lead times
 * and shipped per day (orders); the backorder queue (backorder-queue, with the order list); the
 * manual-intervention queue (manual-queue, with the order list); stock (stock-levels); stock
 * variances (stock-variances); anomalies by kind (anomalies); the order list's search by number
 * or SKU (order-search).
 */
export const allProjections: readonly Projection[] = [
  ordersProjection,
  backorderQueueProjection,
  manualQueueProjection,
  stockLevelsProjection,
  stockVariancesProjection,
  anomaliesProjection,
  orderSearchProjection,
];
