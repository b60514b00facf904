/** The console's status filter offers exactly the statuses the orders report takes, in the same order. */
import { expect, test } from 'vitest';
// @ts-expect-error: a browser module of the console, plain JavaScript without types
import { ORDER_STATUSES } from '../../src/adapters/console/public/order-statuses.js';
import { orderStatuses } from '../../src/application/projections/status-counts.ts';

test("the console's statuses are the orders report's", () => {
  expect(ORDER_STATUSES).toEqual([...orderStatuses]);
});
