import type { RetryPolicy } from '../domain/kernel/retry-policy.ts';
import type { StateCache } from './commands/state-cache.ts';
import type { EventReader } from './events/event-reader.ts';
import type { Alerting } from './ports/alerting.ts';
import type { Clock } from './ports/clock.ts';
import type { EventStore } from './ports/event-store.ts';
import type { Ids } from './ports/ids.ts';
import type { Inventory } from './ports/inventory.ts';
import type { Random } from './ports/random.ts';
import type { Transport } from './ports/transport.ts';
import type { Warehouse } from './ports/warehouse.ts';

/** The ports the use cases and reactions work through, and the policies they apply. */
export type Dependencies = Readonly<{
  /** where commands append */
  store: EventStore;
  /** how everything is read: decoded, typed events */
  events: EventReader;
  /** folded states of recent streams; absent: every command folds its stream from the start */
  stateCache?: StateCache | undefined;
  ids: Ids;
  clock: Clock;
  warehouse: Warehouse;
  transport: Transport;
  inventory: Inventory;
  alerting: Alerting;
  /** retries of pushes to the WMS (outbound and inbound) */
  wmsRetryPolicy: RetryPolicy;
  /** retries of hand-offs to the TMS */
  tmsRetryPolicy: RetryPolicy;
  /**
   * where the jitter of each retry is drawn (full jitter: the retry comes due at a random point of
   * its backoff window, RETRY_JITTER=full); absent: no jitter, each retry due exactly after its backoff
   */
  retryJitter?: Random | undefined;
  /** a stock variance of more units than this is an anomaly for a person (VARIANCE_ALERT_UNITS) */
  varianceAlertUnits: number;
}>;
