/** An alert to raise in the tests: a manual intervention on order OMS1 under `key`. */
import type { NewAlert } from '../../src/application/ports/alerting.ts';

export const newAlert = (key: string, overrides: Partial<NewAlert> = {}): NewAlert => ({
  key,
  kind: 'MANUAL_INTERVENTION',
  subject: 'order-OMS1',
  message: `push of OMS1 failed 5 times (${key})`,
  details: { attempts: 5 },
  raisedAt: '2025-11-22T02:00:00.000Z',
  ...overrides,
});
