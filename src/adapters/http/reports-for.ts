import { type Caller, holdsWarehouse } from '../credentials/callers.ts';
import { HttpProblem } from './answer.ts';

/**
 * A warehouse reports only for its own warehouse codes: the one its message names, and the one the
 * order (inbound, return) it reports on is at (when the hub knows it). Anything else is refused
 * (403) before it is applied; the message is kept in the archive all the same.
 */
export const reportsFor = (caller: Caller, named: string | null, subject: Readonly<{ no: string; warehouseCode: string | null }>): void => {
  const held = caller.warehouses === 'any' ? 'any' : caller.warehouses.join(', ');
  if (named !== null && !holdsWarehouse(caller, named))
    throw new HttpProblem(403, `${caller.id} reports for ${held}, not ${named}: nothing was applied`, [
      { path: 'body.warehouseCode', message: `not a warehouse of ${caller.id}` },
    ]);
  if (subject.warehouseCode !== null && !holdsWarehouse(caller, subject.warehouseCode))
    throw new HttpProblem(
      403,
      `${subject.no} is at ${subject.warehouseCode}, not at a warehouse of ${caller.id} (${held}): nothing was applied`,
    );
};
