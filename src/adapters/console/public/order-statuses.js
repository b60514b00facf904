// The statuses GET /api/oms/reports/orders filters by, in the hub's order (src/application/projections/
// status-counts.ts; test/console/order-statuses.test.ts holds the two lists equal).
export const ORDER_STATUSES = [
  'CREATED',
  'RESERVED',
  'PUSH_FAILED',
  'PUSHED_TO_WMS',
  'IN_PROGRESS',
  'PARTIALLY_SHIPPED',
  'CANCEL_REQUESTED',
  'MANUAL_INTERVENTION',
  'SHIPPED',
  'CANCELLED',
  'BACKORDERED',
];
